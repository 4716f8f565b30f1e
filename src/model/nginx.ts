// Stage 4: the validated spec becomes a plain render model for nginx.conf. Every decision is made
// here (syntax by version, which headers go where, what each route kind needs); templates only
// lay the model out. Every string in the model is a finished nginx token: validated types print
// bare through token(), free-form strings go through quote().
import { hasFeature, NGINX_MODULES, releaseFor, type NginxFeatureId, type NginxModuleId } from "../nginx-features/index.js";
import { sizeBytes } from "../spec/values.js";
import { isAnswerRoute, isFileRoute, routeBehaviour, type RouteBehaviour } from "../spec/route-kinds.js";
import type { Route, Spec, Upstream } from "../spec/schema.js";
import { quote, regexLiteral, token } from "../nginx-syntax/quote.js";
import { READY_PATH } from "../plan/layout.js";
import { locationSelector, proxyPassUrl, retryDirectives } from "./nginx-proxy-routing.js";
import { formatPath, type SpecPath } from "../diagnostics.js";
import { allRoutes, type Site, type SiteRoute } from "../spec/sites.js";
import { serverNamesHashBucketSize, siteServers } from "./nginx-sites.js";
import { generatedNotice, type ModelOptions } from "./header.js";
import type { HeaderLine } from "./security-headers.js";
import { routeAuthParts, signInMaps, type AuthModel, type AuthSubrequestModel } from "./nginx-auth.js";
import { routeCorsParts, type MapModel } from "./nginx-cors.js";
import { routeSlugs } from "./route-slugs.js";
import { forwardingLookups, joinVaryWithAcceptEncoding, proxyHeadersHashBucketSize, requestIdVariable, routeRequestHeaders, routeResponseHeaders, upstreamRequestHeaders, type LookupModel } from "./nginx-headers.js";
import { answersHttpModel, errorPageLocations, routeAnswer, routeErrorPages, type AnswerModel, type AnswersHttpModel, type ErrorPageLine } from "./nginx-answers.js";
import { ECDH_CURVES, tlsProfile } from "./tls-profiles.js";
import { rawBlock, rawDirectiveNames, type RawBlockModel } from "./nginx-raw.js";
import { splitLocation, splitModels, type SplitModel } from "./nginx-split.js";
import { staticFiles, type StaticFilesModel } from "./nginx-static.js";
import { followedName, followsName, resolverAddress, upstreamResolver, type NginxPlatform, type UpstreamResolverModel } from "./nginx-resolve.js";

export interface NginxModel {
  header: string[];
  loadModules: string[];
  main: {
    user: string | null;
    workerProcesses: string;
    workerRlimitNofile: number;
    pid: string;
    errorLog: string;
  };
  events: { workerConnections: number; multiAccept: "on" | "off" };
  http: HttpModel;
}

export interface HttpModel {
  mimeTypes: string;
  serverTokens: "on" | "off";
  tempPaths: { body: string; proxy: string } | null;
  client: {
    keepaliveTimeout: string;
    /** keepalive_min_timeout, where the version has it and the spec sets one. */
    keepaliveMinTimeout: string | null;
    keepaliveRequests: number;
    headerTimeout: string;
    bodyTimeout: string;
    sendTimeout: string;
    headerBufferSize: string;
    largeHeaderBuffers: string;
  };
  http2MaxConcurrentStreams: number | null;
  /** server_names_hash_bucket_size, where several servers share a port and a name outgrows nginx's 64 bytes. */
  serverNamesHashBucketSize: number | null;
  /** proxy_buffer_size and proxy_buffers, at http level so every proxied location shares them. */
  proxyBuffers: { bufferSize: string; buffers: string };
  /** proxy_headers_hash_bucket_size, where a header name is too long for nginx's 64 (else null). */
  proxyHeadersHashBucketSize: number | null;
  realIp: { from: string[]; header: string; recursive: "on" | "off" } | null;
  /** `params` are buffer= and flush=, or none when the spec's buffer is 0 (write every line at once). */
  accessLog: { format: "edgekit_json" | "combined"; path: string; params: string[] } | null;
  /** The JSON log format (name, escaping and the quoted format string), when the access log uses it. */
  jsonLogFormat: { name: string; escape: string; format: string } | null;
  /** One block per enabled compression module, in the order the filters run (gzip, brotli, zstd). */
  compression: { name: CompressionName; directives: { name: string; value: string }[] }[];
  tls: {
    protocols: string;
    ciphers: string | null;
    ecdhCurve: string;
    sessionCache: string;
    sessionTimeout: string;
    sessionTickets: "on" | "off";
    stapling: { resolvers: string } | null;
  } | null;
  /** The WebSocket Connection map: `variable` is "upgrade" only when the client asked for an upgrade. */
  upgradeMap: { variable: string } | null;
  /**
   * The map that tells "no peer could be chosen" (an upstream at max_conns) from a failed peer: its
   * variable holds Retry-After's value, or is empty for a failed peer. Null when no upstream caps.
   */
  upstreamBusy: { variable: string; pattern: string; retryAfter: number } | null;
  /** The maps that make requests with credentials or a cookie not declared harmless skip the cache. */
  cacheSkip: { authVariable: string; cookieVariable: string; harmlessCookiesPattern: string | null } | null;
  cacheStore: { path: string; zone: string; keysZoneSize: string; maxSize: string; inactive: string } | null;
  rateZones: { name: string; key: string; size: string; rate: string }[];
  /** split_clients (and their key and cookie maps) of split routes. */
  splits: SplitModel[];
  /** Route maps (CORS origin lists and the headers that depend on them), in route order. */
  maps: MapModel[];
  /**
   * variables_hash_bucket_size where routes add variables (CORS maps, forward auth's identity):
   * with nginx's 64 bytes, a bucket holds one name of ~40 characters, and twelve such routes made
   * nginx warn "could not build optimal variables_hash" (nginx -t in test/host/model/nginx-cors.test.ts).
   */
  variablesHashBucketSize: number | null;
  /** The geo and maps that decide what the backend is told (X-Forwarded-*, the request id) and HSTS behind a load balancer. */
  lookups: LookupModel[];
  /** What fixed responses, redirects and error pages need at http level. */
  answers: AnswersHttpModel;
  upstreams: UpstreamModel[];
  servers: ServerModel[];
  /** The spec's raw http directives, near the top of the http block (before any map or server). */
  raw: RawBlockModel | null;
}

