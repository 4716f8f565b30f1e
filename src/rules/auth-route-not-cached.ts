import { allRoutes } from "../spec/sites.js";
import type { Rule } from "./rule.js";

export const authRouteNotCached: Rule = {
  id: "auth-route-not-cached",
  severity: "error",
  waivable: false,
  summary:
    "A route with auth has no proxy cache: the cache key does not hold the user, so with forward auth (identity in a cookie declared harmless, or in a header the cache ignores) one user's response would be served to another; with basic auth every request carries Authorization and bypasses it anyway.",
  check(spec) {
    return allRoutes(spec).flatMap(({ route, path }) => {
      if (!route.auth || !("cache" in route) || !route.cache) return [];
      const why = route.auth.forward
        ? "the cache key holds no user, so one user's response could be served to another whose identity the auth service reads from a harmless cookie or a header the cache ignores"
        : "every request carries Authorization, so the cache would never be used";
      return [{ path: [...path, "cache"], message: `route '${route.path}' has auth and a cache: ${why}`, fix: "remove cache from this route (cache a public route instead)" }];
    });
  },
};
