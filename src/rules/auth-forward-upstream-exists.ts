import { allRoutes } from "../spec/sites.js";
import type { Rule } from "./rule.js";

export const authForwardUpstreamExists: Rule = {
  id: "auth-forward-upstream-exists",
  severity: "error",
  waivable: false,
  summary: "A route with forward auth names an auth service upstream that exists: nginx refuses a proxy_pass to an unknown pool.",
  check(spec) {
    const names = Object.keys(spec.upstreams).sort();
    return allRoutes(spec).flatMap(({ route, path }) => {
      const forward = route.auth?.forward;
      if (!forward || names.includes(forward.upstream)) return [];
      return [{ path: [...path, "auth", "forward", "upstream"], message: `auth service upstream '${forward.upstream}' is not defined`, fix: `use one of ${names.join(", ")} or add it under upstreams` }];
    });
  },
};
