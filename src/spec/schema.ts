// The spec schema: the one source of truth for types, defaults, validation and the JSON Schema.
// Every field carries a description and a default (or says what its absence means), so that a
// spec with only `domain` and `upstreams` renders a complete, secure edge.
import { z } from "zod";
import { DEFAULT_NGINX_VERSION, feature, OLDEST_SUPPORTED_NGINX, sinceText } from "../nginx-features/index.js";
import {
  absolutePath,
  cidr,
  cookieName,
  dockerImage,
  duration,
  envName,
  headerName,
  responseHeaderName,
  headerValue,
  host,
  hostname,
  identifier,
  locationPath,
  mimeType,
  nginxVersion,
  port,
  rate,
  relativePath,
  size,
  userName,
  durationSeconds,
  zoneSize,
  diskSize,
  ipAddress,
  sizeBytes,
} from "./values.js";
import { rawSection, routeRawField } from "./raw.js";
import { splitField, stickyField } from "./split.js";
import { staticSiteFields } from "./static-files.js";
import { routeAuth } from "./auth.js";
import { routeCors } from "./cors.js";
import { requestHeaders, requestId, responseHeaders } from "./headers.js";
import { routeMatch, routePath } from "./location-match.js";
import { retry } from "./retry.js";
import { upstreamResolve } from "./resolve.js";
import { upstreamPath, upstreamPathProblem } from "./upstream-path.js";
import { kubernetesSection } from "./kubernetes.js";
import { swarmSection } from "./swarm.js";
import { errorPages } from "./error-pages.js";
import { ANSWER_OWNED_HEADERS, BODILESS_STATUSES, redirectFields, respondFields } from "./responses.js";
import { checkSites, defaultServerField, siteSchema } from "./site-schema.js";

const PRIVATE_NETWORKS = ["127.0.0.1", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

const COMPRESSIBLE_TYPES = [
  "application/javascript",
  "application/json",
  "application/manifest+json",
  "application/problem+json",
  "application/xml",
  "image/svg+xml",
  "text/css",
  "text/javascript",
  "text/plain",
  "text/xml",
];

const nginxSection = z
  .strictObject({
    version: nginxVersion()
      .default(DEFAULT_NGINX_VERSION)
      .describe(
        `nginx version the config targets (${OLDEST_SUPPORTED_NGINX} or later). Drives syntax: 'listen ... ssl http2' below ${feature("http2-directive").since}, 'http2 on;' from ${feature("http2-directive").since}; HTTP/3 needs ${feature("http3").since} or later.`,
      ),
    user: userName()
      .nullable()
      .default(null)
      .describe("User the worker processes switch to when the master runs as root; null omits the directive (the edgekit image runs nginx as www-data from the start)."),
    workerProcesses: z
      .union([z.literal("auto"), z.number().int().min(1).max(256)])
      .default("auto")
      .describe(
        "worker_processes: 'auto' (one per core) or a number. Where nginx shares few cores with the backend, fewer workers can be faster: on 2 cores shared with the Node backend and the load generator, 1 worker served 32,100 TLS HTTP/1.1 req/s against 24,400 for 'auto' (bench/tuning.md).",
      ),
    workerConnections: z
      .number()
      .int()
      .min(64)
      .max(1_048_576)
      .default(4096)
      .describe("worker_connections: simultaneous connections per worker, client and upstream sockets together."),
    workerRlimitNofile: z
      .union([z.literal("auto"), z.number().int().min(128).max(8_388_608)])
      .default("auto")
      .describe("worker_rlimit_nofile: 'auto' sets twice workerConnections (each proxied request holds a client and an upstream descriptor)."),
    modulesDir: absolutePath()
      .default("/usr/lib/nginx/modules")
      .describe("Directory holding dynamic modules (.so); brotli is loaded from here when compression.brotli is enabled."),
    mimeTypes: absolutePath().default("/etc/nginx/mime.types").describe("mime.types file to include."),
    pidFile: absolutePath().default("/run/nginx/nginx.pid").describe("pid file of the master process (a directory the nginx user can write)."),
    tempDir: absolutePath()
      .nullable()
      .default(null)
      .describe("Directory for client body and proxy temp files; null keeps nginx's compiled-in paths."),
    serverTokens: z.boolean().default(false).describe("Advertise the nginx version in the Server header and error pages."),
    openFileCache: z
      .strictObject({
        max: z
          .number()
          .int()
          .min(0)
          .max(10_000_000)
          .default(10_000)
          .describe("open_file_cache max: file descriptors and metadata cached per worker for static and cached routes (0 turns the cache off). Measured: a 160-byte static file over h2 went from 98,300 to 110,400 req/s and 10.0 to 8.8 ms of nginx CPU per 1000 requests; a proxy-cache hit makes 6.1 instead of 9.1 system calls (no openat, fstat, close)."),
        inactive: durationSeconds().default("60s").describe("Entries not used for this long are dropped."),
        valid: durationSeconds().default("30s").describe("How often a cached entry is checked against the file system: a file replaced in place may be served from the old descriptor for up to this long."),
      })
      .prefault({})
      .describe("open_file_cache for the locations that open a file per request: static routes and cached routes (a cache hit reads its cache file)."),
    multiAccept: z
      .boolean()
      .default(false)
      .describe(
        "multi_accept: a worker woken by a new connection accepts every pending one. Off by default: with it on, the first worker took all 10 connections of an h2load burst (CPU split 90:0 between 2 workers; 64:30 with it off), which leaves the other cores idle under long-lived HTTP/2 and keep-alive connections.",
      ),
  })
  .prefault({})
  .describe("The nginx process: version-dependent syntax, workers and file locations.");

const hsts = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Send Strict-Transport-Security on every HTTPS response."),
    maxAge: z.number().int().min(0).max(126_144_000).default(63_072_000).describe("max-age in seconds (default two years)."),
    includeSubDomains: z.boolean().default(true).describe("Add includeSubDomains."),
    preload: z.boolean().default(false).describe("Add preload (only once the domain is submitted to the preload list)."),
  })
  .prefault({})
  .describe("HTTP Strict Transport Security.");