export interface UpstreamModel {
  name: string;
  /** Shared memory so max_conns and max_fails state hold across workers, not per worker. */
  zone: string;
  balance: string | null;
  servers: string[];
  /**
   * The pool's directives, in order: keepalive, keepalive_timeout, keepalive_requests; or, with the
   * pool off, `keepalive 0` where nginx pools by default (feature upstream-keepalive-default), nothing where it doesn't.
   */
  keepalive: { name: string; value: string }[];
  /** `sticky cookie ...` arguments (nginx's own session affinity), or null. */
  sticky: string | null;
  /** The upstream's own resolver, where a server is followed by name (`resolve`), else null. */
  resolver: UpstreamResolverModel | null;
}

export interface ServerModel {
  comment: string;
  listens: string[];
  http2On: boolean;
  http3On: boolean;
  serverNames: string;
  /** ssl_certificate pairs, chosen by SNI and key type (none on plain HTTP and on the refusing default server). */
  certificates: { cert: string; key: string }[];
  /** ssl_reject_handshake on: the https default server of `defaultServer: refuse`. */
  rejectHandshake: boolean;
  /**
   * `add_header_inherit merge` where nginx has it: the server's security headers then reach every
   * location, even one that adds its own; null where locations must repeat them.
   */
  headerInherit: "merge" | null;
  /** Headers set once for the whole server (where headerInherit is merge), else none. */
  headers: HeaderLine[];
  /** error_page lines of the site's errorPages, its own over the top-level ones (locations without pages of their own inherit them). */
  errorPages: ErrorPageLine[];
  locations: LocationModel[];
  /** Raw server directives (raw.server, then the site's raw) in the servers that carry the site's routes. */
  raw: RawBlockModel[];
}

/** One nginx location; `partial` names the template that lays out its kind-specific body. */
export interface LocationModel {
  comment: string;
  partial: "route-proxy" | "route-static" | "route-return" | "error-page" | "status" | "ready" | "redirect" | "not-found" | "upstream-busy" | "refuse" | "auth-subrequest";
  selector: string;
  accessLogOff: boolean;
  /** limit_req: `params` are burst= and nodelay/delay=, or none (nginx rejects burst=0). */
  rateLimit: { zone: string; params: string[]; status: number } | null;
  allow: string[] | null;
  maxBodySize: string | null;
  headers: HeaderLine[];
  /**
   * `add_header_inherit off` where the server merges its headers into locations (nginx with
   * add_header_inherit) but this location replaces one of them: it then lists every header itself.
   */
  headerInherit: "off" | null;
  proxy: ProxyModel | null;
  alias: string | null;
  /**
   * open_file_cache for locations that read files on every request: static routes, and cached
   * routes (a cache hit opens its cache file); null elsewhere or when the spec turns it off.
   */
  openFileCache: { cache: string; valid: string } | null;
  redirect: { status: number; url: string } | null;
  /** What nginx answers itself (respond and redirect routes, error pages), or null. */
  answer: AnswerModel | null;
  /** The busy answer's decision variable (partial upstream-busy), else null. */
  busy: { variable: string } | null;
  /**
   * error_page lines: the statuses (space-separated) and where nginx sends them instead. A location
   * with any repeats every page the spec gives it (nginx drops the server's error_page lines there).
   */
  errorPages: ErrorPageLine[];
  /**
   * recursive_error_pages on: the busy answer's own 502 or 503 may then reach the spec's error page
   * (on a proxied route whose upstream caps connections, where the spec has a 502 or 503 page).
   */
  recursiveErrorPages: boolean;
  /** SPA fallback and nested cache locations of a static route with spa or hashedAssets, or null. */
  staticFiles: StaticFilesModel | null;
  /** The route's raw location directives, or null. */
  raw: RawBlockModel | null;
  /** gzip_vary off: the location's own Vary already names Accept-Encoding (joinVaryWithAcceptEncoding). */
  gzipVaryOff: boolean;
  /** Basic or forward authentication of the route. */
  auth: AuthModel | null;
  /** The CORS preflight variable: when it is 1, the location answers 204 (before auth, limits and access). */
  corsPreflight: string | null;
  /** The bodiless proxy to the auth service, for forward auth's internal location. */
  authSubrequest: AuthSubrequestModel | null;
}

export interface ProxyModel {
  pass: string;
  /** proxy_next_upstream and its limits: when and how often a request goes on to the next server. */
  retry: { name: string; value: string }[];
  httpVersion: string;
  /** proxy_set_header lines, in order. */
  setHeaders: { name: string; value: string }[];
  /** proxy_hide_header: the backend's copy of every header the location sends itself (and, on a route with cors, every Access-Control-* header), so none is sent twice. */
  hideHeaders: string[];
  timeouts: { connect: string; send: string; read: string };
  buffering: "on" | "off";
  /** SSE: the edge decides, so a backend's X-Accel-Buffering can't turn buffering back on. */
  ignoreAccelBuffering: boolean;
  /** The compression modules this location turns off (`gzip off;` ...): streams and routes without compression. */
  compressionOff: CompressionName[];
  cache: {
    zone: string;
    key: string;
    /** Variables that, when set, make a request bypass the cache and keep its response out of it. */
    skip: string;
    valid: string[];
    useStale: string;
    backgroundUpdate: "on" | "off";
    lock: "on" | "off";
    methods: string;
  } | null;
}

