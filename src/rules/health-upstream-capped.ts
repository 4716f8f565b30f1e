import type { Rule } from "./rule.js";
import { allRoutes } from "../spec/sites.js";

export const healthUpstreamCapped: Rule = {
  id: "health-upstream-capped",
  severity: "warning",
  summary: "A health route on an upstream with maxConns fails (503, busy) exactly when the edge is busiest, so a load balancer in front takes the edge out under load.",
  check(spec) {
    const only = Object.keys(spec.upstreams).length === 1 ? Object.keys(spec.upstreams)[0] : undefined;
    return allRoutes(spec).flatMap(({ route, path }) => {
      if (route.kind !== "health") return [];
      const name = route.upstream ?? only;
      const upstream = name === undefined ? undefined : spec.upstreams[name];
      return upstream?.servers.some((s) => s.maxConns > 0)
        ? [{ path: [...path, "upstream"], message: `health route '${route.path}' shares upstream '${name}', whose servers cap connections (maxConns): under load it answers 503 (busy)`, fix: "point the health route at an upstream without maxConns (the same servers, a separate pool)" }]
        : [];
    });
  },
};
