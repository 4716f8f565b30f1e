// What to probe, decided once before any check runs. With a spec, everything comes from it (the
// routes, the exact security header values the renderer emits, which routes cache, stream or limit).
// Without one, verify probes only what every production edge should do, on the URL it was given.
import { securityHeaderValues } from "../model/security-headers.js";
import { mergeResponseHeaders } from "../model/response-headers.js";
import { enabledCompression } from "../model/nginx.js";
import { isRedirectRoute, isRespondRoute, routeBehaviour } from "../spec/route-kinds.js";
import type { Route, Spec } from "../spec/schema.js";
import { specSites, type Site } from "../spec/sites.js";

/** Content codings verify asks for, as they appear in Accept-Encoding. */
export type Encoding = "gzip" | "br" | "zstd";

/** The content coding of each compression module. */
const CONTENT_CODING = { gzip: "gzip", brotli: "br", zstd: "zstd" } as const satisfies Record<ReturnType<typeof enabledCompression>[number], Encoding>;

export interface RouteProbe {
  /** Concrete path to request: an exact route's path, or a prefix route's own prefix. */
  path: string;
  label: string;
}

export interface RateLimitProbe extends RouteProbe {
  rate: string;
  burst: number;
  status: number;
}

/** An answer nginx gives itself, as the spec says: a respond route, a redirect, an error page. */
export interface AnswerProbe extends RouteProbe {
  status: number;
  /** The exact body, or null where it is nginx's own (a redirect). */
  body: string | null;
  /** The exact Location, or null where there is none. */
  location: string | null;
}

export interface ProbePlan {
  /** "spec" when derived from a spec file, "generic" otherwise. */
  source: "spec" | "generic";
  /** Path (and query) of the URL given: the protocol and compression checks request it. */
  probePath: string;
  /**
   * Security headers every response must carry: lower-cased name -> exact value, or null where
   * only presence is required (generic mode, where the values are the edge owner's choice).
   */
  securityHeaders: Record<string, string | null>;
  /**
   * Routes whose responses must carry the security headers (the probe path and a 404 included);
   * `securityHeaders` where a route's own headers replace some (else the plan's).
   */
  headerRoutes: Array<RouteProbe & { securityHeaders?: Record<string, string | null> }>;
  /** Encodings the edge is expected to offer. */
  encodings: Encoding[];
  cacheRoutes: Array<RouteProbe & { statusHeader: string | null; sessionCookie: string | null }>;
  sseRoutes: RouteProbe[];
  rateLimited: RateLimitProbe[];
  /** Pages that must not answer the public: stub_status, metrics. */
  statusPaths: RouteProbe[];
  /** Fixed responses, redirects and error pages the spec defines (none in generic mode). */
  answers: AnswerProbe[];
  /** Every site of the spec, probed by name over SNI on the target's address (none in generic mode). */
  sites: SiteProbe[];
  /** A name no site lists must be refused (defaultServer: refuse). */
  refusesUnknownNames: boolean;
  /** Routes with CORS: an origin they allow, one they don't, and what a preflight must be told. */
  corsRoutes: CorsProbe[];
}

export interface CorsProbe extends RouteProbe {
  /** An origin the route allows (a wildcard's label filled in). */
  allowedOrigin: string;
  /** What Access-Control-Allow-Origin must say to it: the origin itself, or '*'. */
  allowOrigin: string;
  /** An origin outside the list, which must get no CORS header; null when every origin is allowed. */
  otherOrigin: string | null;
  credentials: boolean;
  /** The method a preflight asks for (the first allowed). */
  method: string;
}

export interface SiteProbe {
  /** The site's key under `sites`, or null for a one-site spec. */
  id: string | null;
  names: string[];
  /** A host redirect's target name and status, or null when the site serves routes. */
  redirect: { to: string; status: number } | null;
}

/** A name no edge lists (the .invalid top-level domain is reserved): an unknown name must be refused. */
export const UNKNOWN_NAME = "edgekit-verify-unknown.invalid";

/** A path no edge routes: its 404 must carry the security headers too. */
export const NOT_FOUND_PATH = "/.edgekit-verify/not-found";

/** Security headers a production edge sends whatever its generator: presence only. */
const GENERIC_HEADERS = ["strict-transport-security", "x-content-type-options", "x-frame-options", "referrer-policy"];

/** Status pages an edge might expose by habit. */
const GENERIC_STATUS_PATHS = ["/nginx_status", "/stub_status", "/server-status", "/metrics"];

/** Routes an edge without a spec can still name: cached and streaming paths. */
export interface GenericRoutes {
  cachePaths?: readonly string[];
  /** Response header reporting HIT/MISS (nginx convention: X-Cache-Status). */
  cacheStatusHeader?: string;
  ssePaths?: readonly string[];
}

export function genericPlan(url: URL, routes: GenericRoutes = {}): ProbePlan {
  const probePath = `${url.pathname}${url.search}`;
  return {
    source: "generic",
    probePath,
    securityHeaders: Object.fromEntries(GENERIC_HEADERS.map((h) => [h, null])),
    headerRoutes: [
      { path: probePath, label: "the URL given" },
      { path: NOT_FOUND_PATH, label: "no route (404)" },
    ],
    encodings: ["gzip", "br"],
    cacheRoutes: (routes.cachePaths ?? []).map((path) => ({ path, label: path, statusHeader: (routes.cacheStatusHeader ?? "X-Cache-Status").toLowerCase(), sessionCookie: "session" })),
    sseRoutes: (routes.ssePaths ?? []).map((path) => ({ path, label: path })),
    rateLimited: [],
    statusPaths: GENERIC_STATUS_PATHS.map((path) => ({ path, label: path })),
    answers: [],
    sites: [],
    refusesUnknownNames: false,
    corsRoutes: [],
  };
}

