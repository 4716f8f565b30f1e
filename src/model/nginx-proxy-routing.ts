// How a route's location is selected and how its proxied request travels: the location's match
// (prefix, exact or regex), proxy_pass with the URI part that strips or replaces the route's prefix,
// and the retry directives (proxy_next_upstream and its limits).
import type { Route } from "../spec/schema.js";
import type { ProxiedRoute } from "../spec/route-kinds.js";
import { quoteRegex, token } from "../nginx-syntax/quote.js";

/** The location's argument(s): `/api/`, `= /health`, or `~ "^/v[0-9]+/"` (case-sensitive regex). */
export function locationSelector(route: Route): string {
  switch (route.match) {
    case "prefix":
      return token(route.path);
    case "exact":
      return `= ${token(route.path)}`;
    case "regex":
      return `~ ${quoteRegex(route.path)}`;
  }
}

/**
 * proxy_pass's URL. With upstreamPath it carries a URI part, so nginx replaces the matched prefix of
 * the normalised URI with it and escapes the result again; without one, the request URI goes on as
 * the client sent it. (Never `rewrite` with a capture: that hands on the decoded URI unescaped.)
 */
export function proxyPassUrl(upstream: string, route: ProxiedRoute): string {
  return `http://${token(upstream)}${route.upstreamPath === null ? "" : token(route.upstreamPath)}`;
}

/** proxy_next_upstream, its tries and (when set) its timeout. */
export function retryDirectives(route: ProxiedRoute): { name: string; value: string }[] {
  const { on, tries, timeout, nonIdempotent } = route.retry;
  const conditions = on.length === 0 ? ["off"] : [...new Set<string>(on), ...(nonIdempotent ? ["non_idempotent"] : [])];
  return [
    { name: "proxy_next_upstream", value: conditions.join(" ") },
    { name: "proxy_next_upstream_tries", value: String(tries) },
    ...(timeout === null ? [] : [{ name: "proxy_next_upstream_timeout", value: token(timeout) }]),
  ];
}
