// Rule upstream-names-resolved-once: on nginx without `server ... resolve` (older than 1.27.3) a
// pool's name is resolved once, at start; the rule says so wherever a pool names a server. What
// the newer nginx does instead is proven on the wire in test/host/targets/compose.scale.live.test.ts.
import { describe, expect, it } from "vitest";
import { DEFAULT_NGINX_VERSION, feature } from "../../../src/nginx-features/index.js";
import { runRules } from "../../../src/rules/index.js";
import { spec } from "../../support/specs.js";

const ID = "upstream-names-resolved-once";
const findings = (input: Parameters<typeof spec>[0]) => runRules(spec(input), () => ({ line: 1, column: 1 })).filter((d) => d.code === ID);

describe(`rule ${ID}`, () => {
  it.each(["1.22.1", "1.26.3"])("warns on nginx %s for a pool given by name, at its first named server", (version) => {
    const found = findings({ nginx: { version }, upstreams: { app: { servers: [{ host: "10.0.0.5" }, { host: "backend" }] } } });
    expect(found).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: ["upstreams", "app", "servers", 1, "host"],
        message: expect.stringContaining(`nginx ${version} resolves 'backend' once, at start`),
        fix: expect.stringContaining("docker compose kill -s HUP nginx"),
      }),
    ]);
    expect(found[0]!.fix).toContain(feature("upstream-resolve").since);
  });

  it("is silent where nginx follows names, for IP-only pools, and when resolve is turned off", () => {
    expect(findings({ nginx: { version: DEFAULT_NGINX_VERSION } })).toEqual([]);
    expect(findings({ nginx: { version: feature("upstream-resolve").since } })).toEqual([]);
    expect(findings({ nginx: { version: "1.22.1" }, upstreams: { app: { servers: [{ host: "10.0.0.5" }, { host: "::1" }] } } })).toEqual([]);
    expect(findings({ nginx: { version: "1.22.1" }, upstreams: { app: { servers: [{ host: "backend" }], resolve: { enabled: false } } } })).toEqual([]);
  });

  it("reports each pool once", () => {
    const found = findings({ nginx: { version: "1.22.1" }, upstreams: { a: { servers: [{ host: "a1" }, { host: "a2" }] }, b: { servers: [{ host: "b" }] } }, routes: [{ kind: "api", path: "/", upstream: "a" }] });
    expect(found.map((f) => f.path)).toEqual([
      ["upstreams", "a", "servers", 0, "host"],
      ["upstreams", "b", "servers", 0, "host"],
    ]);
  });
});
