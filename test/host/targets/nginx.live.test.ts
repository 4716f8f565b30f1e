// The rendered config under live traffic through the real nginx: what the seed's hand-written
// config got wrong (headers lost in nested locations, authenticated responses cached) and what a
// spec string must never do (inject a directive).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { securityHeaders } from "../../../src/model/security-headers.js";
import { request } from "../../support/http.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";
import { startTestBackend, type TestBackend } from "../../support/test-backend.js";

const INJECTION = `a"; add_header X-Evil 1; #{} \\' ;`;

let backend: TestBackend;
let nginx: RunningNginx;
let staticDir: string;
let s: ReturnType<typeof spec>;

beforeAll(async () => {
  backend = await startTestBackend();
  staticDir = mkdtempSync(join(tmpdir(), "edgekit-static-"));
  chmodSync(staticDir, 0o755);
  writeFileSync(join(staticDir, "app.css"), "body { color: black; }\n");
  chmodSync(join(staticDir, "app.css"), 0o644);
  s = spec({
    upstreams: { app: { servers: [{ host: "127.0.0.1", port: backend.port }] } },
    routes: [
      { kind: "api", path: "/api/" },
      { kind: "api", path: "/cached", match: "exact", cache: {}, headers: { "X-Route": "cached" } },
      { kind: "api", path: "/inject", match: "exact", headers: { "X-Test": INJECTION } },
      { kind: "api", path: "/limited", match: "exact", rateLimit: { rate: "1r/m", burst: 2 } },
      { kind: "sse", path: "/sse", match: "exact" },
      { kind: "api", path: "/buffered/sse", match: "exact", compression: false },
      { kind: "static", path: "/static/", root: staticDir, immutable: true },
      { kind: "health", path: "/health", match: "exact" },
      { kind: "metrics", path: "/metrics", match: "exact", access: { allow: ["10.0.0.0/8"] } },
    ],
  });
  nginx = await startNginx(s);
});

afterAll(async () => {
  await nginx?.stop();
  await backend?.close();
  rmSync(staticDir, { recursive: true, force: true });
});

const https = (path: string, headers: Record<string, string> = {}) => request(`https://127.0.0.1:${nginx.httpsPort}${path}`, { ca: nginx.caCert, headers });

function expectSecurityHeaders(headers: Record<string, unknown>, expected: { name: string; value: string }[]) {
  for (const { name, value } of expected) {
    expect(headers[name.toLowerCase()], `${name} missing`).toBe(JSON.parse(value));
  }
}

