// Each rule: a spec that trips it (with the path it points at) and the default spec that doesn't.
import { describe, expect, it } from "vitest";
import { RULES, runRules } from "../../../src/rules/index.js";
import type { Rule } from "../../../src/rules/rule.js";
import { spec } from "../../support/specs.js";

const ruleById = (id: string): Rule => RULES.find((r) => r.id === id)!;

const CASES: [string, Parameters<typeof spec>[0], (string | number)[]][] = [
  ["nginx-version-supported", { nginx: { version: "1.20.2" } }, ["nginx", "version"]],
  ["http3-needs-nginx-1-25", { tls: { http3: true } }, ["tls", "http3"]],
  ["http3-needs-nginx-1-25", { nginx: { version: "1.27.0" }, tls: { http3: true, enabled: false } }, ["tls", "http3"]],
  ["listen-ports-distinct", { listen: { httpPort: 8443, httpsPort: 8443 } }, ["listen", "httpsPort"]],
  ["tls-files-one-dir", { tls: { certificate: "/a/cert.pem", certificateKey: "/b/key.pem" } }, ["tls", "certificateKey"]],
  ["route-path-unique", { routes: [{ kind: "api", path: "/a/" }, { kind: "sse", path: "/a/" }] }, ["routes", 1, "path"]],
  ["route-path-unique", { routes: [{ kind: "api", path: "/nginx_status", match: "exact" }] }, ["routes", 0, "path"]],
  ["route-upstream-exists", { routes: [{ kind: "api", path: "/", upstream: "nope" }] }, ["routes", 0, "upstream"]],
  ["route-upstream-exists", { upstreams: { a: { servers: [{ host: "a" }] }, b: { servers: [{ host: "b" }] } }, routes: [{ kind: "api", path: "/" }] }, ["routes", 0]],
  ["static-path-shape", { routes: [{ kind: "static", path: "/static" }] }, ["routes", 0, "path"]],
  ["static-path-shape", { routes: [{ kind: "static", path: "/static/", match: "exact" }] }, ["routes", 0, "path"]],
  ["sse-read-timeout-exceeds-heartbeat", { routes: [{ kind: "sse", path: "/sse", timeouts: { read: "20s" } }] }, ["routes", 0, "timeouts", "read"]],
  ["upstream-backup-balance", { upstreams: { app: { servers: [{ host: "a" }, { host: "b", backup: true }], balance: "ip_hash" } } }, ["upstreams", "app", "servers", 1, "backup"]],
  ["real-ip-trusted-proxies", { realIp: { enabled: true } }, ["realIp", "from"]],
  ["backend-keepalive-outlives-nginx", { backend: { keepAliveTimeout: "30s", headersTimeout: "31s" } }, ["upstreams", "app", "keepalive", "timeout"]],
  ["backend-keepalive-outlives-nginx", { backend: { keepAliveTimeout: "65s", headersTimeout: "65s" } }, ["backend", "headersTimeout"]],
];

describe("rules", () => {
  it("every rule has an id, a summary and at least one case here", () => {
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9-]+$/);
      expect(rule.summary.length).toBeGreaterThan(20);
      expect(CASES.some(([id]) => id === rule.id), rule.id).toBe(true);
    }
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
    const diagnostics = runRules(spec({ tls: { http3: true } }), (p) => ({ line: p.length, column: 7 }), "x.yaml");
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: "http3-needs-nginx-1-25", severity: "error", path: ["tls", "http3"], file: "x.yaml", position: { line: 2, column: 7 } }),
    ]);
  });

  it("the keep-alive pairing rule ignores upstreams that are not the compose backend", () => {
    expect(ruleById("backend-keepalive-outlives-nginx").check(spec({ upstreams: { app: { servers: [{ host: "other" }], keepalive: { timeout: "120s" } } } }))).toEqual([]);
  });
});
