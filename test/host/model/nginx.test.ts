import { describe, expect, it } from "vitest";
import { buildNginxModel, FOLLOWED_NAME_PEERS, rateZoneNames, upstreamZoneKib, type LocationModel } from "../../../src/model/nginx.js";
import { hasFeature } from "../../../src/nginx-features/index.js";
import { securityHeaders } from "../../../src/model/security-headers.js";
import { serverResponseHeaders } from "../../../src/model/nginx-headers.js";
import type { SpecInput } from "../../../src/spec/schema.js";
import { spec } from "../../support/specs.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." };
const model = (input: Parameters<typeof spec>[0] = {}) => buildNginxModel(spec(input), OPTIONS);
const locations = (m: ReturnType<typeof model>): LocationModel[] => m.http.servers.flatMap((s) => s.locations);

const ALL_KINDS: NonNullable<SpecInput["routes"]> = [
  { kind: "api", path: "/api/", cache: {}, headers: { "X-A": "1" } },
  { kind: "sse", path: "/sse", match: "exact" },
  { kind: "websocket", path: "/ws" },
  { kind: "static", path: "/static/", headers: { "X-B": "2" } },
  { kind: "health", path: "/health", match: "exact" },
  { kind: "metrics", path: "/metrics", match: "exact" },
];

describe("version-aware syntax", () => {
  it("switches to `http2 on;` at 1.25.1", () => {
    expect(hasFeature("1.25.0", "http2-directive")).toBe(false);
    expect(hasFeature("1.25.1", "http2-directive")).toBe(true);
    const old = model({ nginx: { version: "1.24.0" } }).http.servers[1]!;
    expect(old.listens[0]).toBe("443 ssl http2 default_server");
    expect(old.http2On).toBe(false);
    const recent = model({ nginx: { version: "1.25.1" } }).http.servers[1]!;
    expect(recent.listens[0]).toBe("443 ssl default_server");
    expect(recent.http2On).toBe(true);
  });
  it("drops HTTP/2 entirely when disabled", () => {
    const m = model({ http2: { enabled: false } });
    expect(m.http.servers[1]!.listens[0]).toBe("443 ssl default_server");
    expect(m.http.http2MaxConcurrentStreams).toBeNull();
  });
  it("adds IPv6 listeners only when asked", () => {
    expect(model().http.servers[0]!.listens).toEqual(["80 default_server"]);
    expect(model({ listen: { ipv6: true } }).http.servers[0]!.listens).toEqual(["80 default_server", "[::]:80 default_server"]);
  });
});

describe("security headers reach every location", () => {
  it("without add_header_inherit (nginx < 1.29.3): every location of every server carries the full set (HSTS on https only)", () => {
    const s = spec({ routes: ALL_KINDS, nginx: { version: "1.26.3" } });
    const m = buildNginxModel(s, OPTIONS);
    const [plain, tls] = m.http.servers;
    expect([plain!.headerInherit, plain!.headers, tls!.headerInherit, tls!.headers]).toEqual([null, [], null, []]);
    for (const location of plain!.locations) expect(location.headers.slice(0, securityHeaders(s, { https: false }).length)).toEqual(securityHeaders(s, { https: false }));
    for (const location of tls!.locations) expect(location.headers.slice(0, securityHeaders(s, { https: true }).length)).toEqual(securityHeaders(s, { https: true }));
    expect(securityHeaders(s, { https: true }).map((h) => h.name)).toContain("Strict-Transport-Security");
    expect(securityHeaders(s, { https: false }).map((h) => h.name)).not.toContain("Strict-Transport-Security");
  });
  it("with add_header_inherit (nginx >= 1.29.3): once per server with merge, and locations add only their own", () => {
    const s = spec({ routes: ALL_KINDS, nginx: { version: "1.30.6" } });
    const [plain, tls] = buildNginxModel(s, OPTIONS).http.servers;
    expect(plain!.headerInherit).toBe("merge");
    expect(plain!.headers).toEqual(serverResponseHeaders(s, { https: false }));
    expect(tls!.headerInherit).toBe("merge");
    expect(tls!.headers).toEqual(serverResponseHeaders(s, { https: true }));
    const names = new Set(serverResponseHeaders(s, { https: true }).map((h) => h.name));
    for (const location of [...plain!.locations, ...tls!.locations]) expect(location.headers.filter((h) => names.has(h.name))).toEqual([]);
    // A location's own headers stay (static Cache-Control), merged with the server's by nginx.
    expect(tls!.locations.find((l) => l.comment.endsWith("(static)"))!.headers.map((h) => h.name)).toContain("Cache-Control");
  });
  it("omits headers switched off in the spec", () => {
    const names = securityHeaders(spec({ securityHeaders: { frameOptions: "off", contentSecurityPolicy: "", referrerPolicy: "off" } }), { https: true }).map((h) => h.name);
    expect(names).not.toContain("X-Frame-Options");
    expect(names).not.toContain("Content-Security-Policy");
    expect(names).not.toContain("Referrer-Policy");
    expect(names).toContain("X-Content-Type-Options");
  });
});

