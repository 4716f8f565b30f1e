import { finding, type LintCheck } from "../check.js";
import type { Directive } from "../../nginx-syntax/parse.js";
import { effective, httpDirectives, levels, maps, nearest, own, variablesIn, walk } from "../../nginx-syntax/tree.js";

/** Variables that carry Authorization: itself, maps fed from it (transitively), and `set` inside `if ($http_authorization)`. */
function authorizationVariables(tree: readonly Directive[]): Set<string> {
  const derived = new Set(["http_authorization"]);
  for (const l of walk(tree)) {
    if (l.directive.name === "if" && l.directive.args.some((a) => variablesIn(a).includes("http_authorization"))) {
      for (const set of own(l.directive, "set")) variablesIn(set.args[0] ?? "").slice(0, 1).forEach((v) => derived.add(v));
    }
  }
  const mapVars = [...maps(tree)];
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, map] of mapVars) {
      if (!derived.has(name) && variablesIn(map.source).some((v) => derived.has(v))) {
        derived.add(name);
        grew = true;
      }
    }
  }
  return derived;
}

export const proxyCacheAuthorization: LintCheck = {
  id: "proxy-cache-authorization",
  severity: "error",
  summary: "A proxy_cache must not store responses to requests with Authorization: proxy_no_cache has to cover $http_authorization.",
  check(tree) {
    const proxied = httpDirectives(tree, "proxy_pass");
    if (proxied.length === 0) return [];
    const auth = authorizationVariables(tree);
    const usesAuth = (d: Directive | undefined): boolean => (d?.args ?? []).some((a) => variablesIn(a).some((v) => auth.has(v)));
    return proxied.flatMap((l) => {
      const chain = levels(l.ancestors);
      const cache = effective(chain, "proxy_cache");
      if (!cache || cache.args[0] === "off") return [];
      const noCache = nearest(chain, "proxy_no_cache")?.directives ?? [];
      if (noCache.some(usesAuth) || usesAuth(effective(chain, "proxy_cache_key"))) return [];
      const here = own(l.ancestors.at(-1)!, "proxy_cache").includes(cache);
      return [
        finding(
          l,
          `proxy_cache ${cache.args[0]}${here ? "" : ` (line ${cache.line})`} stores responses to requests that carry Authorization: one user's private response can be served to everyone else (no proxy_no_cache covers $http_authorization)`,
          `add proxy_no_cache $http_authorization; and proxy_cache_bypass $http_authorization; (or a map of $http_authorization to 0/1 used by both)`,
          here ? cache : l.directive,
        ),
      ];
    });
  },
};
