import type { Rule } from "./rule.js";

export const routePathUnique: Rule = {
  id: "route-path-unique",
  severity: "error",
  summary: "Two routes (or a route and the status page) with the same path and match would be the same nginx location twice.",
  check(spec) {
    const seen = new Map<string, number>();
    if (spec.metrics.enabled) seen.set(`exact ${spec.metrics.statusPath}`, -1);
    return spec.routes.flatMap((route, i) => {
      const key = `${route.match} ${route.path}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, i);
        return [];
      }
      const other = first === -1 ? "metrics.statusPath" : `routes[${first}]`;
      return [{ path: ["routes", i, "path"], message: `${route.match} path '${route.path}' is already used by ${other}`, fix: "give each route its own path, or merge the two" }];
    });
  },
};
