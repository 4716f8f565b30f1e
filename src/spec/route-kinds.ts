// The route-kind table: everything that differs between route kinds, in one place. The model,
// verify, bench and compose read a route's behaviour from here and never branch on a kind's name
// (rules about one kind may still filter by it). The table is a mapped type over RouteKind, so a
// kind added to the schema without its row here does not compile.
import type { Route, RouteKind } from "./schema.js";
import { durationMs } from "./values.js";

export type RouteOf<K extends RouteKind> = Extract<Route, { kind: K }>;
/** Routes nginx proxies to an upstream pool (they carry upstream, timeouts and maxBodySize). */
export type ProxiedRoute = Extract<Route, { timeouts: unknown }>;
/** Routes nginx answers from a directory itself. */
export type FileRoute = Extract<Route, { root: string }>;
/** Routes nginx answers itself with a fixed response or a redirect (no upstream, no files). */
export type AnswerRoute = RespondRoute | RedirectRoute;
/** A fixed response: status, body and content type. */
export type RespondRoute = Extract<Route, { body: string }>;
/** A redirect: status and target. */
export type RedirectRoute = Extract<Route, { to: string }>;
/** Routes whose kind has a proxy cache policy. */
export type CacheableRoute = Extract<Route, { cache?: unknown }>;
export type CachePolicy = NonNullable<CacheableRoute["cache"]>;

/** What a kind does, per route of that kind (functions where a route's own fields decide). */
export interface RouteKindTraits<K extends RouteKind> {
  /** One line for docs: what the kind is for. */
  summary: string;
  /** How nginx answers: proxies to an upstream pool, serves files from a directory, or answers itself (a fixed response or a redirect). */
  serves: "upstream" | "files" | "nginx";
  /** proxy_buffering on: nginx reads the whole upstream response so a slow client holds no backend connection. */
  buffering(route: RouteOf<K>): boolean;
  /** Responses may be compressed (gzip, brotli as configured). */
  compression(route: RouteOf<K>): boolean;
  /** The edge decides buffering: a backend's X-Accel-Buffering header is ignored (streams stay unbuffered). */
  ignoreAccelBuffering: boolean;
  /** Connection upgrades (WebSocket) pass through; every other kind sends an empty Connection so upstream keep-alive works. */
  upgrade: boolean;
  /** Requests are written to the access log (probes and scrapes are not, they would drown it). */
  accessLog: boolean;
  /** Cache-Control nginx sets itself for browsers, or null (the backend decides). */
  browserCache(route: RouteOf<K>): { maxAgeSeconds: number; immutable: boolean } | null;
  /** What `edgekit verify` probes on a route of this kind. */
  verify: {
    /** A plain GET answers and its response must carry the security headers (false for streams and upgrades). */
    headers: boolean;
    /** It is a server-sent events stream: latency, no compression, HTTP/1.1 fallback. */
    sse: boolean;
    /** Its rate limit can be proven with a burst of plain GETs. */
    rateLimit: boolean;
    /** The public must get no answer (checked from outside the access list). */
    closedToPublic: boolean;
  };
  /** How `edgekit bench` treats a route of this kind. */
  bench: {
    /** It can carry the JSON throughput scenarios (proxied request/response, cache and limits removable). */
    jsonLoad: boolean;
    /** Its access list and rate limit stay in the benchmark (they protect it, the load never reaches it). */
    keepsLimits: boolean;
  };
}

/** One row per kind: a kind missing here is a compile error. */
export type RouteKindTable = { [K in RouteKind]: RouteKindTraits<K> };

const never = () => null;
const streamProbes = { headers: false, sse: false, rateLimit: false, closedToPublic: false };

