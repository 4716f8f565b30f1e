// Rule upstream-resolve-fixed-names: a pool of several servers given by different names, each
// followed by DNS (resolve, nginx >= 1.27.3), loses a request whenever one of their containers stops
// (the name gets NXDOMAIN, nginx drops the address mid-try and gives the request no further try).
// The measurement behind it is in the README's Scaling out and test/scenarios/api-gateway.test.ts.
import { describe, expect, it } from "vitest";
import { DEFAULT_NGINX_VERSION, feature } from "../../../src/nginx-features/index.js";
import { runRules } from "../../../src/rules/index.js";
import { spec } from "../../support/specs.js";

const ID = "upstream-resolve-fixed-names";
const findings = (input: Parameters<typeof spec>[0]) => runRules(spec(input), () => ({ line: 1, column: 1 })).filter((d) => d.code === ID);

describe(`rule ${ID}`, () => {
  it("warns where nginx follows two or more different names of one pool, at the second name", () => {
    const found = findings({ nginx: { version: DEFAULT_NGINX_VERSION }, upstreams: { users: { servers: [{ host: "10.0.0.5" }, { host: "users-1" }, { host: "users-2" }, { host: "users-3", backup: true }] } } });
    expect(found).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: ["upstreams", "users", "servers", 2, "host"],
        message: expect.stringContaining("nginx follows 'users-1', 'users-2' and 1 more by DNS"),
        fix: expect.stringContaining("set upstreams.users.resolve.enabled: false"),
      }),
    ]);
    expect(findings({ nginx: { version: feature("upstream-resolve").since }, upstreams: { a: { servers: [{ host: "a-1" }, { host: "a-2" }] } } })).toHaveLength(1);
  });

  it("is silent for one name (replicas of one service), IP-only pools, resolve off, and nginx that resolves once", () => {
    expect(findings({ upstreams: { app: { servers: [{ host: "backend" }, { host: "backend", port: 8081 }, { host: "10.0.0.6" }] } } })).toEqual([]);
    expect(findings({ upstreams: { app: { servers: [{ host: "10.0.0.5" }, { host: "::1" }] } } })).toEqual([]);
    expect(findings({ upstreams: { app: { servers: [{ host: "a-1" }, { host: "a-2" }], resolve: { enabled: false } } } })).toEqual([]);
    expect(findings({ nginx: { version: "1.26.3" }, upstreams: { app: { servers: [{ host: "a-1" }, { host: "a-2" }] } } })).toEqual([]);
  });

  it("reports each pool once", () => {
    const found = findings({ upstreams: { a: { servers: [{ host: "a1" }, { host: "a2" }, { host: "a3" }] }, b: { servers: [{ host: "b1" }, { host: "b2" }] } }, routes: [{ kind: "api", path: "/", upstream: "a" }, { kind: "api", path: "/b/", upstream: "b" }] });
    expect(found.map((f) => f.path)).toEqual([
      ["upstreams", "a", "servers", 1, "host"],
      ["upstreams", "b", "servers", 1, "host"],
    ]);
  });
});