export const CACHE_ZONE = "edgekit_cache";
/** Bytes per variables hash bucket when routes add variables: two names of ~40 characters fit. */
const ROUTE_VARIABLES_HASH_BUCKET_SIZE = 128;
const UPGRADE_VARIABLE = "$edgekit_connection_upgrade";
const CACHE_SKIP_AUTH = "$edgekit_cache_skip_auth";
const CACHE_SKIP_COOKIE = "$edgekit_cache_skip_cookie";
/** The cache key: scheme, method, host and the full request URI. */
const CACHE_KEY = "$scheme$request_method$host$request_uri";
/** One JSON object per request, with the request id and upstream timings. */
const jsonLogFormat = (requestId: string) =>
  `'{"time":"$time_iso8601","request_id":"${requestId}","remote_addr":"$remote_addr","method":"$request_method","uri":"$request_uri","protocol":"$server_protocol","status":$status,"bytes_sent":$bytes_sent,"request_time":$request_time,"connection":$connection,"connection_requests":$connection_requests,"upstream_addr":"$upstream_addr","upstream_status":"$upstream_status","upstream_connect_time":"$upstream_connect_time","upstream_header_time":"$upstream_header_time","upstream_response_time":"$upstream_response_time","cache":"$upstream_cache_status","user_agent":"$http_user_agent","referer":"$http_referer"}'`;
const LOOPBACK = ["127.0.0.1", "::1"];
/**
 * The named location that turns an upstream's "busy" into 503 + Retry-After. At max_conns nginx
 * finds no peer it may use and answers 502 ("no live upstreams"), the status of a broken backend;
 * 503 says "busy, retry". What tells the two apart is $upstream_addr: its last entry is the
 * upstream's name when no peer was chosen, an address (with a port) when one was tried and failed.
 */
const UPSTREAM_BUSY_LOCATION = "@edgekit_upstream_busy";
const UPSTREAM_BUSY_VARIABLE = "$edgekit_upstream_busy_retry_after";
/** The last $upstream_addr entry has no ':' (no port): a group name, so no peer was available. */
const NO_PEER_CHOSEN = "(^|, )[^ ,:]+$";
/** Seconds a client is asked to wait before retrying a busy upstream. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * The version-gated features this spec's config uses: nginx older than any of them rejects the
 * config (nginx-check uses this to tell "can't check here" from "broken").
 */
export function versionGatedFeatures(spec: Spec): NginxFeatureId[] {
  const used: NginxFeatureId[] = [];
  if (spec.tls.enabled && spec.http2.enabled && hasFeature(spec.nginx.version, "http2-directive")) used.push("http2-directive");
  if (spec.tls.enabled && spec.tls.http3) used.push("http3");
  if (spec.tls.enabled && spec.defaultServer === "refuse") used.push("ssl-reject-handshake");
  // Every server carries `add_header_inherit merge` where the version has it.
  if (hasFeature(spec.nginx.version, "add-header-inherit")) used.push("add-header-inherit");
  // `keepalive 0` (the pool off) is refused by nginx that doesn't pool by default.
  const poolOff = Object.values(spec.upstreams).some((u) => u.keepalive.connections === 0);
  if (poolOff && hasFeature(spec.nginx.version, "upstream-keepalive-default")) used.push("upstream-keepalive-default");
  if (keepaliveMinTimeout(spec) !== null) used.push("keepalive-min-timeout");
  if (Object.values(spec.upstreams).some((u) => u.sticky !== null)) used.push("sticky");
  if (Object.values(spec.upstreams).some((u) => u.servers.some((s) => followsName(spec, u, s.host)))) used.push("upstream-resolve");
  return used;
}

/** keepalive_min_timeout's value, or null where the spec sets none or its nginx has no such directive. */
function keepaliveMinTimeout(spec: Spec): string | null {
  const value = spec.client.keepalive.minTimeout;
  return value !== null && hasFeature(spec.nginx.version, "keepalive-min-timeout") ? token(value) : null;
}

/**
 * The render model of nginx.conf. `platform` is where it runs: compose and Swarm ("docker", the
 * nginx target) or a Kubernetes pod (the ConfigMap), which differ only in how followed upstream
 * names are asked (nginx-resolve.ts).
 */
