// CORS in the nginx model, decided per route with maps at http level (no `if` beyond the one
// `return 204` nginx allows in a location): the origin map yields the request's Origin only when it
// is on the route's list, every Access-Control-* header is a variable that is empty otherwise, and
// nginx's add_header sends nothing for an empty value. So an origin outside the list gets no CORS
// header at all, and a preflight (OPTIONS with Origin and Access-Control-Request-Method) gets 204
// from the edge, with the allow headers only when its origin is listed.
import { quote, regexLiteral, token } from "../nginx-syntax/quote.js";
import { CORS_RESPONSE_HEADERS, type RouteCors } from "../spec/cors.js";
import type { HeaderLine } from "./security-headers.js";

/**
 * An nginx map: `source` (a finished complex value), the variable it sets, and its entries in order.
 * An entry whose value is "" is a parameter without a value (`volatile;`); an empty value is `""`.
 */
export interface MapModel {
  comment: string;
  source: string;
  variable: string;
  entries: { match: string; value: string }[];
}

export interface RouteCorsParts {
  /** The http-level maps this route's CORS reads. */
  maps: MapModel[];
  /** add_header lines of the route (values empty, so not sent, unless the origin is listed). */
  headers: HeaderLine[];
  /** The variable that is 1 for a preflight: the location answers it with 204. */
  preflightVariable: string;
  /** The backend's own CORS headers, dropped so no response carries two (proxied routes only). */
  hideHeaders: string[];
}

/** One DNS label, as a `*.` wildcard in an origin stands for. */
const LABEL_PATTERN = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";

/**
 * The anchored PCRE that matches exactly the listed origins: each escaped, a leading `*.` standing
 * for one DNS label. `\z` rather than `$` (nginx would read `$` as a variable, and `$` also matches
 * before a final newline).
 */
export function originPattern(origins: readonly string[]): string {
  const alternatives = [...new Set(origins)].sort().map((o) => {
    const wildcard = /^(https?:\/\/)\*\.(.*)$/.exec(o);
    return wildcard ? `${regexLiteral(wildcard[1]!)}${LABEL_PATTERN}\\.${regexLiteral(wildcard[2]!)}` : regexLiteral(o);
  });
  return `~^(?:${alternatives.join("|")})\\z`;
}

export function routeCorsParts(cors: RouteCors, slug: string, routePath: string): RouteCorsParts {
  const v = (name: string) => `$edgekit_cors_${token(slug)}_${name}`;
  const origin = v("origin");
  const preflight = v("preflight");
  const state = `"${preflight}${origin}"`;
  const any = cors.origins.includes("*");
  const comment = `CORS of route ${routePath}`;
  const maps: MapModel[] = [
    {
      comment: `${comment}: the request's Origin when it is allowed, else empty`,
      source: "$http_origin",
      variable: origin,
      entries: any
        ? [{ match: "default", value: '"*"' }, { match: '""', value: '""' }]
        : [{ match: "default", value: '""' }, { match: quote(originPattern(cors.origins)), value: "$http_origin" }],
    },
    {
      comment: `${comment}: 1 for a preflight (OPTIONS with Origin and Access-Control-Request-Method)`,
      source: '"$request_method|$http_access_control_request_method|$http_origin"',
      variable: preflight,
      entries: [{ match: "default", value: "0" }, { match: quote("~^OPTIONS\\|[^|]+\\|."), value: "1" }],
    },
  ];
  const headers: HeaderLine[] = [{ name: "Access-Control-Allow-Origin", value: origin }];
  /** A header whose value is `value` on allowed preflights (`1`) or allowed other requests (`0`), else empty. */
  const stateHeader = (name: string, key: string, when: "0" | "1", value: string) => {
    maps.push({ comment: `${comment}: ${name}`, source: state, variable: v(key), entries: [{ match: "default", value: '""' }, { match: quote(`~^${when}.`), value: quote(value) }] });
    headers.push({ name, value: v(key) });
  };
  if (cors.credentials) {
    maps.push({ comment: `${comment}: Access-Control-Allow-Credentials`, source: origin, variable: v("creds"), entries: [{ match: "default", value: '"true"' }, { match: '""', value: '""' }] });
    headers.push({ name: "Access-Control-Allow-Credentials", value: v("creds") });
  }
  stateHeader("Access-Control-Allow-Methods", "methods", "1", [...new Set(cors.methods)].join(", "));
  if (cors.headers.length > 0) stateHeader("Access-Control-Allow-Headers", "headers", "1", [...new Set(cors.headers)].join(", "));
  stateHeader("Access-Control-Max-Age", "max_age", "1", String(cors.maxAge));
  if (cors.exposeHeaders.length > 0) stateHeader("Access-Control-Expose-Headers", "expose", "0", [...new Set(cors.exposeHeaders)].join(", "));
  // The answer depends on Origin (listed or not), so caches must key on it; '*' answers all alike.
  if (!any) headers.push({ name: "Vary", value: "Origin" });
  return { maps, headers, preflightVariable: preflight, hideHeaders: [...CORS_RESPONSE_HEADERS] };
}
