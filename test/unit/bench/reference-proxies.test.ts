// HAProxy and Caddy configured from the spec: checked by the real tools (`haproxy -c`,
// `caddy validate`) with real certificates. CI installs both, so there a missing one fails.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { deriveBenchSpec } from "../../../src/bench/bench-spec.js";
import { findExecutable } from "../../../src/bench/environment.js";
import { caddyfile, haproxyConfig, plainSecurityHeaders } from "../../../src/bench/reference-proxies.js";
import { createDevCerts } from "../../../src/certs/dev-certs.js";
import { REPO, spec, specFromFile } from "../../support/specs.js";
import { tempDir } from "../cli/run-cli.js";

const bench = deriveBenchSpec(specFromFile(join(REPO, "spec.yaml")), { backendPort: 45678, nginxVersion: "1.22.1" }).spec;
const options = (dir: string) => ({ port: 44321, backendPort: 45678, combinedPem: join(dir, "combined.pem"), cert: join(dir, "fullchain.pem"), key: join(dir, "privkey.pem"), workers: 3, dataDir: join(dir, "data") });

/** The tool's path; a missing tool skips locally and fails in CI (CI=true), which installs it. */
function requireTool(name: string, skip: (note: string) => void): string {
  const path = findExecutable(name);
  if (path) return path;
  if (process.env.CI === "true") throw new Error(`${name} is not installed, and CI installs it (scripts/lib/system.sh)`);
  skip(`${name} is not installed`);
  return "";
}

async function certsIn(dir: string) {
  const certs = await createDevCerts({ dir, names: ["localhost"], certFile: "fullchain.pem", keyFile: "privkey.pem" });
  writeFileSync(join(dir, "combined.pem"), readFileSync(certs.cert, "utf8") + readFileSync(certs.key, "utf8"));
  mkdirSync(join(dir, "data"), { recursive: true });
}

describe("haproxy.cfg", () => {
  it("carries the spec's essentials: workers, TLS floor, h2, gzip types, security headers, a reused pool", () => {
    const cfg = haproxyConfig(bench, options("/x"));
    expect(cfg).toContain("    nbthread 3\n");
    expect(cfg).toContain("ssl-min-ver TLSv1.2 no-tls-tickets");
    expect(cfg).toContain("alpn h2,http/1.1");
    expect(cfg).toContain("compression type application/javascript application/json ");
    expect(cfg).toContain("http-reuse always");
    expect(cfg).toContain("server app1 127.0.0.1:45678");
    for (const h of plainSecurityHeaders(bench)) expect(cfg).toContain(`http-response set-header ${h.name} "`);
    expect(cfg).toContain(`set-header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'"`);
  });

  it("escapes % (HAProxy log-format) and quotes in header values; drops compression when the spec does", () => {
    const s = spec({ securityHeaders: { permissionsPolicy: 'a="100%"' }, compression: { gzip: { enabled: false } } });
    const cfg = haproxyConfig(s, options("/x"));
    expect(cfg).toContain(`set-header Permissions-Policy "a=\\"100%%\\""`);
    expect(cfg).not.toContain("compression");
  });

  it("is accepted by the real haproxy -c", async ({ skip }) => {
    const haproxy = requireTool("haproxy", skip);
    const dir = tempDir("edgekit-haproxy-");
    await certsIn(dir);
    writeFileSync(join(dir, "haproxy.cfg"), haproxyConfig(bench, options(dir)));
    const r = await execa(haproxy, ["-c", "-f", join(dir, "haproxy.cfg")], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    expect(String(r.all)).not.toMatch(/\[WARNING\]/);
  });
});

describe("Caddyfile", () => {
  it("carries the spec's essentials: TLS versions, gzip level and types, headers, keep-alive pool", () => {
    const c = caddyfile(bench, options("/x"));
    expect(c).toContain("protocols tls1.2 tls1.3");
    expect(c).toContain(`gzip ${bench.compression.gzip.level}\n`); // the spec's level, whatever the default
    expect(c).toContain("minimum_length 1024");
    expect(c).toContain("            header Content-Type application/json*\n");
    expect(c).toContain("keepalive_idle_conns_per_host 384"); // 128 per nginx worker × 3 workers
    expect(c).toContain('        X-Frame-Options "DENY"');
    expect(c).toContain("admin off");
  });

  it("is accepted by the real caddy validate", async ({ skip }) => {
    const caddy = requireTool("caddy", skip);
    const dir = tempDir("edgekit-caddy-");
    await certsIn(dir);
    writeFileSync(join(dir, "Caddyfile"), caddyfile(bench, options(dir)));
    const data = join(dir, "data");
    const r = await execa(caddy, ["validate", "--config", join(dir, "Caddyfile"), "--adapter", "caddyfile"], {
      reject: false,
      all: true,
      env: { HOME: data, XDG_DATA_HOME: data, XDG_CONFIG_HOME: data },
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(String(r.all)).toContain("Valid configuration");
  });
});