export function buildNginxModel(spec: Spec, options: ModelOptions, platform: NginxPlatform = "docker"): NginxModel {
  // Error pages: named locations per server (they carry the server's headers and the page's own).
  const busyRetryAfter = Object.values(spec.upstreams).some(capsConnections) ? UPSTREAM_BUSY_VARIABLE : null;
  const errorPages = (site: Site, headers: ServerHeaders) => errorPageLocations(site, headers.lines, busyRetryAfter);
  const compression = enabledCompression(spec);
  const routes = allRoutes(spec);
  const rateZones = rateZonesByRoute(routes);
  const anyCache = routes.some(({ route }) => routeBehaviour(route).cache !== null);
  // Route slugs name http-level variables and internal locations: unique across sites.
  const slugList = routeSlugs(routes.map((r) => r.route));
  const slugs = new Map(routes.map((r, i) => [formatPath(r.path), slugList[i]!]));
  const slugOf = (path: readonly (string | number)[]) => slugs.get(formatPath(path))!;
  const splitList = splitModels(spec);
  // A hash size raw.http sets is the operator's: edgekit's own would be a duplicate nginx refuses.
  const rawHttp = new Set(rawDirectiveNames(spec.raw.http));
  const unlessRaw = (name: string, size: number | null) => (rawHttp.has(name) ? null : size);
  const splits = new Map(splitList.map((m) => [m.route, m]));
  const serverModels = siteServers(spec, {
    internal: (headers) => internalLocations(spec, headers),
    status: (headers) => statusLocation(spec, headers),
    routes: (site, headers) =>
      withBusyAnswer(
        [
          ...site.routes.map((route, i) => {
            const path = [...site.routesPath, i];
            return routeLocation(spec, { route, site, path, split: splits.get(formatPath(path)) ?? null }, rateZones.get(formatPath(path)) ?? null, slugOf(path), headers, compression, errorPages(site, headers).lines);
          }),
          ...authLocations(spec, site.routes.map((route, i) => ({ route, slug: slugOf([...site.routesPath, i]) })), headers),
          ...catchAll(site.routes, headers),
        ],
        headers,
      ),
    errorPages: (site, headers) => {
      const { locations, lines } = errorPages(site, headers);
      const named = locations.map((l) => ({ ...emptyLocation("error-page", l.name, `error page ${l.answer.status}`, headers, l.headers), answer: l.answer }));
      return { server: lines(site.errorPages), named };
    },
    fixed: emptyLocation,
    raw: (site) => siteRaw(spec, site),
  });
  const proxyHeaderNames = serverModels.flatMap((s) => s.locations.flatMap((l) => (l.proxy ? [...l.proxy.setHeaders.map((h) => h.name), ...l.proxy.hideHeaders] : [])));

  return {
    header: generatedNotice(options),
    loadModules: compression.flatMap((name) => (COMPRESSION[name].module ? [token(`${spec.nginx.modulesDir}/${NGINX_MODULES[COMPRESSION[name].module].file}`)] : [])),
    main: {
      user: spec.nginx.user === null ? null : token(spec.nginx.user),
      workerProcesses: token(spec.nginx.workerProcesses),
      workerRlimitNofile: spec.nginx.workerRlimitNofile === "auto" ? spec.nginx.workerConnections * 2 : spec.nginx.workerRlimitNofile,
      pid: token(spec.nginx.pidFile),
      errorLog: `${token(spec.logging.error.path)} ${spec.logging.error.level}`,
    },
    events: { workerConnections: spec.nginx.workerConnections, multiAccept: spec.nginx.multiAccept ? "on" : "off" },
    http: {
      mimeTypes: token(spec.nginx.mimeTypes),
      serverTokens: spec.nginx.serverTokens ? "on" : "off",
      tempPaths: spec.nginx.tempDir === null ? null : { body: token(`${spec.nginx.tempDir}/body`), proxy: token(`${spec.nginx.tempDir}/proxy`) },
      client: {
        keepaliveTimeout: token(spec.client.keepalive.timeout),
        keepaliveMinTimeout: keepaliveMinTimeout(spec),
        keepaliveRequests: spec.client.keepalive.requests,
        headerTimeout: token(spec.client.headerTimeout),
        bodyTimeout: token(spec.client.bodyTimeout),
        sendTimeout: token(spec.client.sendTimeout),
        headerBufferSize: token(spec.client.headerBufferSize),
        largeHeaderBuffers: `${spec.client.largeHeaderBuffers.count} ${token(spec.client.largeHeaderBuffers.size)}`,
      },
      proxyBuffers: { bufferSize: token(spec.proxy.bufferSize), buffers: `${spec.proxy.buffers.count} ${token(spec.proxy.buffers.size)}` },
      proxyHeadersHashBucketSize: unlessRaw("proxy_headers_hash_bucket_size", proxyHeadersHashBucketSize(proxyHeaderNames)),
      http2MaxConcurrentStreams: spec.tls.enabled && spec.http2.enabled ? spec.http2.maxConcurrentStreams : null,
      serverNamesHashBucketSize: unlessRaw("server_names_hash_bucket_size", serverNamesHashBucketSize(spec)),
      realIp: spec.realIp.enabled
        ? { from: spec.realIp.from.map(token), header: token(spec.realIp.header), recursive: spec.realIp.recursive ? "on" : "off" }
        : null,
      accessLog:
        spec.logging.access.format === "off"
          ? null
          : {
              format: spec.logging.access.format === "json" ? "edgekit_json" : "combined",
              path: token(spec.logging.access.path),
              params: sizeBytes(spec.logging.access.buffer) === 0 ? [] : [`buffer=${token(spec.logging.access.buffer)}`, `flush=${token(spec.logging.access.flush)}`],
            },
      jsonLogFormat: spec.logging.access.format === "json" ? { name: "edgekit_json", escape: "json", format: jsonLogFormat(requestIdVariable(spec)) } : null,
      compression: compression.map((name) => ({ name, directives: compressionDirectives(name, spec.compression[name]) })),
      tls: spec.tls.enabled
        ? {
            protocols: tlsProfile(spec).versions.map((v) => v.openssl).join(" "),
            ciphers: tlsProfile(spec).ciphers,
            ecdhCurve: ECDH_CURVES.map((c) => c.openssl).join(":"),
            sessionCache: `shared:edgekit_tls:${token(spec.tls.sessionCache)}`,
            sessionTimeout: token(spec.tls.sessionTimeout),
            sessionTickets: spec.tls.sessionTickets ? "on" : "off",
            stapling: spec.tls.ocspStapling.enabled ? { resolvers: spec.tls.ocspStapling.resolvers.map(resolverAddress).join(" ") } : null,
          }
        : null,
      upgradeMap: routes.some(({ route }) => routeBehaviour(route).upgrade) ? { variable: UPGRADE_VARIABLE } : null,
      upstreamBusy: Object.values(spec.upstreams).some(capsConnections) ? { variable: UPSTREAM_BUSY_VARIABLE, pattern: NO_PEER_CHOSEN, retryAfter: BUSY_RETRY_AFTER_SECONDS } : null,
      cacheSkip: anyCache ? { authVariable: CACHE_SKIP_AUTH, cookieVariable: CACHE_SKIP_COOKIE, harmlessCookiesPattern: harmlessCookiesPattern(spec.cache.harmlessCookies) } : null,
      cacheStore: anyCache
        ? {
            path: token(spec.cache.path),
            zone: CACHE_ZONE,
            keysZoneSize: token(spec.cache.keysZoneSize),
            maxSize: token(spec.cache.maxSize),
            inactive: token(spec.cache.inactive),
          }
        : null,
      maps: [...routes.flatMap(({ route, path }) => (route.cors ? routeCorsParts(route.cors, slugOf(path), route.path).maps : [])), ...signInMaps(spec)],
      // Split variables of sites carry the site's name (up to 63 characters).
      variablesHashBucketSize: unlessRaw("variables_hash_bucket_size", routes.some(({ route }) => route.cors || route.auth?.forward) || (spec.sites !== undefined && splitList.length > 0) ? ROUTE_VARIABLES_HASH_BUCKET_SIZE : null),
      answers: answersHttpModel(spec),
      rateZones: routes.flatMap(({ route, path }) =>
        route.rateLimit
          ? [{ name: rateZones.get(formatPath(path))!, key: route.rateLimit.key === "client_ip" ? "$binary_remote_addr" : "$server_name", size: token(route.rateLimit.zoneSize), rate: token(route.rateLimit.rate) }]
          : [],
      ),
      splits: splitList,
      lookups: forwardingLookups(spec),
      upstreams: Object.entries(spec.upstreams)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, upstream]) => upstreamModel(name, upstream, spec, upstreamPeers(spec, upstream), platform)),
      servers: serverModels,
      raw: rawBlock(spec.raw.http, ["raw", "http"]),
    },
  };
}

