// Route field upstreamPath: the path a proxied route hands the backend in place of its own prefix.
// Rendered as the URI part of proxy_pass (never as rewrite with a capture): nginx then replaces the
// matched prefix of the normalised URI (%XX decoded, `.` and `..` segments resolved, so the result
// stays under the route) and escapes it again before sending it, with the query string unchanged.
import { z } from "zod";
import { locationPath } from "./values.js";

export const upstreamPath = () =>
  locationPath()
    .refine((v) => !/%(?![0-9A-Fa-f]{2})/.test(v), "'%' only as a %XX escape")
    .refine((v) => !/(^|\/)\.{1,2}(\/|$)/.test(v), "no '.' or '..' segments")
    .nullable()
    .default(null)
    .describe(
      "The path the backend gets in place of the route's path. '/' strips the prefix (route /api/users/: /api/users/42 reaches the backend as /42), '/users/' replaces it (as /users/42); the query string is kept. nginx hands on the normalised URI: %2F arrives as '/', '..' and %2e%2e segments are resolved before the route is chosen (a request can't climb out of it), and what could end the path (?, #, %, spaces, control characters) is escaped again. null: the backend gets the request URI exactly as the client sent it. A prefix route's path and upstreamPath both end in '/' or neither does; not for regex routes.",
    );

/** Why `upstreamPath` can't go with a route of this match and path, or null. */
export function upstreamPathProblem(route: { match: string; path: string; upstreamPath: string | null }): string | null {
  if (route.upstreamPath === null) return null;
  if (route.match === "regex") return "not on a regex route: nginx can't replace a part of the URI a regex matched without a capture, and a capture hands on the decoded URI";
  if (route.match === "prefix" && route.path.endsWith("/") !== route.upstreamPath.endsWith("/")) {
    return route.path.endsWith("/")
      ? `ends in '/' like the route's path '${route.path}' (else /x under it reaches the backend as '${route.upstreamPath}x')`
      : `does not end in '/' when the route's path '${route.path}' doesn't (else ${route.path}/x reaches the backend with '//')`;
  }
  return null;
}
