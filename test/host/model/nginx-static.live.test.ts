// Static sites and SPAs on the real nginx: a deep link gets the shell (200, no-cache), a hashed
// asset is cached for good (immutable), a missing asset is 404 (never the shell, never cacheable),
// other files keep the route's expires, and nothing escapes the root, at the server's root and under
// a prefix (alias with try_files). Security headers reach every nested location, once.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../../support/http.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";

let dir: string;
let nginx: RunningNginx;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "edgekit-spa-"));
  const site = join(dir, "site");
  for (const sub of ["assets", "docs"]) mkdirSync(join(site, sub), { recursive: true });
  writeFileSync(join(site, "index.html"), "<!doctype html><title>shell</title>");
  writeFileSync(join(site, "assets", "app-1a2b3c4d5e.js"), "console.log('v1')");
  writeFileSync(join(site, "logo.png"), "png");
  writeFileSync(join(site, "docs", "page.html"), "<p>page</p>");
  writeFileSync(join(dir, "secret.txt"), "secret");
  chmodSync(dir, 0o755);
  nginx = await startNginx(
    spec({
      tls: { enabled: false },
      routes: [
        { kind: "api", path: "/api/" },
        { kind: "static", path: "/app/", root: site, spa: {}, hashedAssets: {}, expires: "1h" },
        { kind: "static", path: "/", root: site, spa: { shell: "index.html" }, hashedAssets: { expires: "30d" } },
      ],
    }),
  );
});

afterAll(async () => {
  await nginx?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => request(`http://127.0.0.1:${nginx.httpPort}${path}`);

describe.each([
  ["at the server's root", "", "max-age=2592000"],
  ["under a prefix (alias)", "/app", "max-age=31536000"],
])("an SPA %s", (_, prefix, hashedAge) => {
  it.each(["/dashboard/settings", "/", "/dashboard/settings/", "/index.html"])("answers %s with the shell, 200 and no-cache", async (path) => {
    const reply = await get(`${prefix}${path}`);
    expect(reply.status).toBe(200);
    expect(reply.text).toContain("<title>shell</title>");
    expect(reply.headers["cache-control"]).toBe("no-cache");
    expect(reply.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("caches a hashed asset for good", async () => {
    const reply = await get(`${prefix}/assets/app-1a2b3c4d5e.js`);
    expect(reply.status).toBe(200);
    expect(reply.text).toBe("console.log('v1')");
    expect(reply.headers["cache-control"]).toBe(`public, ${hashedAge}, immutable`);
    expect(reply.headers["x-frame-options"]).toBe("DENY");
  });

  it.each(["/assets/x.js", "/assets/app-9f9f9f9f9f.js", "/missing.png", "/docs/missing.html"])("answers a missing file %s with 404, not the shell, and nothing cacheable", async (path) => {
    const reply = await get(`${prefix}${path}`);
    expect(reply.status).toBe(404);
    expect(reply.text).not.toContain("shell");
    expect(reply.headers["cache-control"]).toBeUndefined();
  });

  it("gives other files the route's expires and HTML documents no-cache", async () => {
    const logo = await get(`${prefix}/logo.png`);
    expect([logo.status, logo.headers["cache-control"]]).toEqual([200, prefix === "" ? "public, max-age=604800" : "public, max-age=3600"]);
    const page = await get(`${prefix}/docs/page.html`);
    expect([page.status, page.text, page.headers["cache-control"]]).toEqual([200, "<p>page</p>", "no-cache"]);
  });

  it.each(["/../secret.txt", "/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt", "/%2e%2e/secret.txt"])("serves nothing outside the root for %s", async (path) => {
    const reply = await get(`${prefix}${path}`);
    expect(reply.text).not.toContain("secret");
  });
});

it("leaves longer prefix routes alone: /api/ is not the shell", async () => {
  const reply = await get("/api/x-1a2b3c4d5e.js");
  expect(reply.text).not.toContain("shell");
  expect(reply.headers["cache-control"]).toBeUndefined();
});
