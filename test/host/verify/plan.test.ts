import { describe, expect, it } from "vitest";
import { genericPlan, NOT_FOUND_PATH, specPlan } from "../../../src/verify/plan.js";
import { spec } from "../../support/specs.js";

const url = new URL("https://edge.example.com/api/tools?x=1");

describe("the probe plan", () => {
  it("probes no regex route (its path is a pattern, not a URL)", () => {
    const plan = specPlan(spec({ routes: [{ kind: "api", path: "/" }, { kind: "api", path: "^/v[0-9]+/items$", match: "regex", rateLimit: { rate: "1r/s" } }] }), url);
    expect(plan.headerRoutes.map((r) => r.path)).toEqual(["/api/tools?x=1", "/", NOT_FOUND_PATH]);
    expect(plan.rateLimited).toEqual([]);
  });

  it("from a spec: every non-streaming route, the exact header values, cached, SSE, limited and status routes", () => {
    const s = spec({
      routes: [
        { kind: "api", path: "/api/", rateLimit: { rate: "10r/s", burst: 5 } },
        { kind: "api", path: "/api/config", match: "exact", cache: {} },
        { kind: "sse", path: "/events", match: "exact" },
        { kind: "websocket", path: "/ws", match: "exact" },
        { kind: "metrics", path: "/metrics", match: "exact" },
      ],
      securityHeaders: { frameOptions: "SAMEORIGIN" },
      compression: { brotli: { enabled: false } },
    });
    const plan = specPlan(s, url);
    expect(plan.probePath).toBe("/api/tools?x=1");
    expect(plan.headerRoutes.map((r) => r.path)).toEqual(["/api/tools?x=1", "/api/", "/api/config", "/metrics", NOT_FOUND_PATH]);
    expect(plan.securityHeaders["x-frame-options"]).toBe("SAMEORIGIN");
    expect(plan.securityHeaders["strict-transport-security"]).toMatch(/^max-age=\d+/);
    // brotli is off in this spec; zstd is on where edgekit's image has it (the default nginx 1.30).
    expect(plan.encodings).toEqual(["gzip", "zstd"]);
    expect(plan.cacheRoutes).toEqual([{ path: "/api/config", label: "/api/config (api)", statusHeader: "x-cache-status", sessionCookie: "session" }]);
    expect(plan.sseRoutes.map((r) => r.path)).toEqual(["/events"]);
    expect(plan.rateLimited).toEqual([{ path: "/api/", label: "/api/ (api)", rate: "10r/s", burst: 5, status: 429 }]);
    expect(plan.statusPaths.map((r) => r.path)).toEqual(["/nginx_status", "/metrics"]);
  });

  it("from a spec: the author's headers replace the generated values verify expects (top level everywhere, a route's on that route)", () => {
    const s = spec({
      headers: { "X-Frame-Options": "SAMEORIGIN", "Referrer-Policy": null },
      routes: [
        { kind: "api", path: "/a/" },
        { kind: "api", path: "/b/", headers: { "x-frame-options": "DENY", "Content-Security-Policy": "default-src 'none'" } },
      ],
    });
    const plan = specPlan(s, url);
    expect(plan.securityHeaders["x-frame-options"]).toBe("SAMEORIGIN");
    expect(plan.securityHeaders).not.toHaveProperty("referrer-policy");
    expect(plan.headerRoutes.find((r) => r.path === "/a/")!.securityHeaders).toBeUndefined();
    expect(plan.headerRoutes.find((r) => r.path === "/b/")!.securityHeaders).toMatchObject({ "x-frame-options": "DENY", "content-security-policy": "default-src 'none'" });
  });

  it("without a spec: presence of the headers every production edge sends, on the URL and a 404", () => {
    const plan = genericPlan(url);
    expect(plan.source).toBe("generic");
    expect(Object.values(plan.securityHeaders).every((v) => v === null)).toBe(true);
    expect(Object.keys(plan.securityHeaders)).toContain("strict-transport-security");
    expect(plan.headerRoutes.map((r) => r.path)).toEqual(["/api/tools?x=1", NOT_FOUND_PATH]);
    expect(plan.cacheRoutes).toEqual([]);
    const named = genericPlan(url, { cachePaths: ["/c"], cacheStatusHeader: "X-Cache", ssePaths: ["/s"] });
    expect(named.cacheRoutes).toEqual([{ path: "/c", label: "/c", statusHeader: "x-cache", sessionCookie: "session" }]);
    expect(named.sseRoutes).toEqual([{ path: "/s", label: "/s" }]);
  });
});
