import { READY_PATH } from "../plan/layout.js";
import type { Rule, RuleFinding } from "./rule.js";

export const routePathUnique: Rule = {
  id: "route-path-unique",
  severity: "error",
  waivable: false,
  summary: "Two routes (or a route and the status page) with the same path and match would be the same nginx location twice.",
  check(spec) {
    const findings: RuleFinding[] = [];
    if (spec.metrics.enabled && spec.metrics.statusPath === READY_PATH) {
      findings.push({ path: ["metrics", "statusPath"], message: `${READY_PATH} is edgekit's container health check`, fix: "choose another status path" });
    }
    const seen = new Map<string, number>();
    seen.set(`exact ${READY_PATH}`, -2);
    if (spec.metrics.enabled && spec.metrics.statusPath !== READY_PATH) seen.set(`exact ${spec.metrics.statusPath}`, -1);
    return findings.concat(spec.routes.flatMap((route, i) => {
      const key = `${route.match} ${route.path}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, i);
        return [];
      }
      const other = first === -2 ? "edgekit's container health check" : first === -1 ? "metrics.statusPath" : `routes[${first}]`;
      return [{ path: ["routes", i, "path"], message: `${route.match} path '${route.path}' is already used by ${other}`, fix: "give each route its own path, or merge the two" }];
    }));
  },
};