describe("upstream keep-alive", () => {
  it("renders the pool and HTTP/1.1 with an empty Connection header on every proxied route but websocket", () => {
    const m = model({ routes: ALL_KINDS });
    expect(m.http.upstreams[0]!.keepalive).toEqual([
      { name: "keepalive", value: "128" },
      { name: "keepalive_timeout", value: "60s" },
      { name: "keepalive_requests", value: "10000" },
    ]);
    for (const location of locations(m).filter((l) => l.proxy)) {
      const connection = location.proxy!.setHeaders.find((h) => h.name === "Connection")!.value;
      const websocket = location.comment.endsWith("(websocket)");
      expect(connection).toBe(websocket ? m.http.upgradeMap!.variable : '""');
      expect(location.proxy!.setHeaders.some((h) => h.name === "Upgrade")).toBe(websocket);
      expect(location.proxy!.httpVersion).toBe("1.1");
    }
    expect(m.http.upgradeMap).toEqual({ variable: "$edgekit_connection_upgrade" });
  });
  it("omits the pool when connections is 0", () => {
    const off = { upstreams: { app: { servers: [{ host: "backend" }], keepalive: { connections: 0 } } } };
    expect(model({ ...off, nginx: { version: "1.22.1" } }).http.upstreams[0]!.keepalive).toEqual([]);
    // From 1.29.7 nginx pools by default: off must be said.
    expect(model({ ...off, nginx: { version: "1.29.7" } }).http.upstreams[0]!.keepalive).toEqual([{ name: "keepalive", value: "0" }]);
    expect(model({ ...off, nginx: { version: "1.29.6" } }).http.upstreams[0]!.keepalive).toEqual([]);
  });
  it("renders server parameters and balancing methods", () => {
    const m = model({
      upstreams: {
        b: { servers: [{ host: "x", port: 1, maxConns: 5, backup: true }, { host: "::1", port: 2 }], balance: "round_robin" },
        a: { servers: [{ host: "y" }], balance: "random" },
      },
      routes: [{ kind: "api", path: "/", upstream: "a" }],
    });
    expect(m.http.upstreams.map((u) => u.name)).toEqual(["a", "b"]);
    expect(m.http.upstreams[0]!.balance).toBe("random two least_conn");
    expect(m.http.upstreams[1]!.balance).toBeNull();
    expect(m.http.upstreams[1]!.servers).toEqual(["x:1 weight=1 max_fails=3 fail_timeout=10s max_conns=5 backup resolve", "[::1]:2 weight=1 max_fails=3 fail_timeout=10s"]);
  });
  it("follows servers given by name where nginx can (resolve, with the upstream's own resolver); never an IP", () => {
    const pool = { servers: [{ host: "backend" }, { host: "10.0.0.5" }, { host: "::1", port: 2 }] };
    const [up] = model({ upstreams: { app: pool } }).http.upstreams;
    expect(up!.resolver).toEqual({ resolver: "127.0.0.11 valid=5s", timeout: "5s" });
    expect(up!.servers).toEqual([
      "backend:3000 weight=1 max_fails=3 fail_timeout=10s resolve",
      "10.0.0.5:3000 weight=1 max_fails=3 fail_timeout=10s",
      "[::1]:2 weight=1 max_fails=3 fail_timeout=10s",
    ]);
    // The zone keeps room for the replicas --scale adds while nginx runs.
    expect(up!.zone).toBe(`up_app ${upstreamZoneKib(FOLLOWED_NAME_PEERS + 2)}k`);
    const own = model({ upstreams: { app: { ...pool, resolve: { resolvers: ["10.0.0.2", "fd00::53"], valid: "30s", timeout: "2s" } } } }).http.upstreams[0]!;
    expect(own.resolver).toEqual({ resolver: "10.0.0.2 [fd00::53] valid=30s", timeout: "2s" });
  });

  it("resolves names once, at start, on nginx without upstream resolve, and when resolve is off", () => {
    for (const input of [{ nginx: { version: "1.26.3" } }, { upstreams: { app: { servers: [{ host: "backend" }], resolve: { enabled: false } } } }]) {
      const [up] = model(input).http.upstreams;
      expect(up!.resolver).toBeNull();
      expect(up!.servers).toEqual(["backend:3000 weight=1 max_fails=3 fail_timeout=10s"]);
    }
    // An IP-only pool has nothing to follow: no resolver.
    expect(model({ upstreams: { app: { servers: [{ host: "10.0.0.5" }] } } }).http.upstreams[0]!.resolver).toBeNull();
    expect(hasFeature("1.26.3", "upstream-resolve")).toBe(false);
    expect(hasFeature("1.27.3", "upstream-resolve")).toBe(true);
  });

  it("sizes worker_rlimit_nofile at twice worker_connections by default", () => {
    expect(model({ nginx: { workerConnections: 1000 } }).main.workerRlimitNofile).toBe(2000);
    expect(model({ nginx: { workerConnections: 1000, workerRlimitNofile: 5000 } }).main.workerRlimitNofile).toBe(5000);
  });
});

