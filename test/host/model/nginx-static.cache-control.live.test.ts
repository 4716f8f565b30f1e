// A Cache-Control the spec author writes on a static SPA route replaces the generated ones on every
// answer: the shell, hashed assets, other files and HTML documents each carry exactly one, the
// author's, and `null` sends none. Requests go over a raw socket, so a second header line would be
// seen. Run where nginx repeats the headers in each nested location (the host's 1.22) and where it
// merges them (add_header_inherit, 1.30).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedNginxVersion } from "../../../src/nginx-check/nginx-test.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { rawRequest, repeated, values } from "../../support/raw-http.js";
import { spec } from "../../support/specs.js";

let site: string;

beforeAll(() => {
  site = mkdtempSync(join(tmpdir(), "edgekit-spa-cc-"));
  mkdirSync(join(site, "assets"));
  mkdirSync(join(site, "docs"));
  writeFileSync(join(site, "index.html"), "<!doctype html><title>shell</title>");
  writeFileSync(join(site, "assets", "app-1a2b3c4d5e.js"), "console.log('v1')");
  writeFileSync(join(site, "logo.png"), "png");
  writeFileSync(join(site, "docs", "page.html"), "<p>page</p>");
  chmodSync(site, 0o755);
});

afterAll(() => {
  rmSync(site, { recursive: true, force: true });
});

describe.each([(await installedNginxVersion())!, "1.30.6"])("an SPA with its own Cache-Control on nginx %s", (version) => {
  let nginx: RunningNginx;
  const get = (path: string) => rawRequest(nginx.httpPort, "GET", path);

  beforeAll(async () => {
    nginx = await startNginx(
      spec({
        nginx: { version },
        tls: { enabled: false },
        routes: [
          { kind: "static", path: "/app/", root: site, spa: {}, hashedAssets: {}, headers: { "cache-control": "private, max-age=60" } },
          { kind: "static", path: "/", root: site, spa: {}, hashedAssets: {}, headers: { "Cache-Control": null } },
        ],
      }),
    );
  });

  afterAll(async () => {
    await nginx?.stop();
  });

  it.each(["/app/dashboard/settings", "/app/", "/app/index.html", "/app/assets/app-1a2b3c4d5e.js", "/app/logo.png", "/app/docs/page.html"])("sends exactly one Cache-Control, the route's, on %s", async (path) => {
    const reply = await get(path);
    expect(reply.status).toBe(200);
    expect(values(reply, "cache-control")).toEqual(["private, max-age=60"]);
    expect(repeated(reply)).toEqual([]);
    expect(values(reply, "x-content-type-options")).toEqual(["nosniff"]);
  });

  it("still answers a deep link with the shell and a missing asset with 404", async () => {
    expect((await get("/app/dashboard/settings")).body).toContain("<title>shell</title>");
    expect((await get("/app/assets/missing.js")).status).toBe(404);
  });

  it.each(["/dashboard", "/assets/app-1a2b3c4d5e.js", "/logo.png", "/docs/page.html"])("sends no Cache-Control where the route removes it (null), on %s", async (path) => {
    const reply = await get(path);
    expect(reply.status).toBe(200);
    expect(values(reply, "cache-control")).toEqual([]);
    expect(repeated(reply)).toEqual([]);
  });
});