/** A server's response headers (generated, under the top-level and site ones) and whether nginx merges them into locations. */
export interface ServerHeaders {
  https: boolean;
  lines: HeaderLine[];
  native: boolean;
}

/** A location's add_header lines and its add_header_inherit. */
type PlacedHeaders = Pick<LocationModel, "headers" | "headerInherit">;

/**
 * Where a location's headers `all` are written. Without add_header_inherit: all of them in the
 * location. With it (the server's merged into every location): only what the location adds, or,
 * when it replaces or removes one of the server's, all of them under `add_header_inherit off`.
 */
function placeHeaders(server: ServerHeaders, all: HeaderLine[]): PlacedHeaders {
  if (!server.native) return { headers: all, headerInherit: null };
  const extends_ = server.lines.every((h, i) => all[i]?.name === h.name && all[i]?.value === h.value);
  return extends_ ? { headers: all.slice(server.lines.length), headerInherit: null } : { headers: all, headerInherit: "off" };
}

function internalLocations(spec: Spec, headers: ServerHeaders): LocationModel[] {
  const ready: LocationModel = { ...emptyLocation("ready", `= ${READY_PATH}`, "container health check (loopback only)", headers), allow: LOOPBACK, accessLogOff: true };
  return [ready, ...statusLocation(spec, headers)];
}

function statusLocation(spec: Spec, headers: ServerHeaders): LocationModel[] {
  if (!spec.metrics.enabled) return [];
  return [{ ...emptyLocation("status", `= ${token(spec.metrics.statusPath)}`, "nginx stub_status for the exporter", headers), allow: spec.metrics.allow.map(token), accessLogOff: true }];
}

function catchAll(routes: readonly Route[], headers: ServerHeaders): LocationModel[] {
  const coversRoot = routes.some((r) => r.match === "prefix" && r.path === "/");
  return coversRoot ? [] : [emptyLocation("not-found", "/", "no route matches", headers)];
}

/** Whether any of the upstream's servers caps its connections (max_conns). */
function capsConnections(upstream: Upstream): boolean {
  return upstream.servers.some((s) => s.maxConns > 0);
}

/**
 * The server's locations, with the busy answer appended where one of them sends its 502s there.
 * It carries the server's headers, and Retry-After (empty, so absent, on a 502).
 */
function withBusyAnswer(locations: LocationModel[], headers: ServerHeaders): LocationModel[] {
  const used = locations.some((l) => l.errorPages.some((e) => e.target === `= ${UPSTREAM_BUSY_LOCATION}`));
  if (!used) return locations;
  const busy: LocationModel = {
    ...emptyLocation("upstream-busy", UPSTREAM_BUSY_LOCATION, "an upstream at max_conns: 503 with Retry-After instead of 502", headers, [...headers.lines, { name: "Retry-After", value: UPSTREAM_BUSY_VARIABLE }]),
    busy: { variable: UPSTREAM_BUSY_VARIABLE },
  };
  return [...locations, busy];
}

/** A location with only a partial, a selector and the server's headers (or `lines`, the server's and more). */
function emptyLocation(partial: LocationModel["partial"], selector: string, comment: string, server: ServerHeaders, lines: HeaderLine[] = server.lines): LocationModel {
  return {
    comment,
    partial,
    selector,
    accessLogOff: false,
    rateLimit: null,
    allow: null,
    maxBodySize: null,
    ...placeHeaders(server, lines),
    proxy: null,
    alias: null,
    openFileCache: null,
    redirect: null,
    busy: null,
    answer: null,
    errorPages: [],
    recursiveErrorPages: false,
    auth: null,
    corsPreflight: null,
    authSubrequest: null,
    staticFiles: null,
    raw: null,
    gzipVaryOff: false,
  };
}

/**
 * The raw server directives of a site's server that carries its routes: the top-level raw.server
 * (every site's, so the one-site form's), then the site's own `raw`.
 */
