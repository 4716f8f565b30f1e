// The CORS model on its own: the origin pattern nginx matches, and names short enough for nginx's
// variable hash whatever the route paths (proven with nginx -t).
import { describe, expect, it } from "vitest";
import { nginxTest } from "../../../src/nginx-check/nginx-test.js";
import { originPattern } from "../../../src/model/nginx-cors.js";
import { spec } from "../../support/specs.js";

describe("originPattern", () => {
  it("escapes exact origins, turns a leading *. into one DNS label, and anchors both ends with \\z", () => {
    expect(originPattern(["https://app.example.com", "http://localhost:5173", "https://*.example.org"])).toBe(
      "~^(?:http:\\/\\/localhost:5173|https:\\/\\/[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.example\\.org|https:\\/\\/app\\.example\\.com)\\z",
    );
  });

  it("matches as a browser's Origin must be matched", () => {
    const pattern = new RegExp(originPattern(["https://app.example.com", "https://*.example.org"]).slice(1).replace("\\z", "$"));
    expect(["https://app.example.com", "https://eu.example.org"].filter((o) => pattern.test(o))).toHaveLength(2);
    for (const o of ["https://appXexample.com", "https://app.example.com.evil", "https://a.b.example.org", "https://example.org", "http://app.example.com"]) expect(pattern.test(o), o).toBe(false);
  });
});

describe("variable names", () => {
  it("fit nginx's variables_hash_bucket_size for twelve long, alike paths with cors and forward auth (nginx -t)", async () => {
    const long = "/api/v1/organisations/members/permissions/exceptions";
    const routes = Array.from({ length: 12 }, (_, i) => ({
      kind: "api" as const,
      path: `${long}${i}`,
      match: "exact" as const,
      auth: { forward: { upstream: "app", identityHeaders: ["X-User", "X-Email"] } },
      cors: { origins: ["https://a.example.com"], headers: ["Content-Type"], exposeHeaders: ["X-Request-Id"], credentials: true },
    }));
    const result = await nginxTest(spec({ nginx: { version: "1.22.1" }, tls: { enabled: false }, routes }));
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
    const names = [...result.config.matchAll(/\$(edgekit_[a-z0-9_]+)/g)].map((m) => m[1]!);
    expect(Math.max(...names.map((n) => n.length))).toBeLessThanOrEqual(42);
  });
});

describe("several sites", () => {
  it("give the same path on two sites variables and auth locations of their own, each in its site's server (nginx -t)", async () => {
    const route = { kind: "api" as const, path: "/app/", auth: { forward: { upstream: "app", identityHeaders: ["X-User"] } }, cors: { origins: ["https://a.example.com"] } };
    const result = await nginxTest(
      spec({
        domain: undefined,
        nginx: { version: "1.22.1" },
        sites: { one: { names: ["one.example.com"], routes: [route] }, two: { names: ["two.example.com"], routes: [route] } },
      }),
    );
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
    expect(result.config).toContain("map $http_origin $edgekit_cors_app_origin {");
    expect(result.config).toContain("map $http_origin $edgekit_cors_app_2_origin {");
    expect(result.config.match(/location = \/\.edgekit\/auth\/app \{/g)).toHaveLength(1);
    expect(result.config.match(/location = \/\.edgekit\/auth\/app_2 \{/g)).toHaveLength(1);
  });
});
