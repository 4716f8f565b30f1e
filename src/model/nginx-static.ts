// Static sites and SPAs: the nested locations of a static route with `spa` or `hashedAssets`.
// Decided here, laid out by templates/nginx/partials/route-static.hbs:
// - hashed asset names (the route's pattern) get `public, max-age=<expires>, immutable`;
// - HTML documents, and so the shell wherever it is served from, get `no-cache`;
// - any other name with an extension gets the route's expires, and is the file or 404: try_files
//   is not inherited by nested locations, so a missing /assets/x.js never becomes the shell;
// - everything else (no extension: /dashboard/settings, the route's own path) falls back to the
//   shell with `try_files $uri <path><shell>`, an internal redirect that lands in the HTML location.
// The Cache-Control lines carry no `always`: a 404 must not be cached for a year. A Cache-Control
// the spec author writes (route, site or top-level headers, or null to remove it) replaces all of
// these: it is one of the route's own header lines, so the nested locations carry no second one. The nested
// locations inherit the route's alias (prefix locations only, whose alias try_files maps correctly),
// access list, rate limit and open_file_cache.
import type { FileRoute } from "../spec/route-kinds.js";
import { durationMs } from "../spec/values.js";
import { quote, token } from "../nginx-syntax/quote.js";
import type { HeaderLine } from "./security-headers.js";

export interface NestedLocationModel {
  comment: string;
  selector: string;
  /** add_header lines repeated from the route's location (none where add_header_inherit merge carries them). */
  headers: HeaderLine[];
  /** The quoted generated Cache-Control value (sent on success answers only), or null where the author's replaces it. */
  cacheControl: string | null;
}

export interface StaticFilesModel {
  /** try_files arguments for the SPA fallback, or null. */
  tryFiles: string | null;
  nested: NestedLocationModel[];
}

/** File names with an extension: the file or 404. */
const EXTENSION = "\\.[A-Za-z0-9]+\\z";
const HTML = "\\.html?\\z";

/**
 * The route's static-site model, or null when it sets neither spa nor hashedAssets (then the
 * location keeps the route's one Cache-Control). `routeHeaders` are the location's add_header lines;
 * `inherited` says whether nested locations get them through add_header_inherit merge;
 * `authorCacheControl` whether the spec's headers set (or remove) Cache-Control for this route,
 * which then replaces the generated values everywhere.
 */
export function staticFiles(route: FileRoute, routeHeaders: HeaderLine[], inherited: boolean, authorCacheControl: boolean): StaticFilesModel | null {
  if (route.spa === null && route.hashedAssets === null) return null;
  const headers = inherited ? [] : routeHeaders;
  const generated = (value: string) => (authorCacheControl ? null : quote(value));
  const seconds = (d: string) => Math.floor(durationMs(d) / 1000);
  const nested: NestedLocationModel[] = [];
  if (route.hashedAssets !== null) {
    nested.push({
      comment: "hashed asset names: cached for good",
      selector: `~ ${quote(`(?:${route.hashedAssets.pattern})[^/]*\\z`)}`,
      headers,
      cacheControl: generated(`public, max-age=${seconds(route.hashedAssets.expires)}, immutable`),
    });
  }
  nested.push({ comment: "HTML documents and the shell: revalidated on every use", selector: `~ ${quote(HTML)}`, headers, cacheControl: generated("no-cache") });
  nested.push({
    comment: "other files: the file or 404, never the shell",
    selector: `~ ${quote(EXTENSION)}`,
    headers,
    cacheControl: generated(`public, max-age=${seconds(route.expires)}${route.immutable ? ", immutable" : ""}`),
  });
  return { tryFiles: route.spa === null ? null : `$uri ${token(`${route.path}${route.spa.shell}`)}`, nested };
}
