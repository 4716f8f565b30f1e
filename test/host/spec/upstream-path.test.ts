import { describe, expect, it } from "vitest";
import { specSchema } from "../../../src/spec/schema.js";
import { spec } from "../../support/specs.js";

const messages = (route: Record<string, unknown>) => {
  const r = specSchema.safeParse({ domain: "a.example.com", upstreams: { app: { servers: [{ host: "b" }] } }, routes: [route] });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("upstreamPath", () => {
  it("defaults to null (the request URI goes on as sent) on every proxied kind", () => {
    const routes = spec({ routes: [{ kind: "api", path: "/a/" }, { kind: "sse", path: "/s/" }, { kind: "websocket", path: "/w/" }, { kind: "health", path: "/h" }] }).routes!;
    expect(routes.map((r) => ("upstreamPath" in r ? r.upstreamPath : "none"))).toEqual([null, null, null, null]);
  });

  it("strips or replaces a prefix whose trailing slash it shares", () => {
    expect(messages({ kind: "api", path: "/api/users/", upstreamPath: "/" })).toEqual([]);
    expect(messages({ kind: "api", path: "/api/users/", upstreamPath: "/v2/users/" })).toEqual([]);
    expect(messages({ kind: "api", path: "/api/users", upstreamPath: "/users" })).toEqual([]);
    expect(messages({ kind: "api", path: "/version", match: "exact", upstreamPath: "/internal/version" })).toEqual([]);
  });

  it("refuses a trailing slash on one side only, with what the backend would get", () => {
    expect(messages({ kind: "api", path: "/api/users/", upstreamPath: "/users" })).toEqual([
      "routes.0.upstreamPath: ends in '/' like the route's path '/api/users/' (else /x under it reaches the backend as '/usersx')",
    ]);
    expect(messages({ kind: "api", path: "/api/users", upstreamPath: "/" })[0]).toContain("'//'");
  });

  it("refuses it on regex routes (nginx can't, and a capture would hand on the decoded URI)", () => {
    expect(messages({ kind: "api", path: "^/v1/", match: "regex", upstreamPath: "/" })[0]).toContain("not on a regex route");
  });

  it.each([["/a/../b/"], ["/./"], ["/a%2/"], ["/a$uri/"], ["/a b/"], ["a/"]])("refuses %s", (value) => {
    expect(messages({ kind: "api", path: "/api/", upstreamPath: value }).length).toBeGreaterThan(0);
  });

  it("static routes have no upstreamPath", () => {
    expect(messages({ kind: "static", path: "/s/", upstreamPath: "/" })[0]).toContain("upstreamPath");
  });
});
