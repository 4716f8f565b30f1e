// Each rule: a spec that trips it (with the path it points at) and the default spec that doesn't.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES, runRules } from "../../../src/rules/index.js";
import type { Rule } from "../../../src/rules/rule.js";
import { REPO, spec } from "../../support/specs.js";

const ruleById = (id: string): Rule => RULES.find((r) => r.id === id)!;

const CASES: [string, Parameters<typeof spec>[0], (string | number)[]][] = [
  ["nginx-version-supported", { nginx: { version: "1.20.2" } }, ["nginx", "version"]],
  ["nginx-version-tested", { nginx: { version: "1.27.3" } }, ["nginx", "version"]],
  ["zstd-needs-module", { nginx: { version: "1.26.3" }, compression: { zstd: { enabled: true } } }, ["compression", "zstd", "enabled"]],
  ["http3-needs-nginx-1-25", { nginx: { version: "1.22.1" }, tls: { http3: true } }, ["tls", "http3"]],
  ["http3-needs-nginx-1-25", { nginx: { version: "1.27.0" }, tls: { http3: true, enabled: false } }, ["tls", "http3"]],
  ["listen-ports-distinct", { listen: { httpPort: 8443, httpsPort: 8443 } }, ["listen", "httpsPort"]],
  ["tls-files-one-dir", { tls: { certificate: "/a/cert.pem", certificateKey: "/b/key.pem" } }, ["tls", "certificateKey"]],
  ["route-path-unique", { routes: [{ kind: "api", path: "/a/" }, { kind: "sse", path: "/a/" }] }, ["routes", 1, "path"]],
  ["route-path-unique", { routes: [{ kind: "api", path: "/nginx_status", match: "exact" }] }, ["routes", 0, "path"]],
  ["route-upstream-exists", { routes: [{ kind: "api", path: "/", upstream: "nope" }] }, ["routes", 0, "upstream"]],
  ["route-prefix-boundary", { routes: [{ kind: "api", path: "/api/upload" }] }, ["routes", 0, "path"]],
  ["route-upstream-exists", { upstreams: { a: { servers: [{ host: "a" }] }, b: { servers: [{ host: "b" }] } }, routes: [{ kind: "api", path: "/" }] }, ["routes", 0]],
  ["static-path-shape", { routes: [{ kind: "static", path: "/static" }] }, ["routes", 0, "path"]],
  ["redirect-target-shape", { routes: [{ kind: "redirect", path: "/old", match: "exact", to: "/new", keepPath: true }] }, ["routes", 0, "keepPath"]],
  ["redirect-target-shape", { routes: [{ kind: "redirect", path: "/old/", to: "/new", keepPath: true }] }, ["routes", 0, "to"]],
  ["redirect-target-shape", { routes: [{ kind: "redirect", path: "/old/", to: "/new/?a=1" }] }, ["routes", 0, "to"]],
  ["static-root-one-source", { routes: [{ kind: "static", path: "/a/", hostDir: "a" }, { kind: "static", path: "/b/", hostDir: "b" }] }, ["routes", 1, "hostDir"]],
  ["static-path-shape", { routes: [{ kind: "static", path: "/static/", match: "exact" }] }, ["routes", 0, "path"]],
  ["static-root-not-secret", { routes: [{ kind: "static", path: "/keys/", root: "/etc/nginx/certs" }] }, ["routes", 0, "root"]],
  ["static-host-dir-in-project", { routes: [{ kind: "static", path: "/s/", hostDir: "../../../.." }] }, ["routes", 0, "hostDir"]],
  // Compose v1 refuses a duplicate mount point; one inside the read-only config mount can't be created.
  ["mount-points-distinct", { tls: { certificate: "/etc/nginx/edgekit/fullchain.pem", certificateKey: "/etc/nginx/edgekit/privkey.pem" } }, ["tls", "certificate"]],
  ["mount-points-distinct", { tls: { certificate: "/etc/nginx/edgekit/certs/fullchain.pem", certificateKey: "/etc/nginx/edgekit/certs/privkey.pem" } }, ["tls", "certificate"]],
  ["mount-points-distinct", { tls: { certificate: "/var/cache/nginx/fullchain.pem", certificateKey: "/var/cache/nginx/privkey.pem" } }, ["tls", "certificate"]],
  ["mount-points-distinct", { tls: { certificate: "/fullchain.pem", certificateKey: "/privkey.pem" } }, ["tls", "certificate"]],
  ["mount-points-distinct", { tls: { certificate: "/srv/www/tls/fullchain.pem", certificateKey: "/srv/www/tls/privkey.pem" }, routes: [{ kind: "static", path: "/a/", root: "/srv/www", hostDir: "www" }] }, ["routes", 0, "root"]],
  ["mount-points-distinct", { routes: [{ kind: "static", path: "/a/", root: "/etc/nginx/edgekit", hostDir: "a" }] }, ["routes", 0, "root"]],
  ["mount-points-distinct", { routes: [{ kind: "static", path: "/a/", root: "/srv/a", hostDir: "a" }, { kind: "static", path: "/b/", root: "/srv/a/b", hostDir: "b" }] }, ["routes", 1, "root"]],
  ["sse-read-timeout-exceeds-heartbeat", { routes: [{ kind: "sse", path: "/sse", timeouts: { read: "20s" } }] }, ["routes", 0, "timeouts", "read"]],
  ["upstream-primary-server", { upstreams: { app: { servers: [{ host: "a", backup: true }] } } }, ["upstreams", "app", "servers"]],
  ["upstream-backup-balance", { upstreams: { app: { servers: [{ host: "a" }, { host: "b", backup: true }], balance: "ip_hash" } } }, ["upstreams", "app", "servers", 1, "backup"]],
  ["real-ip-trusted-proxies", { realIp: { enabled: true } }, ["realIp", "from"]],
  ["backend-keepalive-outlives-nginx", { backend: { keepAliveTimeout: "30s", headersTimeout: "31s" } }, ["upstreams", "app", "keepalive", "timeout"]],
  ["backend-keepalive-outlives-nginx", { backend: { keepAliveTimeout: "65s", headersTimeout: "65s" } }, ["backend", "headersTimeout"]],
  ["keepalive-pool-size", { upstreams: { app: { servers: [{ host: "a" }], expectedConcurrency: 100, keepalive: { connections: 32 } } } }, ["upstreams", "app", "keepalive", "connections"]],
  ["keepalive-pool-disabled", { upstreams: { app: { servers: [{ host: "a" }], keepalive: { connections: 0 } } } }, ["upstreams", "app", "keepalive", "connections"]],
  ["client-keepalive-requests", { client: { keepalive: { requests: 1000 } } }, ["client", "keepalive", "requests"]],
  ["worker-rlimit-nofile", { nginx: { workerConnections: 4096, workerRlimitNofile: 4096 } }, ["nginx", "workerRlimitNofile"]],
  ["status-not-public", { metrics: { allow: ["0.0.0.0/0"] } }, ["metrics", "allow"]],
  ["status-not-public", { routes: [{ kind: "metrics", path: "/metrics", access: { allow: ["::/0"] } }] }, ["routes", 0, "access", "allow"]],
  ["server-tokens", { nginx: { serverTokens: true } }, ["nginx", "serverTokens"]],
  ["resolver-public", { tls: { ocspStapling: { enabled: true, resolvers: ["127.0.0.11", "8.8.8.8"] } } }, ["tls", "ocspStapling", "resolvers", 1]],
  ["resolver-public", { tls: { ocspStapling: { enabled: true, resolvers: ["2606:4700:4700::1111"] } } }, ["tls", "ocspStapling", "resolvers", 0]],
  ["resolver-public", { upstreams: { app: { servers: [{ host: "backend" }], resolve: { resolvers: ["127.0.0.11", "8.8.8.8"] } } } }, ["upstreams", "app", "resolve", "resolvers", 1]],
  ["route-upstream-exists", { upstreams: { a: { servers: [{ host: "a" }] }, b: { servers: [{ host: "b" }] } }, routes: [{ kind: "api", path: "/", split: { to: [{ upstream: "a", percent: 90 }, { upstream: "c", percent: 10 }] } }] }, ["routes", 0, "split", "to", 1, "upstream"]],
  ["route-upstream-exists", { upstreams: { a: { servers: [{ host: "a" }] }, b: { servers: [{ host: "b" }] } }, routes: [{ kind: "api", path: "/", upstream: "a", split: { to: [{ upstream: "a", percent: 90 }, { upstream: "b", percent: 10 }] } }] }, ["routes", 0, "upstream"]],
  ["sticky-needs-nginx", { nginx: { version: "1.26.3" }, upstreams: { app: { servers: [{ host: "a" }], sticky: {} } } }, ["upstreams", "app", "sticky"]],
  ["raw-directives", { routes: [{ kind: "api", path: "/", raw: "}" }] }, ["routes", 0, "raw"]],
  ["route-upstream-exists", { upstreams: { a: { servers: [{ host: "a" }] }, b: { servers: [{ host: "b" }] } }, routes: [{ kind: "api", path: "/api/", upstreamPath: "/", split: { to: [{ upstream: "a", percent: 90 }, { upstream: "b", percent: 10 }] } }] }, ["routes", 0, "upstreamPath"]],
  ["route-upstream-exists", { domain: undefined, upstreams: { a: { servers: [{ host: "a" }] }, b: { servers: [{ host: "b" }] } }, sites: { shop: { names: ["shop.example.com"], routes: [{ kind: "api", path: "/", split: { to: [{ upstream: "a", percent: 90 }, { upstream: "c", percent: 10 }] } }] } } }, ["sites", "shop", "routes", 0, "split", "to", 1, "upstream"]],
  ["raw-directives", { domain: undefined, sites: { shop: { names: ["shop.example.com"], routes: [{ kind: "api", path: "/", raw: "include x;" }] } } }, ["sites", "shop", "routes", 0, "raw"]],
  ["raw-directives", { domain: undefined, sites: { shop: { names: ["shop.example.com"], raw: "server { }" } } }, ["sites", "shop", "raw"]],
  ["health-upstream-capped", { upstreams: { app: { servers: [{ host: "a", maxConns: 4 }] } }, routes: [{ kind: "health", path: "/health" }] }, ["routes", 0, "upstream"]],
  ["real-ip-trust-all", { realIp: { enabled: true, from: ["10.0.0.0/8", "0.0.0.0/0"] } }, ["realIp", "from", 1]],
  // "Everyone" written without a /0: judged on the union of the blocks (src/spec/address-set.ts).
  ["status-not-public", { metrics: { allow: ["0.0.0.0/1", "128.0.0.0/1"] } }, ["metrics", "allow"]],
  ["status-not-public", { metrics: { allow: ["10.0.0.0/8", "::/1", "8000::/1"] } }, ["metrics", "allow"]],
  ["status-not-public", { metrics: { allow: ["127.0.0.1", "0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"] } }, ["metrics", "allow"]],
  ["status-not-public", { routes: [{ kind: "metrics", path: "/metrics", access: { allow: ["128.0.0.0/1", "0.0.0.0/2", "64.0.0.0/2"] } }] }, ["routes", 0, "access", "allow"]],
  ["real-ip-trust-all", { realIp: { enabled: true, from: ["0.0.0.0/1", "128.0.0.0/1"] } }, ["realIp", "from"]],
  ["real-ip-trust-all", { realIp: { enabled: true, from: ["8000::/1", "::/1"] } }, ["realIp", "from"]],
  ["real-ip-trust-all", { realIp: { enabled: true, from: ["10.0.0.0/8", "0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"] } }, ["realIp", "from"]],
  ["access-allows-everyone", { routes: [{ kind: "api", path: "/admin/", access: { allow: ["0.0.0.0/1", "128.0.0.0/1"] } }] }, ["routes", 0, "access", "allow"]],
  ["access-allows-everyone", { routes: [{ kind: "static", path: "/s/", root: "/srv", access: { allow: ["::/1", "8000::/1"] } }] }, ["routes", 0, "access", "allow"]],
  ["access-allows-everyone", { routes: [{ kind: "websocket", path: "/ws", access: { allow: ["10.0.0.0/8", "0.0.0.0/0"] } }] }, ["routes", 0, "access", "allow"]],
  ["auth-forward-upstream-exists", { routes: [{ kind: "api", path: "/", auth: { forward: { upstream: "sso" } } }] }, ["routes", 0, "auth", "forward", "upstream"]],
  ["auth-route-not-cached", { routes: [{ kind: "api", path: "/", auth: { basic: { file: "a.htpasswd" } }, cache: {} }] }, ["routes", 0, "cache"]],
  ["cors-headers-edge-owned", { routes: [{ kind: "api", path: "/", cors: { origins: ["*"] }, headers: { "Access-Control-Allow-Origin": "*" } }] }, ["routes", 0, "headers", "Access-Control-Allow-Origin"]],
  ["trusted-proxies-needed", { tls: { enabled: false, terminatedBy: "loadBalancer" } }, ["tls", "terminatedBy"]],
  ["trusted-proxies-needed", { realIp: { enabled: false, from: ["10.0.0.0/8"] }, requestId: { keepIncoming: "trusted" } }, ["requestId", "keepIncoming"]],
  ["hsts-without-https", { tls: { enabled: false } }, ["tls", "hsts", "enabled"]],
  ["rate-limit-scope", { kubernetes: { enabled: true }, routes: [{ kind: "api", path: "/", rateLimit: { rate: "10r/s" } }] }, ["routes", 0, "rateLimit"]],
  ["kubernetes-cluster-dns", { kubernetes: { enabled: true }, tls: { ocspStapling: { enabled: true } } }, ["tls", "ocspStapling", "resolvers", 0]],
  ["kubernetes-cluster-dns", { kubernetes: { enabled: true, dns: { resolver: "127.0.0.11" } } }, ["kubernetes", "dns", "resolver"]],
  ["upstream-names-resolved-once", { nginx: { version: "1.26.3" } }, ["upstreams", "app", "servers", 0, "host"]],
  ["upstream-resolve-fixed-names", { upstreams: { app: { servers: [{ host: "app-1" }, { host: "app-2" }] } } }, ["upstreams", "app", "servers", 1, "host"]],
  ["kubernetes-service-name", { kubernetes: { enabled: true }, backend: { service: "my_api" }, upstreams: { app: { servers: [{ host: "my_api" }] } } }, ["backend", "service"]],
];