export const ROUTE_KINDS: RouteKindTable = {
  api: {
    summary: "A proxied HTTP API: buffered, compressed and cacheable as the route says.",
    serves: "upstream",
    buffering: (route) => route.buffering,
    compression: (route) => route.compression,
    ignoreAccelBuffering: false,
    upgrade: false,
    accessLog: true,
    browserCache: never,
    verify: { headers: true, sse: false, rateLimit: true, closedToPublic: false },
    bench: { jsonLoad: true, keepsLimits: false },
  },
  sse: {
    summary: "A server-sent events stream: always unbuffered and uncompressed, whatever the backend says.",
    serves: "upstream",
    buffering: () => false,
    compression: () => false,
    ignoreAccelBuffering: true,
    upgrade: false,
    accessLog: true,
    browserCache: never,
    verify: { ...streamProbes, sse: true },
    bench: { jsonLoad: false, keepsLimits: false },
  },
  websocket: {
    summary: "A WebSocket endpoint: Upgrade handled here only, so other routes keep upstream keep-alive.",
    serves: "upstream",
    buffering: () => false,
    compression: () => false,
    ignoreAccelBuffering: false,
    upgrade: true,
    accessLog: true,
    browserCache: never,
    verify: streamProbes,
    bench: { jsonLoad: false, keepsLimits: false },
  },
  static: {
    summary: "Files served by nginx from a directory, with browser caching.",
    serves: "files",
    buffering: () => true,
    compression: () => true,
    ignoreAccelBuffering: false,
    upgrade: false,
    accessLog: true,
    browserCache: (route) => ({ maxAgeSeconds: Math.floor(durationMs(route.expires) / 1000), immutable: route.immutable }),
    verify: { headers: true, sse: false, rateLimit: true, closedToPublic: false },
    bench: { jsonLoad: false, keepsLimits: false },
  },
  health: {
    summary: "The backend's health check: proxied with short timeouts, not logged.",
    serves: "upstream",
    buffering: () => true,
    compression: () => true,
    ignoreAccelBuffering: false,
    upgrade: false,
    accessLog: false,
    browserCache: never,
    verify: { headers: true, sse: false, rateLimit: true, closedToPublic: false },
    bench: { jsonLoad: false, keepsLimits: false },
  },
  metrics: {
    summary: "The backend's Prometheus metrics: proxied, not logged, closed to the public.",
    serves: "upstream",
    buffering: () => true,
    compression: () => true,
    ignoreAccelBuffering: false,
    upgrade: false,
    accessLog: false,
    browserCache: never,
    verify: { headers: true, sse: false, rateLimit: true, closedToPublic: true },
    bench: { jsonLoad: false, keepsLimits: true },
  },
  respond: {
    summary: "A fixed response nginx gives itself (status, body, headers): a maintenance 503, a health answer.",
    serves: "nginx",
    buffering: () => false,
    compression: () => true,
    ignoreAccelBuffering: false,
    upgrade: false,
    accessLog: true,
    browserCache: never,
    verify: { headers: true, sse: false, rateLimit: true, closedToPublic: false },
    bench: { jsonLoad: false, keepsLimits: false },
  },
  redirect: {
    summary: "A redirect nginx answers itself: 301/302/307/308 to a path or URL.",
    serves: "nginx",
    buffering: () => false,
    compression: () => false,
    ignoreAccelBuffering: false,
    upgrade: false,
    accessLog: true,
    browserCache: never,
    verify: { headers: true, sse: false, rateLimit: true, closedToPublic: false },
    bench: { jsonLoad: false, keepsLimits: false },
  },
};

/** A route's behaviour: its kind's traits with the route's own fields applied. */
export interface RouteBehaviour {
  serves: RouteKindTraits<RouteKind>["serves"];
  buffering: boolean;
  compression: boolean;
  ignoreAccelBuffering: boolean;
  upgrade: boolean;
  accessLog: boolean;
  browserCache: { maxAgeSeconds: number; immutable: boolean } | null;
  /** The route's proxy cache policy, or null when it has none (or its kind can't cache). */
  cache: CachePolicy | null;
  verify: RouteKindTraits<RouteKind>["verify"];
  bench: RouteKindTraits<RouteKind>["bench"];
}

export function routeBehaviour(route: Route): RouteBehaviour {
  // One cast: TypeScript can't correlate route.kind with the row's parameter type.
  const traits = ROUTE_KINDS[route.kind] as RouteKindTraits<RouteKind>;
  const self = route as never;
  return {
    serves: traits.serves,
    buffering: traits.buffering(self),
    compression: traits.compression(self),
    ignoreAccelBuffering: traits.ignoreAccelBuffering,
    upgrade: traits.upgrade,
    accessLog: traits.accessLog,
    browserCache: traits.browserCache(self),
    cache: "cache" in route && route.cache ? route.cache : null,
    verify: traits.verify,
    bench: traits.bench,
  };
}

export function isProxiedRoute(route: Route): route is ProxiedRoute {
  return ROUTE_KINDS[route.kind].serves === "upstream";
}

export function isFileRoute(route: Route): route is FileRoute {
  return ROUTE_KINDS[route.kind].serves === "files";
}

/** A route nginx answers itself (its kind serves "nginx"). */
export function isAnswerRoute(route: Route): route is AnswerRoute {
  return ROUTE_KINDS[route.kind].serves === "nginx";
}

export function isRedirectRoute(route: Route): route is RedirectRoute {
  return "to" in route;
}

export function isRespondRoute(route: Route): route is RespondRoute {
  return "body" in route;
}

/** A route the benchmark can load with JSON requests (its kind says so; such kinds carry a cache field). */
export function isJsonLoadRoute(route: Route): route is CacheableRoute {
  return ROUTE_KINDS[route.kind].bench.jsonLoad;
}