const tlsSection = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Terminate TLS on the https port; false serves plain HTTP only (for edges behind another TLS terminator)."),
    certificate: absolutePath().default("/etc/nginx/certs/fullchain.pem").describe("Certificate chain path inside the nginx container."),
    certificateKey: absolutePath().default("/etc/nginx/certs/privkey.pem").describe("Private key path inside the nginx container."),
    profile: z
      .enum(["intermediate", "modern"])
      .default("intermediate")
      .describe("Mozilla server-side TLS profile (guideline 6.0): intermediate = TLS 1.2 + 1.3 with ECDHE AEAD ciphers; modern = TLS 1.3 only."),
    sessionCache: zoneSize().default("10m").describe("Size of the shared TLS session cache (about 4000 sessions per megabyte)."),
    sessionTimeout: durationSeconds().default("1d").describe("How long a cached TLS session may be resumed."),
    sessionTickets: z.boolean().default(false).describe("TLS session tickets; off by default because nginx never rotates the ticket key."),
    hsts,
    ocspStapling: z
      .strictObject({
        enabled: z.boolean().default(false).describe("Staple OCSP responses (needs a CA that still runs OCSP and a resolver)."),
        resolvers: z
          .array(ipAddress())
          .min(1)
          .default(["127.0.0.11"])
          .describe(
            "DNS resolvers nginx uses to reach the OCSP responder. 127.0.0.11 is Docker's embedded DNS (compose and Swarm), which forwards to the host's resolvers; in Kubernetes use the cluster DNS. A public server (1.1.1.1) is asked over the internet, unauthenticated (rule resolver-public).",
          ),
      })
      .prefault({})
      .describe("OCSP stapling."),
    redirectHttp: z.boolean().default(true).describe("Answer plain HTTP with a 308 redirect to https (keeps the method and body)."),
    http3: z.boolean().default(false).describe(`Also listen for HTTP/3 over QUIC on the https port (${sinceText("http3")}).`),
    terminatedBy: z
      .enum(["nginx", "loadBalancer"])
      .default("nginx")
      .describe(
        "Who terminates TLS. nginx: this edge (tls.enabled). loadBalancer: a proxy in front of nginx (tls.enabled false; its addresses in realIp.from): a request it says came over https (X-Forwarded-Proto: https, believed only from realIp.from) gets HSTS, and the backend is told https.",
      ),
  })
  .prefault({})
  .superRefine((t, ctx) => {
    if (t.terminatedBy === "loadBalancer" && t.enabled === true) {
      ctx.addIssue({ code: "custom", path: ["terminatedBy"], message: "a load balancer terminates TLS only when nginx does not: set tls.enabled to false, or terminatedBy to nginx" });
    }
  })
  .describe("TLS termination.");

const listenSection = z
  .strictObject({
    httpPort: port().default(80).describe("Port for plain HTTP (redirects to https when TLS is on)."),
    httpsPort: port().default(443).describe("Port for HTTPS (and HTTP/3 when enabled)."),
    ipv6: z.boolean().default(false).describe("Also listen on IPv6 ([::]); off by default because many container networks have no IPv6."),
  })
  .prefault({})
  .describe("Ports nginx listens on; compose publishes the same ports.");

const clientSection = z
  .strictObject({
    keepalive: z
      .strictObject({
        timeout: duration().default("65s").describe("keepalive_timeout: how long an idle client connection stays open."),
        minTimeout: duration()
          .nullable()
          .default("1s")
          .describe(
            "keepalive_min_timeout (rendered where the nginx version has it: it came during the 1.27 mainline; older nginx gets none): a kept-alive client connection is not closed, on a reload or when connections run short, within this time of its last request, so a client that has just sent its next request on it is answered instead of reset. Measured on edgekit's nginx 1.30 image with 21 reloads in 10 s under wrk -c50 (HTTP/1.1 keep-alive): 461 and 523 failed requests without it, 0 and 0 with 1s. Old workers stay up to this long after a reload. null: not rendered.",
          ),
        requests: z
          .number()
          .int()
          .min(1)
          .max(10_000_000)
          .default(100_000)
          .describe("keepalive_requests: requests per client connection (HTTP/1.1 and HTTP/2) before nginx closes it; nginx's 1000 cuts busy HTTP/2 clients off with GOAWAY."),
      })
      .prefault({})
      .describe("Keep-alive between clients and nginx."),
    headerTimeout: duration().default("10s").describe("client_header_timeout: a client must send its request headers within this time (slow-loris guard)."),
    bodyTimeout: duration().default("30s").describe("client_body_timeout: longest pause between two reads of a request body."),
    sendTimeout: duration().default("30s").describe("send_timeout: longest pause between two writes to a client."),
    headerBufferSize: size(1024, 64 * 1024).default("1k").describe("client_header_buffer_size: buffer for a typical request header."),
    largeHeaderBuffers: z
      .strictObject({
        count: z.number().int().min(1).max(64).default(4).describe("Number of large header buffers."),
        size: size(1024, 1024 * 1024).default("16k").describe("Size of each; a request line or header field longer than this gets 414/400."),
      })
      .prefault({})
      .describe("large_client_header_buffers."),
  })
  .prefault({})
  .describe("Client connections: keep-alive, timeouts and header buffers.");

