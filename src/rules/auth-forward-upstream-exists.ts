import type { Rule } from "./rule.js";

export const authForwardUpstreamExists: Rule = {
  id: "auth-forward-upstream-exists",
  severity: "error",
  waivable: false,
  summary: "A route with forward auth names an auth service upstream that exists: nginx refuses a proxy_pass to an unknown pool.",
  check(spec) {
    const names = Object.keys(spec.upstreams).sort();
    return spec.routes.flatMap((route, i) => {
      const forward = route.auth?.forward;
      if (!forward || names.includes(forward.upstream)) return [];
      return [{ path: ["routes", i, "auth", "forward", "upstream"], message: `auth service upstream '${forward.upstream}' is not defined`, fix: `use one of ${names.join(", ")} or add it under upstreams` }];
    });
  },
};
