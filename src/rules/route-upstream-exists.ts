import { isProxiedRoute } from "../spec/route-kinds.js";
import type { Rule } from "./rule.js";
import { allRoutes } from "../spec/sites.js";

export const routeUpstreamExists: Rule = {
  id: "route-upstream-exists",
  severity: "error",
  waivable: false,
  summary: "Every proxied route must name an upstream that exists (it may omit it only when there is exactly one).",
  check(spec) {
    const names = Object.keys(spec.upstreams).sort();
    return allRoutes(spec).flatMap(({ route, path }) => {
      if (!isProxiedRoute(route)) return [];
      if (route.upstream === undefined) {
        return names.length === 1 ? [] : [{ path, message: `route '${route.path}' names no upstream and the spec has ${names.length}`, fix: `add upstream: one of ${names.join(", ")}` }];
      }
      return names.includes(route.upstream) ? [] : [{ path: [...path, "upstream"], message: `upstream '${route.upstream}' is not defined`, fix: `use one of ${names.join(", ")} or add it under upstreams` }];
    });
  },
};