const http2Section = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Offer HTTP/2 (ALPN h2) on the https port."),
    maxConcurrentStreams: z.number().int().min(1).max(1024).default(128).describe("http2_max_concurrent_streams per connection."),
  })
  .prefault({})
  .describe("HTTP/2 between clients and nginx.");

const proxySection = z
  .strictObject({
    bufferSize: size(1024, 1024 * 1024)
      .default("8k")
      .describe(
        "proxy_buffer_size: the first buffer of every upstream response (its headers, and the whole response when it fits). 8k (nginx's own default is one 4k page) holds the reference backend's 7 KB JSON in one read: 2 fewer system calls per request (the readv of the rest and its FIONREAD), measured with strace.",
      ),
    buffers: z
      .strictObject({
        count: z.number().int().min(2).max(1024).default(8).describe("Number of proxy_buffers per request (nginx needs at least 2)."),
        size: size(1024, 1024 * 1024).default("8k").describe("Size of each proxy_buffer; a buffered response larger than count × size spills to a temp file."),
      })
      .prefault({})
      .describe("proxy_buffers: where a buffered upstream response body is read while the client receives it."),
  })
  .prefault({})
  .superRefine((p, ctx) => {
    // nginx sets proxy_busy_buffers_size to twice the larger buffer and refuses more than all buffers but one.
    // Runs after field errors too: skip then (those are already reported).
    if (![p.bufferSize, p.buffers.size].every((v) => typeof v === "string" && /^[0-9]+[km]?$/.test(v)) || !Number.isInteger(p.buffers.count)) return;
    const larger = Math.max(sizeBytes(p.bufferSize), sizeBytes(p.buffers.size));
    if (2 * larger > (p.buffers.count - 1) * sizeBytes(p.buffers.size)) {
      ctx.addIssue({
        code: "custom",
        path: ["buffers", "count"],
        message: `at least ${Math.ceil((2 * larger) / sizeBytes(p.buffers.size)) + 1} buffers of ${p.buffers.size} with a ${p.bufferSize} bufferSize (nginx needs twice the larger buffer to fit in all buffers but one)`,
      });
    }
  })
  .describe("Buffers for upstream responses, shared by every proxied route (rendered at http level).");

const upstreamServer = z
  .strictObject({
    host: host().describe("Host name (a compose service name works) or IP address of the server."),
    port: port().default(3000).describe("Port the server listens on."),
    weight: z.number().int().min(1).max(1000).default(1).describe("Relative share of requests."),
    maxFails: z.number().int().min(0).max(1000).default(3).describe("Failed attempts within failTimeout before the server is marked down (0 never marks it down)."),
    failTimeout: durationSeconds().default("10s").describe("Window for maxFails, and how long a failed server stays down."),
    maxConns: z.number().int().min(0).max(1_000_000).default(0).describe("Most simultaneous connections to this server, counted across all workers (the upstream has a shared zone); the excess gets 503 with Retry-After: 1, busy, where a failing server gives 502 (0 = unlimited)."),
    backup: z.boolean().default(false).describe("Use only when all primary servers are down."),
  })
  .describe("One server of an upstream pool.");

const upstream = z
  .strictObject({
    servers: z.array(upstreamServer).min(1).describe("Servers of the pool (at least one)."),
    balance: z
      .enum(["round_robin", "least_conn", "ip_hash", "random"])
      .default("least_conn")
      .describe("Load-balancing method; least_conn suits long-lived SSE and websocket streams."),
    expectedConcurrency: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(64)
      .describe("Peak concurrent requests you expect to this pool; the keep-alive pool must hold at least this many idle connections per worker (rule keepalive-pool-size)."),
    keepalive: z
      .strictObject({
        connections: z
          .number()
          .int()
          .min(0)
          .max(100_000)
          .default(128)
          .describe("Idle keep-alive connections each worker keeps to this pool; size it to the peak concurrency per worker (0 disables the pool: a new TCP connection per request)."),
        timeout: duration().default("60s").describe("keepalive_timeout: how long an idle upstream connection is kept; must be shorter than the backend's own keep-alive timeout."),
        requests: z.number().int().min(1).max(10_000_000).default(10_000).describe("keepalive_requests: requests per upstream connection before it is recycled."),
      })
      .prefault({})
      .describe("The upstream keep-alive pool (rendered with proxy_http_version 1.1 and an empty Connection header so reuse happens)."),
    resolve: upstreamResolve(),
    ...stickyField,
  })
  .describe("A named pool of backend servers.");