function siteRaw(spec: Spec, site: Site): RawBlockModel[] {
  const own = site.id === null ? null : rawBlock(site.raw, [...site.path, "raw"]);
  return [rawBlock(spec.raw.server, ["raw", "server"]), own].filter((b): b is RawBlockModel => b !== null);
}

/**
 * The internal locations forward auth asks, one per route with forward auth. Their responses never
 * reach the client; they carry the security headers only so every location of a server has them.
 * A route with signIn also gets the named location its 401 goes to: a 302 to the sign-in page.
 */
function authLocations(spec: Spec, routes: readonly { route: Route; slug: string }[], server: ServerHeaders): LocationModel[] {
  return routes.flatMap(({ route, slug }) => {
    const { subrequest: sub, signIn } = routeAuthParts(spec, route, slug);
    const redirect: LocationModel[] = signIn
      ? [{ ...emptyLocation("redirect", signIn.location, `forward auth of route ${route.path}: a 401 goes to the sign-in page with the original URL`, server), redirect: { status: 302, url: signIn.url } }]
      : [];
    return sub ? [{ ...emptyLocation("auth-subrequest", sub.selector, sub.comment, server), accessLogOff: true, authSubrequest: sub.model }, ...redirect] : [];
  });
}

/** Header names once each, whatever their spelling (the first spelling wins). */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => !seen.has(n.toLowerCase()) && seen.add(n.toLowerCase()));
}

/** The template that lays out a route's location body, by how the route is served. */
const ROUTE_PARTIAL = { upstream: "route-proxy", files: "route-static", nginx: "route-return" } as const satisfies Record<RouteBehaviour["serves"], LocationModel["partial"]>;

