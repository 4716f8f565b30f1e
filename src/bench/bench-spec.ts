// The spec the benchmark runs: the user's spec, changed only where a measurement needs it, each
// change said in a note for the report. Variants (pool off, compression off) are derived from the
// Spec object, never by editing rendered text, so they differ from the real edge in one thing only.
import { compareVersions, hasFeature } from "../nginx-features/index.js";
import { isJsonLoadRoute, routeBehaviour, type CacheableRoute } from "../spec/route-kinds.js";
import { routeSchema, type Route, type Spec } from "../spec/schema.js";
import { asOneSite, specSites } from "../spec/sites.js";

/** Backend paths the benchmark loads: the ~7 KB JSON route and one the edge micro-caches. */
export const TOOLS_PATH = "/api/tools";
/** GET routes of the reference backend that answer 200 without Cache-Control: no-store, in order of preference. */
const CACHEABLE_BACKEND_PATHS = ["/api/v1/config", "/api/cacheable", "/api/tools", "/version"];
const ADDED_CACHE_PATH = "/api/cacheable";

export interface BenchSpec {
  spec: Spec;
  /** The path of the (uncached, unlimited) ~7 KB JSON route through the edge. */
  toolsPath: string;
  /** The path of a micro-cached route through the edge; the backend serves the same path directly. */
  cachedPath: string;
  /** What the benchmark changed in the spec, and why, for the report. */
  notes: string[];
}

export interface BenchEnvironment {
  backendPort: number;
  /** The most concurrent requests a measurement sends (the sweep's last step); pools are sized for it. */
  peakConcurrency?: number;
  /** Installed nginx version, as `nginx -v` prints it. */
  nginxVersion: string;
}

/** The route nginx picks for `path`: an exact location first, else the longest matching prefix. */
export function routeFor(routes: readonly Route[], path: string): { route: Route; index: number } | null {
  const exact = routes.findIndex((r) => r.match === "exact" && r.path === path);
  if (exact >= 0) return { route: routes[exact] as Route, index: exact };
  let best: { route: Route; index: number } | null = null;
  routes.forEach((route, index) => {
    if (route.match === "prefix" && path.startsWith(route.path) && (!best || route.path.length > best.route.path.length)) best = { route, index };
  });
  return best;
}

/** A copy of the route without what would distort a throughput measurement (rate limit, access list). */
function unthrottled(route: Route, why: string, notes: string[]): Route {
  const copy = { ...route } as Route & { rateLimit?: unknown; access?: unknown };
  if (copy.rateLimit !== undefined && !routeBehaviour(route).bench.keepsLimits) {
    notes.push(`route ${route.path} (${route.match}): rate limit ${rateText(route)} removed, ${why} (the bench measures throughput, not the limiter)`);
    delete copy.rateLimit;
  }
  if (copy.access !== undefined && !routeBehaviour(route).bench.keepsLimits) {
    notes.push(`route ${route.path} (${route.match}): access list removed so the loopback load generator is allowed`);
    delete copy.access;
  }
  return copy;
}

function rateText(route: Route): string {
  return route.rateLimit ? `${route.rateLimit.rate} burst ${route.rateLimit.burst}` : "";
}