const timeouts = (d: { connect: string; send: string; read: string }) =>
  z
    .strictObject({
      connect: duration().default(d.connect).describe("proxy_connect_timeout."),
      send: duration().default(d.send).describe("proxy_send_timeout: between two writes to the upstream."),
      read: duration().default(d.read).describe("proxy_read_timeout: between two reads from the upstream."),
    })
    .prefault({})
    .describe("Upstream timeouts.");

const rateLimit = z
  .strictObject({
    rate: rate().describe("Sustained rate, such as 10r/s."),
    burst: z.number().int().min(0).max(100_000).default(0).describe("Requests allowed above the rate before rejecting."),
    delay: z
      .union([z.literal("nodelay"), z.number().int().min(0).max(100_000)])
      .default("nodelay")
      .describe("'nodelay' serves the burst at once; a number N serves N at once and paces the rest of the burst."),
    key: z
      .enum(["client_ip", "global"])
      .default("client_ip")
      .describe("What the limit counts per: client_ip (the real client address, see realIp) or global (all clients together)."),
    status: z.number().int().min(400).max(599).default(429).describe("Status of rejected requests."),
    zoneSize: zoneSize().default("10m").describe("Shared memory for the limit's state (about 16000 clients per megabyte)."),
  })
  .describe(
    "A request rate limit (limit_req), counted by each nginx instance on its own: with several edge replicas (kubernetes.edge, swarm.edge) a client spread over them may get up to that many times the rate (rule rate-limit-scope). Absent: no limit.",
  );

const cachePolicy = z
  .strictObject({
    valid: z
      .array(
        z.strictObject({
          statuses: z.array(z.number().int().min(200).max(599)).min(1).default([200]).describe("Response statuses this time applies to."),
          time: durationSeconds().describe("How long such responses stay fresh."),
        }),
      )
      .min(1)
      .default([{ statuses: [200], time: "1m" }])
      .describe("proxy_cache_valid entries (upstream Cache-Control still wins)."),
    useStale: z
      .array(z.enum(["error", "timeout", "updating", "http_500", "http_502", "http_503", "http_504", "http_429"]))
      .min(1)
      .default(["error", "timeout", "updating", "http_502", "http_503", "http_504"])
      .describe("proxy_cache_use_stale: when a stale entry may be served."),
    backgroundUpdate: z.boolean().default(true).describe("Refresh expired entries in the background while serving stale."),
    lock: z.boolean().default(true).describe("Let one request populate a missing entry while the others wait (no thundering herd)."),
    methods: z.array(z.enum(["GET", "HEAD"])).min(1).default(["GET", "HEAD"]).describe("Methods whose responses may be cached."),
  })
  .describe(
    "Proxy cache for this route. Requests carrying Authorization, Proxy-Authorization or any cookie not declared in cache.harmlessCookies always bypass it and are never stored; responses with Set-Cookie, Cache-Control: private or no-store are never stored. Absent: no caching.",
  );

const access = z
  .strictObject({
    allow: z.array(cidr()).min(1).describe("Addresses or CIDR blocks allowed; everyone else is denied."),
  })
  .describe("Access control: allow these, then deny all.");

const routeCommon = {
  path: routePath().describe("URL path of the route; with match: regex, an anchored PCRE pattern (^/...)."),
  match: routeMatch(),
  rateLimit: rateLimit.optional(),
  access: access.optional().describe("Access control: allow these, then deny all. Absent: public."),
  headers: responseHeaders("this route (they win over the top-level headers)"),
  ...routeRawField,
  auth: routeAuth.optional(),
  cors: routeCors.optional(),
  errorPages: errorPages.describe(
    "Error pages of this route, status by status over its site's and the top-level errorPages (see there). On a route whose upstream caps connections (maxConns), 502 and 503 come from the busy answer, which uses the site's (or top-level) 502 and 503 pages.",
  ),
};

const proxied = (d: { connect: string; send: string; read: string; maxBodySize: string }) => ({
  upstream: identifier().optional().describe("Upstream pool to proxy to. Absent: the spec's only upstream."),
  timeouts: timeouts(d),
  maxBodySize: size().default(d.maxBodySize).describe("client_max_body_size: larger request bodies get 413."),
  requestHeaders,
  upstreamPath: upstreamPath(),
  retry: retry(),
});

const apiRoute = z
  .strictObject({
    kind: z.literal("api").describe("A proxied HTTP API."),
    ...routeCommon,
    ...proxied({ connect: "5s", send: "60s", read: "60s", maxBodySize: "1m" }),
    buffering: z.boolean().default(true).describe("proxy_buffering: read the upstream response fully so slow clients don't hold backend connections."),
    compression: z.boolean().default(true).describe("Compress responses (gzip/brotli as configured)."),
    cache: cachePolicy.optional(),
    ...splitField,
  })
  .describe("A proxied HTTP API route.");

