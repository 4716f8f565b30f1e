import { READY_PATH } from "../plan/layout.js";
import { formatPath, type SpecPath } from "../diagnostics.js";
import { specSites } from "../spec/sites.js";
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
    // Paths are unique within a site: each site is its own server block.
    for (const site of specSites(spec)) {
      const seen = new Map<string, SpecPath | "ready" | "status">();
      seen.set(`exact ${READY_PATH}`, "ready");
      if (spec.metrics.enabled && spec.metrics.statusPath !== READY_PATH) seen.set(`exact ${spec.metrics.statusPath}`, "status");
      site.routes.forEach((route, i) => {
        const key = `${route.match} ${route.path}`;
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, [...site.routesPath, i]);
          return;
        }
        const other = first === "ready" ? "edgekit's container health check" : first === "status" ? "metrics.statusPath" : formatPath(first);
        findings.push({ path: [...site.routesPath, i, "path"], message: `${route.match} path '${route.path}' is already used by ${other}`, fix: "give each route its own path, or merge the two" });
      });
    }
    return findings;
  },
};