describe("security headers reach every response of every location", () => {
  it.each([
    ["/api/anything", 200],
    ["/cached", 200],
    ["/static/app.css", 200],
    ["/static/missing.css", 404],
    ["/health", 200],
    ["/metrics", 403],
    ["/nginx_status", 200],
    ["/nowhere", 404],
  ])("%s (status %i)", async (path, status) => {
    const reply = await https(path);
    expect(reply.status).toBe(status);
    expectSecurityHeaders(reply.headers, securityHeaders(s, { https: true }));
    expect(reply.headers["strict-transport-security"]).toMatch(/^max-age=\d+/);
  });

  it("keeps route headers beside them (static Cache-Control, cached route's own header)", async () => {
    expect((await https("/static/app.css")).headers["cache-control"]).toBe("public, max-age=604800, immutable");
    const cached = await https("/cached");
    expect(cached.headers["x-route"]).toBe("cached");
    expect(cached.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("plain HTTP redirects with 308, with headers but without HSTS", async () => {
    const reply = await request(`http://127.0.0.1:${nginx.httpPort}/api/x?y=1`);
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe(`https://127.0.0.1:${nginx.httpsPort}/api/x?y=1`);
    expect(reply.headers["strict-transport-security"]).toBeUndefined();
    expectSecurityHeaders(reply.headers, securityHeaders(s, { https: false }));
  });
});

describe("a spec string cannot inject a directive", () => {
  it("a header value full of nginx syntax comes back verbatim, and nothing else is added", async () => {
    const reply = await https("/inject");
    expect(reply.headers["x-test"]).toBe(INJECTION);
    expect(reply.headers["x-evil"]).toBeUndefined();
  });
});

describe("the cache never serves or stores a user's response", () => {
  it("anonymous requests MISS then HIT; Authorization and any cookie BYPASS and reach the backend", async () => {
    const before = backend.hits.get("/cached") ?? 0;
    expect((await https("/cached")).headers["x-cache-status"]).toMatch(/MISS|HIT/);
    expect((await https("/cached")).headers["x-cache-status"]).toBe("HIT");
    const afterAnonymous = backend.hits.get("/cached") ?? 0;
    expect(afterAnonymous - before).toBeLessThanOrEqual(1);

    const withAuth = await https("/cached", { Authorization: "Bearer user-a" });
    expect(withAuth.headers["x-cache-status"]).toBe("BYPASS");
    const withCookie = await https("/cached", { Cookie: "theme=dark; connect.sid=s%3Aabc" });
    expect(withCookie.headers["x-cache-status"]).toBe("BYPASS");
    // No cookie is harmless unless the spec declares it (cache.harmlessCookies).
    const withOtherCookie = await https("/cached", { Cookie: "theme=dark" });
    expect(withOtherCookie.headers["x-cache-status"]).toBe("BYPASS");
    expect((await https("/cached")).headers["x-cache-status"]).toBe("HIT");
    expect((backend.hits.get("/cached") ?? 0) - afterAnonymous).toBe(3);
  });
});

describe("route policies", () => {
  it("a rate limit answers 429 beyond rate + burst, and the excess never reaches the backend", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await https("/limited")).status);
    expect(statuses.filter((st) => st === 200)).toHaveLength(3);
    expect(statuses.filter((st) => st === 429)).toHaveLength(3);
    expect(backend.hits.get("/limited")).toBe(3);
  });

  it("access control denies addresses outside the allow list (metrics allows 10.0.0.0/8 only)", async () => {
    expect((await https("/metrics")).status).toBe(403);
    expect(backend.hits.get("/metrics")).toBeUndefined();
  });

  it("compresses JSON with gzip and brotli, with Vary", async () => {
    const identity = await https("/api/big");
    for (const encoding of ["gzip", "br"]) {
      const reply = await https("/api/big", { "Accept-Encoding": encoding });
      expect(reply.headers["content-encoding"]).toBe(encoding);
      expect(reply.headers.vary).toMatch(/Accept-Encoding/i);
      expect(reply.body.length).toBeLessThan(identity.body.length * 0.3);
    }
  });

  it("never compresses or buffers an SSE stream (a buffered route, for contrast, holds events back)", async () => {
    const sse = await firstEventDelay("/sse");
    expect(sse.encoding).toBeUndefined();
    expect(sse.firstEventMs).toBeLessThan(300);
    expect(sse.body).toContain("id: 3");
    const buffered = await firstEventDelay("/buffered/sse");
    expect(buffered.firstEventMs).toBeGreaterThanOrEqual(300);
  });
});

/** Milliseconds from request to the first event's bytes; the test backend sends 3 events 150 ms apart. */
function firstEventDelay(path: string): Promise<{ firstEventMs: number; encoding: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let first = -1;
    let body = "";
    const req = httpsGet({ host: "127.0.0.1", port: nginx.httpsPort, path, ca: nginx.caCert, agent: false, headers: { "Accept-Encoding": "gzip, br" } }, (res) => {
      res.setEncoding("latin1");
      res.on("data", (chunk: string) => {
        if (first < 0) first = Date.now() - started;
        body += chunk;
      });
      res.on("end", () => resolve({ firstEventMs: first, encoding: res.headers["content-encoding"], body }));
    });
    req.on("error", reject);
  });
}