const sseRoute = z
  .strictObject({
    kind: z.literal("sse").describe("A server-sent events stream: always unbuffered and uncompressed."),
    ...routeCommon,
    ...proxied({ connect: "5s", send: "60s", read: "1h", maxBodySize: "64k" }),
    ...splitField,
  })
  .describe("A server-sent events route; its read timeout must exceed the backend's heartbeat.");

const websocketRoute = z
  .strictObject({
    kind: z.literal("websocket").describe("A WebSocket endpoint: Upgrade handled here only, so other routes keep upstream keep-alive."),
    ...routeCommon,
    ...proxied({ connect: "5s", send: "1h", read: "1h", maxBodySize: "64k" }),
    ...splitField,
  })
  .describe("A WebSocket route.");

const staticRoute = z
  .strictObject({
    kind: z.literal("static").describe("Files served by nginx from a directory."),
    ...routeCommon,
    root: absolutePath()
      .default("/usr/share/nginx/html")
      .describe("Directory inside the nginx container whose files this path serves (the path maps onto it). Never the config, certificate, cache, log or temp directories, nor a system directory (/, /etc, /proc, /var/lib, …), nor one that contains them (rule static-root-not-secret)."),
    hostDir: relativePath()
      .nullable()
      .default(null)
      .describe("Host directory, relative to the spec, that compose mounts read-only at root; null mounts nothing. Not the spec's directory itself nor one that holds container.certsDir, and inside the spec's directory unless allowOutsideProject (rule static-host-dir-in-project)."),
    allowOutsideProject: z
      .boolean()
      .default(false)
      .describe(
        "Let hostDir resolve outside the spec's directory (a path through '..'). Off by default: one '..' too many mounts, and nginx serves, whatever lies there, up to the host's file system. Turn on only for a directory that holds public files alone.",
      ),
    expires: duration("for no browser caching (revalidate every time) leave expires at its default and set headers: { Cache-Control: no-cache } on the route, which replaces the generated Cache-Control")
      .default("7d")
      .describe("Cache lifetime sent to browsers (Cache-Control max-age). Not 0: for no caching set headers: { Cache-Control: no-cache }, which replaces the generated value."),
    immutable: z.boolean().default(false).describe("Add 'immutable' to Cache-Control (for fingerprinted asset names)."),
    ...staticSiteFields,
  })
  .describe("A static files route.");

const healthRoute = z
  .strictObject({
    kind: z.literal("health").describe("The backend's health check, proxied with short timeouts and no access log."),
    ...routeCommon,
    ...proxied({ connect: "2s", send: "5s", read: "5s", maxBodySize: "1k" }),
  })
  .describe("A health-check route.");

const metricsRoute = z
  .strictObject({
    kind: z.literal("metrics").describe("The backend's Prometheus metrics, proxied and closed to the public."),
    ...routeCommon,
    ...proxied({ connect: "2s", send: "10s", read: "10s", maxBodySize: "1k" }),
    access: access.prefault({ allow: PRIVATE_NETWORKS }).describe("Who may read the metrics (default: loopback and private networks)."),
  })
  .describe("A metrics route.");

/** A header in a route's `headers` that nginx writes itself from the route's fields. */
function answerOwnedHeaders(route: { headers: Record<string, string | null> }, ctx: z.RefinementCtx, owned: string) {
  for (const name of Object.keys(route.headers)) {
    if (name.toLowerCase() === owned) ctx.addIssue({ code: "custom", path: ["headers", name], message: `${name} cannot be set here: ${ANSWER_OWNED_HEADERS[owned]}` });
  }
}

const respondRoute = z
  .strictObject({
    kind: z.literal("respond").describe("A fixed response nginx gives itself: a maintenance 503, a health answer."),
    ...routeCommon,
    ...respondFields,
  })
  .superRefine((route, ctx) => {
    if (BODILESS_STATUSES.includes(route.status) && route.body !== "") ctx.addIssue({ code: "custom", path: ["body"], message: `a ${route.status} response has no body: remove body or use another status` });
    answerOwnedHeaders(route, ctx, "content-type");
  })
  .describe("A fixed-response route: status, body, content type and headers, answered by nginx (no backend).");

const redirectRoute = z
  .strictObject({
    kind: z.literal("redirect").describe("A redirect nginx answers itself: status and Location."),
    ...routeCommon,
    ...redirectFields,
  })
  .superRefine((route, ctx) => answerOwnedHeaders(route, ctx, "location"))
  .describe("A redirect route: 301/302/307/308 to a path or URL, keeping the request's path and query or not.");

export const routeSchema = z
  .discriminatedUnion("kind", [apiRoute, sseRoute, websocketRoute, staticRoute, healthRoute, metricsRoute, respondRoute, redirectRoute])
  .superRefine((route, ctx) => {
    // The path's shape follows match: a URL path for prefix and exact, a pattern for regex.
    const regex = route.path.startsWith("^");
    if (regex !== (route.match === "regex")) {
      ctx.addIssue({ code: "custom", path: ["path"], message: regex ? "a URL path starting with '/' (a pattern needs match: regex)" : "an anchored pattern starting with ^/ (match: regex)" });
    }
    const problem = "upstreamPath" in route ? upstreamPathProblem(route) : null;
    if (problem) ctx.addIssue({ code: "custom", path: ["upstreamPath"], message: problem });
  })
  .describe("A location: a path, its kind, and its policy.");