describe("performance defaults (measured in bench/tuning.md)", () => {
  it("reads a 7 KB upstream response in one buffer: proxy_buffer_size 8k, proxy_buffers 8 8k", () => {
    expect(model().http.proxyBuffers).toEqual({ bufferSize: "8k", buffers: "8 8k" });
    expect(model({ proxy: { bufferSize: "16k", buffers: { count: 4, size: "16k" } } }).http.proxyBuffers).toEqual({ bufferSize: "16k", buffers: "4 16k" });
  });
  it("static and cached locations (only) get open_file_cache; max 0 turns it off", () => {
    const routes: NonNullable<SpecInput["routes"]> = [{ kind: "static", path: "/s/" }, { kind: "api", path: "/api/" }, { kind: "api", path: "/c", match: "exact", cache: {} }];
    const [st, api, cached] = locations(model({ routes })).filter((l) => l.partial.startsWith("route-"));
    expect(st!.openFileCache).toEqual({ cache: "max=10000 inactive=60s", valid: "30s" });
    expect(api!.openFileCache).toBeNull();
    expect(cached!.openFileCache).toEqual({ cache: "max=10000 inactive=60s", valid: "30s" });
    expect(locations(model({ routes, nginx: { openFileCache: { max: 0 } } })).every((l) => l.openFileCache === null)).toBe(true);
  });
  it("multi_accept follows the spec", () => {
    expect(model().events.multiAccept).toBe(spec().nginx.multiAccept ? "on" : "off");
    expect(model({ nginx: { multiAccept: true } }).events.multiAccept).toBe("on");
    expect(model({ nginx: { multiAccept: false } }).events.multiAccept).toBe("off");
  });
  it("gzip defaults to a fast zlib level (1-3 share deflate_fast), brotli and zstd to their measured levels", () => {
    const level = (name: string) => Number(model().http.compression.find((c) => c.name === name)!.directives.find((d) => d.name === `${name}_comp_level`)!.value);
    expect(level("gzip")).toBeLessThanOrEqual(3);
    expect(level("brotli")).toBe(spec().compression.brotli.level);
    expect(level("zstd")).toBe(spec().compression.zstd.level);
  });
  it("zstd auto: on where edgekit's image of the release packages the module, off elsewhere and with your own image", () => {
    const names = (input: Parameters<typeof model>[0]) => model(input).http.compression.map((c) => c.name);
    expect(names({ nginx: { version: "1.30.6" } })).toEqual(["gzip", "brotli", "zstd"]);
    expect(names({ nginx: { version: "1.26.3" } })).toEqual(["gzip", "brotli"]);
    expect(names({ nginx: { version: "1.30.6" }, container: { image: "mine/nginx:1.30" } })).toEqual(["gzip", "brotli"]);
    expect(names({ nginx: { version: "1.26.3" }, compression: { zstd: { enabled: true } } })).toEqual(["gzip", "brotli", "zstd"]);
    expect(model({ nginx: { version: "1.30.6" } }).loadModules).toEqual(["/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so", "/usr/lib/nginx/modules/ngx_http_zstd_filter_module.so"]);
  });
});

