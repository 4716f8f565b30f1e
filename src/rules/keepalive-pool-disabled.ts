import type { Rule } from "./rule.js";

export const keepalivePoolDisabled: Rule = {
  id: "keepalive-pool-disabled",
  severity: "warning",
  summary: "Without an upstream keep-alive pool every proxied request opens (and the backend accepts) a new TCP connection.",
  check(spec) {
    return Object.entries(spec.upstreams).flatMap(([name, u]) =>
      u.keepalive.connections === 0
        ? [{ path: ["upstreams", name, "keepalive", "connections"], message: `upstream '${name}' has no keep-alive pool: one new backend connection per request`, fix: `set keepalive.connections to at least ${u.expectedConcurrency} unless the backend can't keep connections alive` }]
        : [],
    );
  },
};