const gzip = z
  .strictObject({
    enabled: z.boolean().default(true).describe("gzip responses for clients that accept it."),
    level: z
      .number()
      .int()
      .min(1)
      .max(9)
      .default(3)
      .describe(
        "gzip_comp_level. 3 is the strongest of zlib's fast levels (1-3): measured on the reference backend's 7 KB JSON, 641 bytes (91% smaller) at 31 ms of nginx CPU per 1000 h2 requests, against 628 bytes at 47 ms for level 5 (and 700 bytes at 43 ms for level 4).",
      ),
    minLength: z.number().int().min(0).max(10_485_760).default(1024).describe("Smallest response (bytes) worth compressing."),
    types: z.array(mimeType()).min(1).default(COMPRESSIBLE_TYPES).describe("MIME types to compress (text/html is always included by nginx; never text/event-stream)."),
  })
  .prefault({})
  .describe("gzip compression.");

const brotli = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Brotli responses for clients that accept br (loads the brotli filter module)."),
    level: z
      .number()
      .int()
      .min(0)
      .max(11)
      .default(5)
      .describe(
        "brotli_comp_level. Measured on the reference backend's 7 KB JSON: level 5 gives 570 bytes (gzip level 3: 641) at about twice gzip's CPU (67 against 30 ms of nginx CPU per 1000 h2 requests); levels 1-4 cost 32-64 ms for 659-738 bytes, no smaller than gzip level 3, so below 5 brotli buys nothing over gzip.",
      ),
    minLength: z.number().int().min(0).max(10_485_760).default(1024).describe("Smallest response (bytes) worth compressing."),
    types: z.array(mimeType()).min(1).default(COMPRESSIBLE_TYPES).describe("MIME types to compress (never text/event-stream)."),
  })
  .prefault({})
  .describe("Brotli compression.");

const zstd = z
  .strictObject({
    enabled: z
      .union([z.literal("auto"), z.boolean()])
      .default("auto")
      .describe(
        "zstd responses for clients that accept zstd (loads the zstd filter module). auto: on where edgekit's image of the spec's nginx release packages the module (nginx 1.30 from Debian testing), off elsewhere and with your own container.image; true: on (the module must be there).",
      ),
    level: z
      .number()
      .int()
      .min(1)
      .max(19)
      .default(6)
      .describe(
        "zstd_comp_level. Measured with libzstd (Node's zlib) on the reference backend's 7 KB JSON: level 6 gives 613 bytes at about the cost of level 3 (660 bytes), 32-52 against 33-35 µs per response, where brotli level 5 gives 564 bytes for 63-104 µs; level 9 is no smaller and slower, 12 and up cost 10-100 times more. A browser offering gzip, br and zstd gets zstd (nginx's zstd filter answers first): with edgekit's nginx 1.30 image, 567 bytes against brotli's 538 for a 16 KB JSON (test/host/nginx-check/run-nginx.releases.test.ts prints it), for about half brotli's CPU.",
      ),
    minLength: z.number().int().min(0).max(10_485_760).default(1024).describe("Smallest response (bytes) worth compressing."),
    types: z.array(mimeType()).min(1).default(COMPRESSIBLE_TYPES).describe("MIME types to compress (never text/event-stream)."),
  })
  .prefault({})
  .describe("zstd compression (nginx's zstd filter module, where the image has it).");

const securityHeaders = z
  .strictObject({
    contentTypeOptions: z.boolean().default(true).describe("X-Content-Type-Options: nosniff."),
    frameOptions: z.enum(["DENY", "SAMEORIGIN", "off"]).default("DENY").describe("X-Frame-Options (CSP frame-ancestors is the modern twin)."),
    referrerPolicy: z
      .enum(["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin", "off"])
      .default("strict-origin-when-cross-origin")
      .describe("Referrer-Policy."),
    permissionsPolicy: headerValue()
      .default("camera=(), microphone=(), geolocation=(), payment=()")
      .describe("Permissions-Policy; empty omits it."),
    contentSecurityPolicy: headerValue()
      .default("default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'")
      .describe("Content-Security-Policy; empty omits it."),
    crossOriginOpenerPolicy: z.enum(["same-origin", "same-origin-allow-popups", "unsafe-none", "off"]).default("same-origin").describe("Cross-Origin-Opener-Policy."),
  })
  .prefault({})
  .describe("Security headers sent on every response of every route (HSTS is under tls.hsts).");

const realIp = z
  .strictObject({
    enabled: z.boolean().default(false).describe("Take the client address from a header set by trusted proxies (a load balancer in front of nginx)."),
    from: z
      .array(cidr())
      .default([])
      .describe(
        "Trusted proxy addresses or CIDR blocks; the header is believed only from these. With realIp enabled they are also the only peers whose X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host (and, with requestId.keepIncoming trusted, X-Request-ID) reach the backend; from anyone else the edge sets them itself.",
      ),
    header: headerName().default("X-Forwarded-For").describe("Header carrying the client address."),
    recursive: z.boolean().default(true).describe("Skip trusted addresses from the right of the header to find the client."),
  })
  .prefault({})
  .describe("Real client address behind trusted proxies, so limits and logs key on the client, not the load balancer.");