function routeLocation(
  spec: Spec,
  at: { route: Route; site: Site; path: SpecPath; split: SplitModel | null },
  zone: string | null,
  slug: string,
  server: ServerHeaders,
  compression: CompressionName[],
  errorPageLines: (pages: Spec["errorPages"]) => ErrorPageLine[],
): LocationModel {
  const { route, site, split } = at;
  const siteHeaders = site.headers;
  const behaviour = routeBehaviour(route);
  const cors = route.cors ? routeCorsParts(route.cors, slug, route.path) : null;
  const auth = routeAuthParts(spec, route, slug);
  /**
   * The route's error_page lines (its pages over its site's) but `skip`, with forward auth's 401 sent
   * to the sign-in redirect instead of a page. A location with lines of its own inherits none.
   */
  const routePageLines = (skip: readonly string[]): ErrorPageLine[] => {
    const pages = Object.entries(routeErrorPages(site, route)).filter(([status]) => !skip.includes(status) && !(auth.signIn && status === "401"));
    return [...errorPageLines(Object.fromEntries(pages)), ...(auth.signIn ? [{ codes: "401", target: `= ${auth.signIn.location}` }] : [])];
  };
  // A static site's Cache-Control lives in its nested locations (src/model/nginx-static.ts).
  const siteFiles = isFileRoute(route) && (route.spa !== null || route.hashedAssets !== null);
  const splitHeaders = split ? splitLocation(split).headers : [];
  // gzip_vary is on wherever gzip is: a Vary of the route's own then goes out as one line with it.
  const vary = joinVaryWithAcceptEncoding(
    routeResponseHeaders(spec, { https: server.https }, [...routeHeaders(spec, behaviour, !siteFiles), ...(cors?.headers ?? []), ...splitHeaders], siteHeaders, route.headers),
    behaviour.compression && spec.compression.gzip.enabled,
  );
  const headers = vary.lines;
  const location: LocationModel = {
    ...emptyLocation(ROUTE_PARTIAL[behaviour.serves], locationSelector(route), `route ${route.path} (${route.kind})`, server, headers),
    accessLogOff: !behaviour.accessLog,
    rateLimit:
      route.rateLimit && zone
        ? { zone, params: limitReqParams(route.rateLimit), status: route.rateLimit.status }
        : null,
    allow: route.access ? route.access.allow.map(token) : null,
    raw: rawBlock(route.raw, [...at.path, "raw"]),
    auth: auth.auth,
    corsPreflight: cors?.preflightVariable ?? null,
    gzipVaryOff: vary.joined,
    errorPages: Object.keys(route.errorPages).length > 0 || auth.signIn ? routePageLines([]) : [],
  };
  if (isAnswerRoute(route)) return { ...location, answer: routeAnswer(spec, route) };
  if (isFileRoute(route)) {
    // Nested locations get the route's headers through add_header_inherit merge, unless the route's
    // location turned inheriting off (it replaces a server header): then they repeat them all.
    const inherited = server.native && location.headerInherit !== "off";
    // A Cache-Control the author sets or removes at any level replaces the generated ones, nested too.
    const authorCacheControl = [spec.headers, siteHeaders, route.headers].some((layer) => Object.keys(layer).some((n) => n.toLowerCase() === "cache-control"));
    return { ...location, alias: token(route.root.replace(/\/*$/, "/")), openFileCache: openFileCache(spec), staticFiles: staticFiles(route, headers, inherited, authorCacheControl) };
  }

  const upstream = route.upstream ?? Object.keys(spec.upstreams)[0]!;
  // At max_conns the 502 goes to the busy answer, whose own 502 or 503 then reaches the site's
  // page (its own or the top-level one); every other page of the route is repeated here beside it.
  // A split route has no upstream of its own: it is capped when one of its pools is.
  const pools = "split" in route && route.split ? route.split.to.map((t) => t.upstream) : [upstream];
  const capped = pools.some((p) => spec.upstreams[p] !== undefined && capsConnections(spec.upstreams[p]));
  return {
    ...location,
    errorPages: capped ? [{ codes: "502", target: `= ${UPSTREAM_BUSY_LOCATION}` }, ...routePageLines(["502"])] : location.errorPages,
    recursiveErrorPages: capped && ("502" in site.errorPages || "503" in site.errorPages),
    openFileCache: behaviour.cache ? openFileCache(spec) : null,
    maxBodySize: token(route.maxBodySize),
    proxy: {
      // A split proxies to the pool its variable names; proxy_pass with a variable takes a URI part
      // as the whole URI, so rule route-upstream-exists refuses upstreamPath beside a split.
      pass: split ? splitLocation(split).pass : proxyPassUrl(upstream, route),
      retry: retryDirectives(route),
      httpVersion: "1.1",
      setHeaders: [...upstreamRequestHeaders(spec, behaviour.upgrade ? { variable: UPGRADE_VARIABLE } : null), ...routeRequestHeaders(spec, route.requestHeaders), ...auth.identityHeaders],
      // The split's Set-Cookie is the edge's own cookie beside the backend's, never in place of them.
      hideHeaders: uniqueNames([...headers.filter((h) => !splitHeaders.some((x) => x.value === h.value && x.name.toLowerCase() === h.name.toLowerCase())).map((h) => h.name), ...(cors?.hideHeaders ?? [])]),
      timeouts: { connect: token(route.timeouts.connect), send: token(route.timeouts.send), read: token(route.timeouts.read) },
      buffering: behaviour.buffering ? "on" : "off",
      ignoreAccelBuffering: behaviour.ignoreAccelBuffering,
      // gzip is compiled in, so it is always turned off; the module filters only where loaded.
      compressionOff: behaviour.compression ? [] : (["gzip", ...compression.filter((c) => c !== "gzip")] as CompressionName[]),
      cache: behaviour.cache
        ? {
            zone: CACHE_ZONE,
            // A split route keys its cache on the pool first (an identifier: no ':'), so one pool's
            // answer never reaches the other pool's clients.
            key: split ? `${split.variable}:${CACHE_KEY}` : CACHE_KEY,
            skip: `${CACHE_SKIP_AUTH} ${CACHE_SKIP_COOKIE}`,
            valid: behaviour.cache.valid.map((v) => `${[...v.statuses].sort((a, b) => a - b).join(" ")} ${token(v.time)}`),
            useStale: behaviour.cache.useStale.join(" "),
            backgroundUpdate: behaviour.cache.backgroundUpdate ? "on" : "off",
            lock: behaviour.cache.lock ? "on" : "off",
            methods: behaviour.cache.methods.join(" "),
          }
        : null,
    },
  };
}

/**
 * A Cookie header (nginx joins several with "; ") made only of `name=value` pairs whose names are
 * all declared harmless: case-sensitive names, spaces allowed around '=' and ';', values without
 * ',', ';' or spaces (so "a=1, sid=x" or "a=1 sid=x", which some parsers split, is not harmless).
 * Anything else, a name-less crumb included, does not match and so bypasses the cache.
 */
function harmlessCookiesPattern(names: readonly string[]): string | null {
  if (names.length === 0) return null;
  const pair = `(?:${[...new Set(names)].map(regexLiteral).join("|")})\\s*=\\s*[^;,\\s]*`;
  return quote(`~^\\s*${pair}(?:\\s*;\\s*(?:${pair})?)*\\s*\\z`);
}

function openFileCache(spec: Spec): LocationModel["openFileCache"] {
  const ofc = spec.nginx.openFileCache;
  return ofc.max > 0 ? { cache: `max=${ofc.max} inactive=${token(ofc.inactive)}`, valid: token(ofc.valid) } : null;
}

/**
 * The response headers a route's kind generates: a static route's Cache-Control (unless
 * `browserCache` is off: a static site's is in its nested locations), a cached route's cache status.
 */
function routeHeaders(spec: Spec, behaviour: RouteBehaviour, browserCache: boolean): HeaderLine[] {
  const lines: HeaderLine[] = [];
  if (behaviour.browserCache && browserCache) {
    const { maxAgeSeconds, immutable } = behaviour.browserCache;
    lines.push({ name: "Cache-Control", value: quote(`public, max-age=${maxAgeSeconds}${immutable ? ", immutable" : ""}`) });
  }
  if (behaviour.cache && spec.cache.statusHeader) {
    lines.push({ name: token(spec.cache.statusHeader), value: "$upstream_cache_status" });
  }
  return lines;
}

/** Peers a zone keeps room for per name nginx follows: `--scale` changes the count while nginx runs. */
export const FOLLOWED_NAME_PEERS = 32;

/**
 * Peers nginx makes of an upstream's servers: one per address a host resolves to when nginx loads,
 * so the compose backend's service name counts once per replica; a name nginx follows (resolve) at
 * least FOLLOWED_NAME_PEERS, since its addresses change while nginx runs.
 */
export function upstreamPeers(spec: Spec, upstream: Upstream): number {
  return upstream.servers.reduce((n, s) => {
    const own = spec.backend.enabled && s.host === spec.backend.service ? spec.backend.replicas : 1;
    return n + (followsName(spec, upstream, s.host) ? Math.max(own, FOLLOWED_NAME_PEERS) : own);
  }, 0);
}

/**
 * The upstream's shared memory zone, in KiB: nginx copies every peer into it (the peer, its address,
 * its name and the server text as written, each a power-of-two slab slot), and a zone too small
 * fails the load ("ngx_slab_alloc() failed: no memory in upstream zone"). Measured with nginx -t:
 * 64k holds 63 IPv4 peers and 56 peers written as full IPv6 text (about 0.8 KiB each); a 253-character
 * host name moves the server text to a 512-byte slot, about 1.3 KiB a peer. So 2 KiB a peer over a
 * 32k base, and never under 64k.
 */
export function upstreamZoneKib(peers: number): number {
  return Math.max(64, 32 + 2 * peers);
}

function upstreamModel(name: string, upstream: Upstream, spec: Spec, peers: number, platform: NginxPlatform): UpstreamModel {
  const version = spec.nginx.version;
  const balance = { round_robin: null, least_conn: "least_conn", ip_hash: "ip_hash", random: "random two least_conn" }[upstream.balance];
  return {
    name: token(name),
    zone: `up_${token(name)} ${upstreamZoneKib(peers)}k`,
    balance,
    servers: upstream.servers.map((s) => {
      const follows = followsName(spec, upstream, s.host);
      const host = s.host.includes(":") ? `[${s.host}]` : follows ? followedName(spec, s.host, platform) : s.host;
      const params = [`weight=${s.weight}`, `max_fails=${s.maxFails}`, `fail_timeout=${token(s.failTimeout)}`];
      if (s.maxConns > 0) params.push(`max_conns=${s.maxConns}`);
      if (s.backup) params.push("backup");
      if (follows) params.push("resolve");
      return `${token(host)}:${s.port} ${params.join(" ")}`;
    }),
    keepalive: upstreamKeepalive(upstream, version),
    sticky: stickyCookie(upstream, spec.tls.enabled),
    resolver: upstreamResolver(spec, upstream, platform),
  };
}

/** nginx's `sticky cookie` (rule sticky-needs-nginx keeps it to versions that have it). */
function stickyCookie(upstream: Upstream, tls: boolean): string | null {
  const sticky = upstream.sticky;
  if (sticky === null) return null;
  const expires = sticky.expires === null ? [] : [`expires=${token(sticky.expires)}`];
  return ["cookie", token(sticky.cookie), ...expires, "path=/", "httponly", "samesite=lax", ...(tls ? ["secure"] : [])].join(" ");
}

function upstreamKeepalive(upstream: Upstream, version: string): UpstreamModel["keepalive"] {
  const pool = upstream.keepalive;
  if (pool.connections === 0) {
    // Leaving the directive out no longer turns the pool off: nginx pools 32 connections by default.
    return hasFeature(version, "upstream-keepalive-default") ? [{ name: "keepalive", value: "0" }] : [];
  }
  return [
    { name: "keepalive", value: String(pool.connections) },
    { name: "keepalive_timeout", value: token(pool.timeout) },
    { name: "keepalive_requests", value: String(pool.requests) },
  ];
}

/**
 * Zone names derived from route paths (stable when routes are reordered), unique per spec; a
 * site's routes carry the site's id (`rl_api_v1` for /v1 of site api), the one-site form none.
 */
export function rateZoneNames(routes: readonly Route[], site: string | null = null, used = new Set<string>()): string[] {
  return routes.map((route) => {
    const slug = route.path.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "root";
    const base = `rl_${site === null ? "" : `${site.toLowerCase()}_`}${slug}${route.match === "prefix" ? "" : `_${route.match}`}`.slice(0, 60);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return name;
  });
}

/** Every route's zone name, by the route's spec path (formatPath), unique across sites. */
function rateZonesByRoute(routes: readonly SiteRoute[]): Map<string, string> {
  const used = new Set<string>();
  const zones = new Map<string, string>();
  for (const site of [...new Set(routes.map((r) => r.site))]) {
    const own = routes.filter((r) => r.site === site);
    rateZoneNames(own.map((r) => r.route), site.id, used).forEach((name, i) => zones.set(formatPath(own[i]!.path), name));
  }
  return zones;
}

/** nginx rejects `burst=0`; without a burst, nodelay/delay mean nothing, so both are left out. */
function limitReqParams(limit: { burst: number; delay: "nodelay" | number }): string[] {
  if (limit.burst === 0) return [];
  const delay = limit.delay === "nodelay" ? ["nodelay"] : limit.delay > 0 ? [`delay=${limit.delay}`] : [];
  return [`burst=${limit.burst}`, ...delay];
}

type CompressionName = "gzip" | "brotli" | "zstd";

/** The compression filters: the module each needs (gzip is built in) and its fixed directives. */
const COMPRESSION: Record<CompressionName, { module: NginxModuleId | null; fixed: { name: string; value: string }[] }> = {
  gzip: { module: null, fixed: [{ name: "gzip_proxied", value: "any" }, { name: "gzip_vary", value: "on" }] },
  brotli: { module: "brotli", fixed: [] },
  zstd: { module: "zstd", fixed: [] },
};

/**
 * Whether zstd is on: `auto` turns it on where edgekit's image of the spec's release packages the
 * module (with your own image edgekit can't know, so auto is off there).
 */
export function zstdEnabled(spec: Spec): boolean {
  const { enabled } = spec.compression.zstd;
  if (enabled !== "auto") return enabled;
  return spec.container.image === null && (releaseFor(spec.nginx.version)?.modules.includes("zstd") ?? false);
}

/** The compression modules the spec turns on, in filter order. */
export function enabledCompression(spec: Spec): CompressionName[] {
  const on: Record<CompressionName, boolean> = { gzip: spec.compression.gzip.enabled, brotli: spec.compression.brotli.enabled, zstd: zstdEnabled(spec) };
  return (Object.keys(COMPRESSION) as CompressionName[]).filter((name) => on[name]);
}

function compressionDirectives(name: CompressionName, settings: { level: number; minLength: number; types: readonly string[] }): { name: string; value: string }[] {
  const fixed = COMPRESSION[name].fixed;
  return [
    { name, value: "on" },
    { name: `${name}_comp_level`, value: String(settings.level) },
    { name: `${name}_min_length`, value: String(settings.minLength) },
    ...fixed,
    { name: `${name}_types`, value: typesList(settings.types) },
  ];
}

function typesList(types: readonly string[]): string {
  return [...new Set(types)].sort().map(token).join(" ");
}
