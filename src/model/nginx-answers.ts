// What nginx answers itself: fixed responses and redirects (route kinds whose traits serve "nginx"),
// and error pages. Every body and URL goes through quoteText(), so a `$` in the spec stays literal
// (an http-level geo holds it) and no spec text becomes a variable, a directive or a header line.
import { mergeResponseHeaders } from "./response-headers.js";
import type { ErrorPage, ErrorPages } from "../spec/error-pages.js";
import { isRedirectRoute, isRespondRoute, type AnswerRoute } from "../spec/route-kinds.js";
import { BODILESS_STATUSES } from "../spec/responses.js";
import type { Route, Spec } from "../spec/schema.js";
import { allRoutes, specSites, type Site } from "../spec/sites.js";
import { LITERAL_DOLLAR_VARIABLE, needsLiteralDollar, quote, quoteText, regexLiteral, token } from "../nginx-syntax/quote.js";
import type { HeaderLine } from "./security-headers.js";

/** `return status text`, with the body's type (a fixed response) or nothing (a redirect). */
export interface AnswerModel {
  status: number;
  /** return's second argument: the quoted body or Location. */
  text: string;
  /** default_type of the body (with an empty `types {}`, so the request's file extension can't change it), or null for a redirect. */
  contentType: string | null;
  /** `absolute_redirect off` for a path target: Location stays the path, not nginx's idea of scheme and host (wrong behind TLS termination). */
  absoluteRedirectOff: boolean;
}

/** An http-level map that takes the rest of the raw request path after a redirect route's prefix. */
export interface RestMapModel {
  variable: string;
  /** The quoted regex, on $request_uri (raw: still percent-encoded, so no CRLF can reach Location). */
  pattern: string;
}

/** An error_page line: these statuses (space-separated) answered by that target. */
export interface ErrorPageLine {
  codes: string;
  target: string;
}

/** A named location that sends one error page. */
export interface ErrorPageLocation {
  name: string;
  answer: AnswerModel;
  /** Page headers (after the location's security headers where nginx needs them repeated). */
  headers: HeaderLine[];
}

/** The http-level pieces answers need: the literal-`$` geo and the path-rest maps. */
export interface AnswersHttpModel {
  literalDollar: { variable: string } | null;
  restMaps: RestMapModel[];
}

const REST_PREFIX = "edgekit_redirect_rest";

/** Every route of every site. */
const routesOf = (spec: Spec): Route[] => allRoutes(spec).map((r) => r.route);

/** Prefix routes that keep the path get one map each, per distinct prefix, in route order. */
function restVariables(routes: readonly Route[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const route of routes) {
    if (!isRedirectRoute(route) || !route.keepPath || route.match !== "prefix" || out.has(route.path)) continue;
    out.set(route.path, `${REST_PREFIX}_${out.size + 1}`);
  }
  return out;
}

export function answersHttpModel(spec: Spec): AnswersHttpModel {
  const texts = [
    ...routesOf(spec).flatMap((r) => (isRespondRoute(r) ? [r.body] : isRedirectRoute(r) ? [r.to] : [])),
    ...allErrorPages(spec).map((p) => p.body),
  ];
  return {
    literalDollar: texts.some(needsLiteralDollar) ? { variable: LITERAL_DOLLAR_VARIABLE } : null,
    restMaps: [...restVariables(routesOf(spec))].map(([path, variable]) => ({ variable, pattern: quote(`~^${regexLiteral(path)}([^?]*)`) })),
  };
}

/** The answer of a respond or redirect route. */
export function routeAnswer(spec: Spec, route: AnswerRoute): AnswerModel {
  if (isRespondRoute(route)) {
    return { status: route.status, text: quoteText(BODILESS_STATUSES.includes(route.status) ? "" : route.body), contentType: token(route.contentType), absoluteRedirectOff: false };
  }
  const rest = route.keepPath ? restVariables(routesOf(spec)).get(route.path) : undefined;
  const suffix = `${rest ? `\${${rest}}` : ""}${route.keepQuery ? "${is_args}${args}" : ""}`;
  const quoted = quoteText(route.to);
  return { status: route.status, text: `${quoted.slice(0, -1)}${suffix}"`, contentType: null, absoluteRedirectOff: route.to.startsWith("/") };
}

function allErrorPages(spec: Spec): ErrorPage[] {
  return [...specSites(spec).flatMap((s) => Object.values(s.errorPages)), ...routesOf(spec).flatMap((r) => Object.values(r.errorPages))];
}

/** A route's pages: its site's (the site's own over the top-level ones) with its own over them, status by status. */
export function routeErrorPages(site: Site, route: Route): ErrorPages {
  return { ...site.errorPages, ...route.errorPages };
}

/**
 * The error pages of one site's server: named locations (one per distinct page, shared by the
 * statuses and routes that use it) and a function giving the error_page lines for a set of pages.
 */
export function errorPageLocations(site: Site, locationHeaders: HeaderLine[], busyRetryAfter: string | null): { locations: ErrorPageLocation[]; lines: (pages: ErrorPages) => ErrorPageLine[] } {
  const byKey = new Map<string, ErrorPageLocation>();
  const keyOf = (status: string, page: ErrorPage) => JSON.stringify([status, page.contentType, page.body, Object.entries(page.headers).sort()]);
  const add = (pages: ErrorPages) => {
    for (const status of Object.keys(pages).sort()) {
      const page = pages[status]!;
      const key = keyOf(status, page);
      if (byKey.has(key)) continue;
      byKey.set(key, {
        name: `@edgekit_error_${status}${suffixFor(byKey, status)}`,
        answer: { status: Number(status), text: quoteText(page.body), contentType: token(page.contentType), absoluteRedirectOff: false },
        // A page's header replaces the server's of the same name (any spelling): never two values.
        headers: mergeResponseHeaders(locationHeaders, Object.fromEntries(pageHeaders(status, page, busyRetryAfter).map((h) => [h.name, h.value]))),
      });
    }
  };
  add(site.errorPages);
  for (const route of site.routes) add(routeErrorPages(site, route));
  const lines = (pages: ErrorPages): ErrorPageLine[] => {
    // Statuses sharing one page content still need their own location (each returns its status).
    return Object.keys(pages)
      .sort()
      .map((status) => ({ codes: status, target: byKey.get(keyOf(status, pages[status]!))!.name }));
  };
  return { locations: [...byKey.values()], lines };
}

/**
 * A page's own headers; a 503 page also carries the busy answer's Retry-After (empty, so absent,
 * on any 503 but an upstream's at max_conns) unless it sets Retry-After itself.
 */
function pageHeaders(status: string, page: ErrorPage, busyRetryAfter: string | null): HeaderLine[] {
  const own = Object.entries(page.headers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name: token(name), value: quote(value) }));
  const ownRetryAfter = Object.keys(page.headers).some((n) => n.toLowerCase() === "retry-after");
  return status === "503" && busyRetryAfter !== null && !ownRetryAfter ? [...own, { name: "Retry-After", value: busyRetryAfter }] : own;
}

/** "" for the first page of a status, "_2", "_3" ... for other pages of the same status. */
function suffixFor(existing: Map<string, ErrorPageLocation>, status: string): string {
  const n = [...existing.values()].filter((l) => l.answer.status === Number(status)).length;
  return n === 0 ? "" : `_${n + 1}`;
}