const logging = z
  .strictObject({
    access: z
      .strictObject({
        format: z.enum(["json", "combined", "off"]).default("json").describe("json (with request id and upstream timings), nginx's combined, or off."),
        path: absolutePath().default("/var/log/nginx/access.log").describe("Access log file."),
        buffer: size(0, 64 * 1024 * 1024).default("64k").describe("Write buffer (0 writes every line at once)."),
        flush: duration().default("5s").describe("Longest time a line waits in the buffer."),
      })
      .prefault({})
      .describe("Access log."),
    error: z
      .strictObject({
        path: absolutePath().default("/var/log/nginx/error.log").describe("Error log file."),
        level: z.enum(["debug", "info", "notice", "warn", "error", "crit"]).default("warn").describe("Lowest severity logged."),
      })
      .prefault({})
      .describe("Error log."),
  })
  .prefault({})
  .describe("Logging.");

const cacheStore = z
  .strictObject({
    path: absolutePath().default("/var/cache/nginx/edgekit").describe("Directory of the proxy cache."),
    keysZoneSize: zoneSize().default("10m").describe("Shared memory for cache keys (about 8000 keys per megabyte)."),
    maxSize: diskSize().default("1g").describe("Most disk the cache may use."),
    inactive: durationSeconds().default("60m").describe("Entries unused this long are removed."),
    harmlessCookies: z
      .array(cookieName())
      // They become one regex argument to nginx (the list twice), at most 4,096 bytes: 10 of the
      // longest names fit, 11 do not (nginx -t in test/host/model/nginx.limits.test.ts).
      .max(10, "at most 10 cookie names: nginx reads them as one regex argument of at most 4,096 bytes")
      .default([])
      .describe(
        "Cookie names that carry nothing private (e.g. _ga, _gid). A request with any other cookie, under any spelling (SID, 'sid =x', an unknown _myapp_session), bypasses the cache and is never stored; one whose cookies are all listed here may be served from it. Names match exactly (case-sensitive). Empty by default: a cookie's name says nothing about what the backend does with it, so only the spec's author can declare one harmless.",
      ),
    statusHeader: responseHeaderName().nullable().default("X-Cache-Status").describe("Response header reporting HIT/MISS/BYPASS on cached routes; null omits it."),
  })
  .prefault({})
  .describe(
    "The proxy cache store shared by routes with a cache policy. One per nginx instance: with several edge replicas each fills its own (a miss on each before the backend is spared, a copy on each).",
  );

const metrics = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Expose stub_status, run the nginx exporter and Prometheus."),
    statusPath: locationPath().default("/nginx_status").describe("Path of nginx's stub_status page."),
    allow: z.array(cidr()).min(1).default(PRIVATE_NETWORKS).describe("Who may read the status page (everyone else gets 403)."),
    exporter: z
      .strictObject({
        image: dockerImage().default("nginx/nginx-prometheus-exporter:1.4.2").describe("nginx-prometheus-exporter image."),
        port: port().default(9113).describe("Port the exporter serves metrics on (inside the compose network)."),
      })
      .prefault({})
      .describe("The nginx-prometheus-exporter service."),
    prometheus: z
      .strictObject({
        image: dockerImage().default("prom/prometheus:v3.5.0").describe("Prometheus image."),
        port: port().default(9090).describe("Port Prometheus serves on; published on 127.0.0.1 only."),
        scrapeInterval: duration().default("15s").describe("How often targets are scraped."),
        retention: duration().default("15d").describe("How long samples are kept."),
      })
      .prefault({})
      .describe("The Prometheus service."),
  })
  .prefault({})
  .describe("Metrics: stub_status, exporter and Prometheus scrape jobs.");

const build = z
  .strictObject({
    context: relativePath().default(".").describe("Build context, relative to the spec file."),
    dockerfile: relativePath().describe("Dockerfile, relative to the context."),
  })
  .describe("Build the image from a Dockerfile.");

const backend = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Run the backend as a compose service (false: the upstreams point elsewhere)."),
    service: identifier()
      .refine((v) => !["nginx", "prometheus", "nginx_exporter"].includes(v), "a name other than nginx or prometheus (edgekit's own services)")
      .default("backend").describe("Compose service name (the host name upstream servers use)."),
    image: dockerImage().default("edgekit-backend:local").describe("Image of the backend (built from `build` when that is set)."),
    build: build.nullable().default({ context: "deploy/backend", dockerfile: "Dockerfile" }).describe("How to build the image; null pulls `image` instead."),
    replicas: z.number().int().min(1).max(64).default(1).describe("Number of backend containers; nginx balances over all of them."),
    port: port().default(3000).describe("Port the backend listens on inside its container."),
    env: z
      .record(envName(), z.string().max(4096).regex(/^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]*$/, "text without control characters (tab and newlines are fine)"))
      .default({}).describe("Extra environment for the backend container."),
    healthPath: locationPath().default("/health").describe("Path the container health check calls."),
    metricsPath: locationPath().default("/metrics").describe("Path Prometheus scrapes on each backend container."),
    keepAliveTimeout: duration().default("65s").describe("The backend HTTP server's keepAliveTimeout; must exceed every upstream keepalive timeout so the backend never closes a socket nginx is about to reuse."),
    headersTimeout: duration().default("66s").describe("The backend HTTP server's headersTimeout; must exceed keepAliveTimeout."),
    sseHeartbeat: duration().default("15s").describe("How often the backend writes a heartbeat on SSE streams."),
    shutdownTimeout: duration().default("10s").describe("How long a SIGTERM'd backend lets in-flight requests finish."),
    httpClient: z
      .strictObject({
        connections: z.number().int().min(1).max(10_000).default(16).describe("Most connections of the backend's one shared outgoing HTTP pool."),
        keepAliveTimeout: duration().default("4s").describe("Idle time before the pool closes an outgoing connection."),
      })
      .prefault({})
      .describe("The backend's shared outgoing HTTP client pool."),
  })
  .prefault({})
  .describe("The Node service the edge fronts.");