describe("rules", () => {
  it("every rule has an id, a summary and at least one case here", () => {
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9-]+$/);
      expect(rule.summary.length).toBeGreaterThan(20);
      expect(CASES.some(([id]) => id === rule.id), rule.id).toBe(true);
    }
  });

  it("the README documents every rule id", () => {
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    for (const rule of RULES) expect(readme, rule.id).toContain(`| \`${rule.id}\` | ${rule.severity} |`);
  });

  it("the default spec and the minimal spec trip no rule", () => {
    expect(runRules(spec(), () => undefined)).toEqual([]);
  });

  it.each(CASES)("%s fires on %j", (id, input, path) => {
    const findings = ruleById(id).check(spec(input));
    expect(findings.map((f) => f.path)).toContainEqual(path);
    for (const f of findings) expect(f.fix, "a finding says how to fix it").toBeTruthy();
  });

  it("diagnostics carry the rule id, severity and the position of the path", () => {
    // An IP server: nginx 1.22 would also warn that a name is resolved once (upstream-names-resolved-once).
    const diagnostics = runRules(spec({ nginx: { version: "1.22.1" }, tls: { http3: true }, upstreams: { app: { servers: [{ host: "10.0.0.5" }] } } }), (p) => ({ line: p.length, column: 7 }), "x.yaml");
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: "http3-needs-nginx-1-25", severity: "error", path: ["tls", "http3"], file: "x.yaml", position: { line: 2, column: 7 } }),
    ]);
  });

  it("a waived error still reports, as a warning with the reason, and no longer blocks", () => {
    const s = spec({ nginx: { serverTokens: true, workerConnections: 1024, workerRlimitNofile: 1024 }, waive: [{ rule: "worker-rlimit-nofile", reason: "the host caps descriptors at 1024" }] });
    const found = runRules(s, () => undefined).filter((d) => d.code === "worker-rlimit-nofile");
    expect(found).toEqual([expect.objectContaining({ severity: "warning", message: expect.stringContaining("(waived: the host caps descriptors at 1024)") })]);
  });

  it("rules whose findings nginx would reject cannot be waived", () => {
    const diagnostics = runRules(spec({ nginx: { version: "1.22.1" }, tls: { http3: true }, waive: [{ rule: "http3-needs-nginx-1-25", reason: "we know what we do" }] }), () => undefined);
    expect(diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ severity: "error", code: "waive", path: ["waive", 0, "rule"] }),
        expect.objectContaining({ severity: "error", code: "http3-needs-nginx-1-25" }),
      ]),
    );
  });

  it("a waiver for an unknown rule is an error; one that matches nothing is a warning", () => {
    const diagnostics = runRules(spec({ waive: [{ rule: "no-such-rule", reason: "because reasons" }, { rule: "server-tokens", reason: "nothing to waive here" }] }), () => undefined);
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: "error", code: "waive", path: ["waive", 0, "rule"] }),
      expect.objectContaining({ severity: "warning", code: "waive", path: ["waive", 1] }),
    ]);
  });

  it("mount-points-distinct passes static routes that share a root and a source, and sibling directories", () => {
    const routes = [
      { kind: "static", path: "/a/", root: "/srv/a", hostDir: "a" },
      { kind: "static", path: "/b/", root: "/srv/a", hostDir: "a" },
      { kind: "static", path: "/c/", root: "/srv/ab", hostDir: "c" },
      { kind: "static", path: "/d/", root: "/srv/a/d" },
    ] as const;
    expect(ruleById("mount-points-distinct").check(spec({ tls: { certificate: "/etc/nginx/edgekit-certs/c.pem", certificateKey: "/etc/nginx/edgekit-certs/k.pem" }, routes: [...routes] }))).toEqual([]);
  });

  it("allow and trust lists that leave some address out of each family pass", () => {
    expect(ruleById("status-not-public").check(spec({ metrics: { allow: ["0.0.0.0/1", "128.0.0.0/2", "::1"] } }))).toEqual([]);
    expect(ruleById("real-ip-trust-all").check(spec({ realIp: { enabled: true, from: ["0.0.0.0/1", "8000::/1"] } }))).toEqual([]);
    // nginx judges an IPv4 client (IPv4-mapped too) only by IPv4 blocks (test/host/spec/address-set.live.test.ts).
    expect(ruleById("real-ip-trust-all").check(spec({ realIp: { enabled: true, from: ["::ffff:0:0/96", "::/2"] } }))).toEqual([]);
    expect(ruleById("status-not-public").check(spec({ metrics: { allow: ["::ffff:0:0/96"] } }))).toEqual([]);
    expect(ruleById("access-allows-everyone").check(spec({ routes: [{ kind: "api", path: "/a/", access: { allow: ["10.0.0.0/8", "0.0.0.0/1"] } }] }))).toEqual([]);
  });

  it("the keep-alive pairing rule ignores upstreams that are not the compose backend", () => {
    expect(ruleById("backend-keepalive-outlives-nginx").check(spec({ upstreams: { app: { servers: [{ host: "other" }], keepalive: { timeout: "120s" } } } }))).toEqual([]);
  });
});