export function deriveBenchSpec(input: Spec, env: BenchEnvironment): BenchSpec {
  const notes: string[] = [];
  let spec: Spec = {
    ...input,
    upstreams: Object.fromEntries(
      Object.entries(input.upstreams).map(([name, u]) => [name, { ...u, servers: u.servers.map((s) => ({ ...s, host: "127.0.0.1", port: env.backendPort })) }]),
    ),
  };
  notes.push(`every upstream server points at the local reference backend (127.0.0.1:${env.backendPort}); listen ports are free loopback ports and file paths a temp prefix`);
  if (spec.sites !== undefined) {
    const site = specSites(spec).find((s) => s.redirect === null) ?? specSites(spec)[0]!;
    spec = asOneSite(spec, site);
    notes.push(`the benchmark loads site ${site.id} (${site.names[0]}), the first that serves routes, alone, as a one-site edge answering every name`);
  }
  const peak = env.peakConcurrency;
  if (peak !== undefined) {
    const small = Object.entries(spec.upstreams).filter(([, u]) => u.keepalive.connections > 0 && u.keepalive.connections < peak);
    if (small.length > 0) {
      spec = {
        ...spec,
        upstreams: Object.fromEntries(
          Object.entries(spec.upstreams).map(([name, u]) => [name, small.some(([n]) => n === name) ? { ...u, expectedConcurrency: peak, keepalive: { ...u.keepalive, connections: peak } } : u]),
        ),
      };
      notes.push(
        `upstream keep-alive pools raised to ${peak} idle connections per worker (${small.map(([n, u]) => `${n}: ${u.keepalive.connections}`).join(", ")} in the spec) for the ${peak}-connection sweep step, as rule keepalive-pool-size asks of a spec expecting that concurrency; a pool smaller than the concurrency closes and reopens backend connections all the time`,
      );
    }
  }

  if (!spec.tls.enabled) {
    spec = { ...spec, tls: { ...spec.tls, enabled: true } };
    notes.push("tls.enabled turned on (with the development certificate): HTTP/2 through the edge needs TLS");
  }
  if (!spec.http2.enabled) {
    spec = { ...spec, http2: { ...spec.http2, enabled: true } };
    notes.push("http2.enabled turned on: the h1-vs-h2 and 100,000-request scenarios need HTTP/2");
  }
  if (compareVersions(env.nginxVersion, spec.nginx.version) < 0) {
    spec = { ...spec, nginx: { ...spec.nginx, version: env.nginxVersion } };
    notes.push(`nginx.version ${input.nginx.version} lowered to the installed ${env.nginxVersion}, so the syntax is what this nginx accepts`);
  }
  if (spec.tls.http3 && !hasFeature(spec.nginx.version, "http3")) {
    spec = { ...spec, tls: { ...spec.tls, http3: false } };
    notes.push("tls.http3 turned off: the installed nginx has no QUIC, and no scenario uses HTTP/3");
  }

  const routes = [...specSites(spec)[0]!.routes];
  // The ~7 KB JSON route: proxied, uncached, not limited.
  const tools = routeFor(routes, TOOLS_PATH);
  if (!tools || !isJsonLoadRoute(tools.route)) {
    const upstream = Object.keys(spec.upstreams)[0];
    routes.push({ ...apiRoute(TOOLS_PATH), ...(upstream ? { upstream } : {}) });
    notes.push(`added route ${TOOLS_PATH} (exact, api): ${tools ? `${tools.route.path} is a ${tools.route.kind} route` : "no route reaches it"}, and the JSON scenarios load it`);
  } else if (tools.route.cache !== undefined) {
    if (tools.route.match === "exact") {
      const { cache: _cache, ...uncached } = tools.route;
      routes[tools.index] = unthrottled(uncached, `as ${TOOLS_PATH} carries the load`, notes);
      notes.push(`route ${TOOLS_PATH} (exact): cache removed, so "through the edge" measures proxying, not the cache`);
    } else {
      const { cache: _cache, ...uncached } = tools.route;
      routes.push(unthrottled({ ...uncached, path: TOOLS_PATH, match: "exact" }, `as ${TOOLS_PATH} carries the load`, notes));
      notes.push(`added route ${TOOLS_PATH} (exact, api, uncached): ${tools.route.path} caches, and "through the edge" must measure proxying`);
    }
  } else {
    routes[tools.index] = unthrottled(tools.route, `as ${TOOLS_PATH} goes through it`, notes);
    if (!tools.route.compression) notes.push(`route ${tools.route.path} has compression off: the gzip/br scenario will show no saving`);
  }

  // The micro-cached route: the first cached api route whose path the reference backend serves.
  let cachedPath: string | null = null;
  for (const [index, route] of routes.entries()) {
    if (!isJsonLoadRoute(route) || route.cache === undefined) continue;
    const candidate = route.match === "exact" ? [route.path] : CACHEABLE_BACKEND_PATHS.filter((p) => routeFor(routes, p)?.index === index);
    const path = candidate.find((p) => CACHEABLE_BACKEND_PATHS.includes(p));
    if (path) {
      cachedPath = path;
      routes[index] = unthrottled(route, "as the cache scenario loads it", notes);
      break;
    }
  }
  if (cachedPath === null) {
    const existing = routes.findIndex((r) => r.match === "exact" && r.path === ADDED_CACHE_PATH);
    const cache = apiRoute(ADDED_CACHE_PATH, { cache: { valid: [{ statuses: [200], time: "30s" }] } }).cache;
    if (existing >= 0 && isJsonLoadRoute(routes[existing] as Route)) {
      routes[existing] = unthrottled({ ...(routes[existing] as CacheableRoute), cache }, "as the cache scenario loads it", notes);
      notes.push(`route ${ADDED_CACHE_PATH} (exact): a 30 s micro-cache added, since no cached route reaches a path the reference backend serves`);
    } else {
      const upstream = Object.keys(spec.upstreams)[0];
      routes.push({ ...apiRoute(ADDED_CACHE_PATH), cache, ...(upstream ? { upstream } : {}) });
      notes.push(`added route ${ADDED_CACHE_PATH} (exact, api, 30 s micro-cache): no cached route reaches a path the reference backend serves`);
    }
    cachedPath = ADDED_CACHE_PATH;
  }
  return { spec: { ...spec, routes }, toolsPath: TOOLS_PATH, cachedPath, notes };
}

/** An exact api route with the schema's defaults (one source of defaults: the schema itself). */
function apiRoute(path: string, extra: Record<string, unknown> = {}): CacheableRoute {
  return routeSchema.parse({ kind: "api", path, match: "exact", ...extra }) as CacheableRoute;
}

/** The same edge without the upstream keep-alive pool: a new backend connection per request. */
export function poolOffVariant(spec: Spec): Spec {
  return {
    ...spec,
    upstreams: Object.fromEntries(Object.entries(spec.upstreams).map(([name, u]) => [name, { ...u, keepalive: { ...u.keepalive, connections: 0 } }])),
  };
}

/** The same edge with every compression off (gzip, brotli, zstd). */
export function compressionOffVariant(spec: Spec): Spec {
  const { gzip, brotli, zstd } = spec.compression;
  return { ...spec, compression: { gzip: { ...gzip, enabled: false }, brotli: { ...brotli, enabled: false }, zstd: { ...zstd, enabled: false } } };
}

/** nginx worker processes as a number ("auto" is one per core), so HAProxy and Caddy get as many. */
export function workerCount(spec: Spec, cores: number): number {
  return spec.nginx.workerProcesses === "auto" ? cores : spec.nginx.workerProcesses;
}