/**
 * The security headers the renderer emits for `spec`, under the spec's top-level headers and a
 * route's own (which replace generated ones of the same name): lower-cased name -> the literal value a client sees.
 */
export function expectedSecurityHeaders(spec: Spec, options: { https: boolean }, routeHeaders: Readonly<Record<string, string | null>> = {}): Record<string, string> {
  return Object.fromEntries(mergeResponseHeaders(securityHeaderValues(spec, options), spec.headers, routeHeaders).map(({ name, value }) => [name.toLowerCase(), value]));
}

export function specPlan(spec: Spec, url: URL): ProbePlan {
  const probePath = `${url.pathname}${url.search}`;
  // The routes of the site the URL names (else the first site that serves routes): the other
  // sites' routes answer on their own names only, which the sites check probes.
  const sites = specSites(spec);
  const site = sites.find((s) => s.names.includes(url.hostname)) ?? sites.find((s) => s.redirect === null) ?? sites[0]!;
  // A regex route's path is a pattern, not a URL to probe.
  const routes = site.routes.filter((r) => r.match !== "regex");
  const probe = (r: Route): RouteProbe => ({ path: r.path, label: `${r.path} (${r.kind})` });
  const probed = (which: keyof ReturnType<typeof routeBehaviour>["verify"]) => routes.filter((r) => routeBehaviour(r).verify[which]);
  const expected = expectedSecurityHeaders(spec, { https: true });
  const statusPaths = [
    ...(spec.metrics.enabled ? [{ path: spec.metrics.statusPath, label: `${spec.metrics.statusPath} (stub_status)` }] : []),
    ...probed("closedToPublic").map(probe),
  ];
  return {
    source: "spec",
    probePath,
    securityHeaders: expected,
    headerRoutes: [
      { path: probePath, label: "the URL given" },
      ...probed("headers").map((r) => (Object.keys(r.headers).length > 0 ? { ...probe(r), securityHeaders: expectedSecurityHeaders(spec, { https: true }, r.headers) } : probe(r))),
      { path: NOT_FOUND_PATH, label: "no route (404)" },
    ],
    encodings: enabledCompression(spec).map((name) => CONTENT_CODING[name]),
    cacheRoutes: routes.filter((r) => routeBehaviour(r).cache !== null).map((r) => ({ ...probe(r), statusHeader: spec.cache.statusHeader?.toLowerCase() ?? null, sessionCookie: ["session", "edgekit_verify_session"].find((name) => !spec.cache.harmlessCookies.includes(name))! })),
    sseRoutes: probed("sse").map(probe),
    rateLimited: probed("rateLimit").flatMap((r) => (r.rateLimit ? [{ ...probe(r), rate: r.rateLimit.rate, burst: r.rateLimit.burst, status: r.rateLimit.status }] : [])),
    statusPaths,
    answers: answerProbes(site, routes),
    sites: sites.map((s) => ({ id: s.id, names: s.names, redirect: s.redirect })),
    refusesUnknownNames: spec.defaultServer === "refuse",
    corsRoutes: routes.flatMap((r) => (r.cors ? [corsProbe(r, r.cors)] : [])),
  };
}

/** An origin no list allows: the reserved .invalid top-level domain. */
export const OUTSIDE_ORIGIN = "https://edgekit-verify.invalid";

function corsProbe(route: Route, cors: NonNullable<Route["cors"]>): CorsProbe {
  const any = cors.origins.includes("*");
  const allowedOrigin = any ? "https://edgekit-verify.example" : cors.origins[0]!.replace("://*.", "://edgekit-verify.");
  return {
    path: route.path,
    label: `${route.path} (${route.kind})`,
    allowedOrigin,
    allowOrigin: any ? "*" : allowedOrigin,
    otherOrigin: any ? null : OUTSIDE_ORIGIN,
    credentials: cors.credentials,
    method: cors.methods[0]!,
  };
}

/**
 * Each respond and redirect route at its own path (a prefix route's prefix: no rest of path, no
 * query), and the 404 page where NOT_FOUND_PATH reaches nginx's catch-all (no route covers it).
 */
function answerProbes(site: Site, routes: readonly Route[]): AnswerProbe[] {
  const probes: AnswerProbe[] = routes.flatMap((r): AnswerProbe[] => {
    const label = `${r.path} (${r.kind})`;
    if (isRespondRoute(r)) return [{ path: r.path, label, status: r.status, body: [204, 205].includes(r.status) ? "" : r.body, location: null }];
    if (isRedirectRoute(r)) return [{ path: r.path, label, status: r.status, body: null, location: r.to }];
    return [];
  });
  const page = site.errorPages["404"];
  const covered = routes.some((r) => (r.match === "exact" ? r.path === NOT_FOUND_PATH : NOT_FOUND_PATH.startsWith(r.path)));
  if (page && !covered) probes.push({ path: NOT_FOUND_PATH, label: "the 404 error page", status: 404, body: page.body, location: null });
  return probes;
}
