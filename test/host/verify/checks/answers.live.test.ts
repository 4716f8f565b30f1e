// The answers check on the real nginx: an edge rendered from the spec passes it (respond routes,
// redirects, the 404 page); an edge rendered from a different spec fails it, saying what differs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedNginxVersion } from "../../../../src/nginx-check/nginx-test.js";
import { answers } from "../../../../src/verify/checks/answers.js";
import { makeTarget, specPlan } from "../../../../src/verify/index.js";
import { startNginx, type RunningNginx } from "../../../support/nginx-harness.js";
import { spec } from "../../../support/specs.js";

const version = (await installedNginxVersion())!;
const edge = (body: string, to: string) =>
  spec({
    nginx: { version },
    compression: { zstd: { enabled: false }, brotli: { enabled: false } },
    upstreams: { app: { servers: [{ host: "127.0.0.1", port: 9 }] } },
    errorPages: { 404: { contentType: "text/html", body: "<h1>Nothing here</h1>" } },
    routes: [
      { kind: "api", path: "/api/" },
      { kind: "respond", path: "/maintenance", match: "exact", status: 503, body, headers: { "Retry-After": "60" } },
      { kind: "redirect", path: "/old/", to, status: 308, keepPath: true },
    ],
  });

let nginx: RunningNginx;

beforeAll(async () => {
  nginx = await startNginx(edge("back soon", "/new/"));
});

afterAll(async () => {
  await nginx?.stop();
});

async function run(s: ReturnType<typeof edge>) {
  const target = makeTarget(`https://localhost:${nginx.httpsPort}/api/`, { ca: nginx.caCert, httpPort: nginx.httpPort });
  return answers.run({ target, plan: specPlan(s, target.url), withLoad: false, timeoutMs: 5000, sseWatchMs: 1000 });
}

describe("verify: answers", () => {
  it("passes every respond route, redirect and the 404 page of the spec the edge was rendered from", async () => {
    const rows = await run(edge("back soon", "/new/"));
    expect(rows.map((r) => [r.verdict, r.title, r.figure])).toEqual([
      ["pass", "/maintenance (respond) answers as the spec says", "503, 9 B body"],
      ["pass", "/old/ (redirect) answers as the spec says", "308 → /new/"],
      ["pass", "the 404 error page answers as the spec says", "404, 21 B body"],
    ]);
  });

  it("fails where the live edge answers otherwise, saying what differs", async () => {
    const rows = await run(edge("back at noon", "/newer/"));
    expect(rows.filter((r) => r.verdict === "fail").map((r) => r.detail)).toEqual(['body "back soon", expected "back at noon"', 'Location "/new/", expected "/newer/"']);
  });
});