describe("route kinds", () => {
  const byPath = (path: string) => locations(model({ routes: ALL_KINDS })).find((l) => l.comment.startsWith(`route ${path} `))!;
  it("sse and websocket are unbuffered and uncompressed; api follows its policy", () => {
    for (const path of ["/sse", "/ws"]) {
      expect(byPath(path).proxy!.buffering).toBe("off");
      // Every compression filter the edge loads is off on streams (zstd too, on the default 1.30).
      expect(byPath(path).proxy!.compressionOff).toEqual(["gzip", "brotli", "zstd"]);
    }
    expect(byPath("/api/").proxy!.buffering).toBe("on");
    expect(byPath("/api/").proxy!.compressionOff).toEqual([]);
  });
  it("sse read timeout defaults to an hour", () => {
    expect(byPath("/sse").proxy!.timeouts.read).toBe("1h");
  });
  it("cached routes always bypass and never store requests with credentials or any cookie not declared harmless", () => {
    const m = model({ routes: ALL_KINDS });
    expect(byPath("/api/").proxy!.cache).not.toBeNull();
    expect(byPath("/api/").proxy!.cache!.skip).toBe("$edgekit_cache_skip_auth $edgekit_cache_skip_cookie");
    expect(m.http.cacheSkip!.harmlessCookiesPattern).toBeNull();
    expect(model({ routes: ALL_KINDS, cache: { harmlessCookies: ["_ga", "a.b"] } }).http.cacheSkip!.harmlessCookiesPattern).toContain("(?:_ga|a\\\\.b)");
    expect(byPath("/api/").headers.map((h) => h.name)).toContain("X-Cache-Status");
  });
  it("health and metrics skip the access log; metrics is closed to the public by default", () => {
    expect(byPath("/health").accessLogOff).toBe(true);
    expect(byPath("/metrics").allow).toEqual(["127.0.0.1", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);
  });
  it("static routes alias a directory with a trailing slash and send Cache-Control", () => {
    expect(byPath("/static/").alias).toBe("/usr/share/nginx/html/");
    expect(byPath("/static/").headers.find((h) => h.name === "Cache-Control")!.value).toBe('"public, max-age=604800"');
  });
  it("adds a 404 catch-all only when no route covers /", () => {
    expect(locations(model({ routes: [{ kind: "api", path: "/api/" }] })).filter((l) => l.partial === "not-found")).toHaveLength(1);
    expect(locations(model()).filter((l) => l.partial === "not-found")).toHaveLength(0);
  });
});

describe("rate limits", () => {
  it("derives stable zone names from paths, unique per spec", () => {
    const routes = spec({ routes: [{ kind: "api", path: "/api/v1/" }, { kind: "api", path: "/api/v1", match: "exact" }, { kind: "api", path: "/api-v1/" }, { kind: "api", path: "/" }] }).routes!;
    expect(rateZoneNames(routes)).toEqual(["rl_api_v1", "rl_api_v1_exact", "rl_api_v1_2", "rl_root"]);
  });
  it("leaves out burst when it is 0 (nginx rejects burst=0) and renders delay", () => {
    const m = model({ routes: [{ kind: "api", path: "/a/", rateLimit: { rate: "5r/s" } }, { kind: "api", path: "/b/", rateLimit: { rate: "5r/s", burst: 10, delay: 4, key: "global", status: 503 } }] });
    const [a, b] = locations(m).filter((l) => l.rateLimit);
    expect(a!.rateLimit).toEqual({ zone: "rl_a", params: [], status: 429 });
    expect(b!.rateLimit).toEqual({ zone: "rl_b", params: ["burst=10", "delay=4"], status: 503 });
    expect(m.http.rateZones[1]!.key).toBe("$server_name");
  });
});

describe("TLS", () => {
  it("intermediate: TLS 1.2 + 1.3 with ECDHE AEAD ciphers only; tickets off", () => {
    const tls = model().http.tls!;
    expect(tls.protocols).toBe("TLSv1.2 TLSv1.3");
    expect(tls.ciphers!.split(":").every((c) => c.startsWith("ECDHE-") && /GCM|CHACHA20/.test(c))).toBe(true);
    expect(tls.sessionTickets).toBe("off");
  });
  it("no TLS: one plain server with the routes, no redirect", () => {
    const m = model({ tls: { enabled: false } });
    expect(m.http.tls).toBeNull();
    expect(m.http.servers).toHaveLength(1);
    expect(locations(m).some((l) => l.partial === "redirect")).toBe(false);
  });
  it("redirects with 308, keeping a non-default https port", () => {
    const redirect = locations(model({ listen: { httpsPort: 8443 } })).find((l) => l.partial === "redirect")!;
    expect(redirect.redirect).toEqual({ status: 308, url: "https://$host:8443$request_uri" });
  });
});
