// Security headers on every kind of response the edge produces (proxied, cached, streamed, static,
// health, metrics, 404, 429, and the plain-HTTP 308 without HSTS), with the values the renderer
// derives from the stack spec; and the status endpoints' allow list, keyed on the real client address.
import { describe, expect, it } from "vitest";
import { expectedSecurityHeaders, openSse, runAddress } from "./support/clients.js";
import { httpUrl, httpsUrl, noStack, request, type Reply } from "./support/stack.js";

const HSTS = "strict-transport-security";

function expectSecurityHeaders(what: string, headers: Reply["headers"], https: boolean): void {
  const expected = expectedSecurityHeaders(https);
  expect(Object.keys(expected).length, "the stack spec enables security headers").toBeGreaterThanOrEqual(https ? 7 : 6);
  for (const [name, value] of Object.entries(expected)) expect(headers[name], `${what}: ${name}`).toBe(value);
  if (!https) expect(headers[HSTS], `${what}: no HSTS over plain http`).toBeUndefined();
}

describe.skipIf(noStack)("security headers", () => {
  it("the expected set comes from the spec: HSTS only for https", () => {
    const secure = expectedSecurityHeaders(true);
    const plain = expectedSecurityHeaders(false);
    expect(Object.keys(secure).sort()).toEqual(
      [HSTS, "x-content-type-options", "x-frame-options", "referrer-policy", "permissions-policy", "content-security-policy", "cross-origin-opener-policy"].sort(),
    );
    expect(plain[HSTS]).toBeUndefined();
    expect(secure[HSTS]).toMatch(/^max-age=\d+/);
    console.log(`[figure] security headers expected on https: ${Object.entries(secure).map(([k, v]) => `${k}: ${v}`).join(" | ")}`);
  });

  for (const [kind, path, status] of [
    ["api", "/api/tools", 200],
    ["cached", "/api/v1/config", 200],
    ["static", "/static/app.css", 200],
    ["health", "/health", 200],
    ["metrics", "/metrics", 200],
    ["no route (404)", "/nope", 404],
  ] as const) {
    it(`${kind}: ${path} answers ${status} with every security header`, async () => {
      const reply = await request(httpsUrl(path));
      expect(reply.status).toBe(status);
      expectSecurityHeaders(path, reply.headers, true);
      if (kind === "cached") expect(reply.headers["x-cache-status"]).toMatch(/^(MISS|HIT|EXPIRED|STALE|UPDATING|REVALIDATED)$/);
      if (kind === "static") {
        expect(reply.headers["cache-control"]).toBe("public, max-age=3600"); // expires: 1h
        expect(reply.headers["content-type"]).toMatch(/^text\/css/);
      }
      if (kind === "metrics") expect(reply.text).toMatch(/^http_requests_total\{/m);
    });
  }

  it("sse: /api/v1/sse carries every security header (h2 and HTTP/1.1)", async () => {
    for (const protocol of ["h2", "http/1.1"] as const) {
      const sse = openSse(protocol, "/api/v1/sse?count=1&interval=10");
      const { status, headers } = await sse.response;
      await sse.ended;
      expect(status).toBe(200);
      expectSecurityHeaders(`sse ${protocol}`, headers as Reply["headers"], true);
    }
  });

  it("a 429 from the rate limit carries every security header", async () => {
    const client = runAddress("192.0.2", 0, 1); // this run's own bucket
    let limited: Reply | undefined;
    let sent = 0;
    for (; sent < 10 && !limited; sent++) {
      const reply = await request(httpsUrl("/api/slow?ms=0"), { headers: { "x-forwarded-for": client } });
      if (reply.status === 429) limited = reply;
      else expect(reply.status).toBe(200);
    }
    expect(limited, "no 429 within 10 requests").toBeDefined();
    console.log(`[figure] headers: first 429 for ${client} after ${sent} requests`);
    expectSecurityHeaders("429", limited!.headers, true);
  });

  it("plain http answers 308 with the security headers but WITHOUT HSTS", async () => {
    const reply = await request(httpUrl("/api/tools"));
    expect(reply.status).toBe(308);
    expectSecurityHeaders("308", reply.headers, false);
  });
});

describe.skipIf(noStack)("status endpoints: allowed from private addresses only", () => {
  const outsider = { "x-forwarded-for": "203.0.113.7" }; // believed: the host reaches nginx via the trusted docker gateway

  for (const [name, url] of [
    ["https /nginx_status", () => httpsUrl("/nginx_status")],
    ["http /nginx_status", () => httpUrl("/nginx_status")],
    ["https /metrics", () => httpsUrl("/metrics")],
  ] as const) {
    it(`${name}: 200 from the host (docker gateway, private), 403 from 203.0.113.7`, async () => {
      const allowed = await request(url());
      expect(allowed.status).toBe(200);
      expect(allowed.text).toMatch(name.endsWith("/metrics") ? /^# HELP /m : /^Active connections: \d+/);
      const denied = await request(url(), { headers: outsider });
      expect(denied.status).toBe(403);
      expect(denied.text).not.toMatch(/Active connections|# HELP/);
      expectSecurityHeaders(`${name} 403`, denied.headers, name.startsWith("https"));
    });
  }
});
