import { isProxiedRoute } from "../spec/route-kinds.js";
import type { Rule } from "./rule.js";
import { allRoutes } from "../spec/sites.js";

export const routeUpstreamExists: Rule = {
  id: "route-upstream-exists",
  severity: "error",
  waivable: false,
  summary: "Every proxied route must name an upstream that exists (it may omit it only when there is exactly one); a split names only existing pools, and no upstream or upstreamPath beside them.",
  check(spec) {
    const names = Object.keys(spec.upstreams).sort();
    return allRoutes(spec).flatMap(({ route, path }) => {
      if (!isProxiedRoute(route)) return [];
      if ("split" in route && route.split) {
        const both = route.upstream === undefined ? [] : [{ path: [...path, "upstream"], message: `route '${route.path}' names an upstream and a split`, fix: "remove upstream: the split names the pools" }];
        const missing = route.split.to.flatMap((share, j) =>
          names.includes(share.upstream) ? [] : [{ path: [...path, "split", "to", j, "upstream"], message: `upstream '${share.upstream}' is not defined`, fix: `use one of ${names.join(", ")} or add it under upstreams` }],
        );
        // proxy_pass with a variable (the split's pool) takes a URI part as the whole request URI.
        const path_ =
          "upstreamPath" in route && route.upstreamPath !== null
            ? [{ path: [...path, "upstreamPath"], message: `route '${route.path}' has a split and an upstreamPath: nginx would send every request to ${route.upstreamPath} itself`, fix: "remove upstreamPath, or have the pools serve the route's own paths" }]
            : [];
        return [...both, ...path_, ...missing];
      }
      if (route.upstream === undefined) {
        return names.length === 1 ? [] : [{ path, message: `route '${route.path}' names no upstream and the spec has ${names.length}`, fix: `add upstream: one of ${names.join(", ")}` }];
      }
      return names.includes(route.upstream) ? [] : [{ path: [...path, "upstream"], message: `upstream '${route.upstream}' is not defined`, fix: `use one of ${names.join(", ")} or add it under upstreams` }];
    });
  },
};