const nginxImage = z
  .strictObject({
    image: dockerImage()
      .nullable()
      .default(null)
      .describe("nginx image. null: edgekit's image of the spec's nginx release, edgekit-nginx:<version>: built from `build`, or, with build null, one that exists already (built by `docker compose build` elsewhere, or pulled)."),
    build: build
      .nullable()
      .default({ context: "deploy/nginx", dockerfile: "Dockerfile" })
      .describe(
        "How to build the nginx image; null uses `image` as it is. The build gets the release's Debian suite and packages (DEBIAN_SUITE, NGINX_PACKAGES) and the spec's nginx.version (NGINX_VERSION) as arguments; edgekit's Dockerfile refuses to build or start when its nginx is not that release.",
      ),
    certsDir: relativePath().default("certs").describe("Host directory with the TLS files, mounted read-only at the certificate's directory."),
    secretsDir: absolutePath()
      .default("/run/secrets")
      .describe("Directory of the nginx container where compose mounts the secrets (the htpasswd files of routes with basic auth), read-only; /run/secrets is compose's own."),
  })
  .prefault({})
  .describe("The nginx container.");

export const DEFAULT_ROUTES = [{ kind: "api" as const, path: "/" }];

export const specSchema = z
  .strictObject({
    version: z.literal(1).default(1).describe("Spec format version."),
    domain: hostname().optional().describe("Primary domain (server_name) of a one-site edge. Absent: the spec lists sites instead (one of the two is required)."),
    aliases: z.array(hostname()).default([]).describe("More names the one-site edge answers to (with sites: each site's names)."),
    sites: z
      .record(identifier(), siteSchema(routeSchema, responseHeaders("every response of this site (they win over the top-level headers; a route's own win over these)")))
      .optional()
      .describe("Several sites on one edge, each a server block with its own names, certificates, routes, headers and error pages, or a host redirect. Absent: one site made of domain, aliases and routes."),
    defaultServer: defaultServerField,
    nginx: nginxSection,
    listen: listenSection,
    tls: tlsSection,
    http2: http2Section,
    client: clientSection,
    proxy: proxySection,
    upstreams: z
      .record(identifier(), upstream)
      .refine((r) => Object.keys(r).length > 0, "at least one upstream")
      .describe("Named upstream pools."),
    routes: z
      .array(routeSchema)
      .optional()
      .describe("Routes of the one-site edge, each a location with its own policy. Absent: everything to the only upstream as an api. With sites, each site has its own."),
    cache: cacheStore,
    compression: z.strictObject({ gzip, brotli, zstd }).prefault({}).describe("Response compression (never of text/event-stream)."),
    securityHeaders,
    headers: responseHeaders("every response of the edge: internal checks, routes and the 404 (a route's own headers win over these)"),
    requestId,
    errorPages: errorPages.describe(
      "Error pages for every route of every site (a site's and a route's own errorPages replace these status by status), by status (400-599): JSON or HTML bodies nginx sends in place of its own pages for the errors it generates itself (backend down 502, timeout 504, rate limit 429, body too large 413, access denied 403, no route 404), even with every backend down. Responses the backend writes itself pass unchanged.",
    ),
    realIp,
    logging,
    metrics,
    backend,
    container: nginxImage,
    raw: rawSection,
    kubernetes: kubernetesSection,
    swarm: swarmSection,
    waive: z
      .array(
        z.strictObject({
          rule: z.string().regex(/^[a-z0-9-]+$/, "a rule id such as keepalive-pool-size").describe("Id of the rule to waive (`edgekit validate --help` lists them)."),
          reason: z.string().min(10, "say why, in at least 10 characters").max(500).describe("Why this spec may break the rule; printed with every finding it waives."),
        }),
      )
      .default([])
      .describe("Rules this spec knowingly breaks, each with a reason. A waived error is printed as a warning and no longer blocks generation."),
  })
  .superRefine((spec, ctx) => {
    for (const issue of checkSites(spec)) ctx.addIssue({ code: "custom", ...issue });
  })
  .describe("edgekit spec: one file that renders the nginx edge, docker-compose.prod.yml and prometheus.yml.");

export type Spec = z.output<typeof specSchema>;
export type SpecInput = z.input<typeof specSchema>;
export type Route = NonNullable<Spec["routes"]>[number];
export type SiteSpec = NonNullable<Spec["sites"]>[string];
export type RouteKind = Route["kind"];
export type Upstream = Spec["upstreams"][string];
