// HAProxy configured from the spec: checked by the real `haproxy -c` with real certificates. CI
// installs it, so there a missing haproxy fails.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { haproxyQuote } from "../../../src/model/haproxy.js";
import { securityHeaderValues } from "../../../src/model/security-headers.js";
import { haproxyTarget } from "../../../src/targets/index.js";
import { spec } from "../../support/specs.js";
import { tempDir } from "../../support/run-cli.js";
import { benchSpec, certsIn, referencePlan, requireTool } from "../../support/reference-targets.js";

const render = (s = benchSpec, dir = "/x") => haproxyTarget.render(referencePlan(s, dir))[0]!.content;

describe("reference/haproxy.cfg", () => {
  it("carries the spec's essentials: workers, TLS floor, h2, gzip types, security headers, a reused pool", () => {
    const cfg = render();
    expect(cfg).toMatch(/^# Written by edgekit from spec\.yaml: a reference point for the benchmark, not a supported edge\.\n/);
    expect(cfg).toContain("    nbthread 3\n");
    expect(cfg).toContain("ssl-min-ver TLSv1.2 no-tls-tickets");
    expect(cfg).toContain("bind 127.0.0.1:44321 ssl crt /x/haproxy.pem alpn h2,http/1.1 curves X25519:P-256:P-384\n");
    expect(cfg).toContain("compression type application/javascript application/json ");
    expect(cfg).toContain("http-reuse always");
    expect(cfg).toContain("server app1 127.0.0.1:45678");
    for (const h of securityHeaderValues(benchSpec, { https: true })) expect(cfg).toContain(`http-response set-header ${h.name} "`);
    expect(cfg).toContain(`set-header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'"`);
  });

  it("escapes % (HAProxy log-format) and quotes in header values; drops compression when the spec does", () => {
    const s = spec({ securityHeaders: { permissionsPolicy: 'a="100%"' }, compression: { gzip: { enabled: false } } });
    const cfg = render(s);
    expect(cfg).toContain(`set-header Permissions-Policy "a=\\"100%%\\""`);
    expect(cfg).not.toContain("compression");
  });

  it("quotes `$` and backslashes, refuses control characters", () => {
    expect(haproxyQuote("a$HOME\\b")).toBe('"a\\$HOME\\\\b"');
    expect(() => haproxyQuote("a\nb")).toThrow(/control character/);
  });

  it("copies the modern profile's floor and leaves TLS 1.2 ciphers out", () => {
    const cfg = render(spec({ tls: { profile: "modern" } }));
    expect(cfg).toContain("ssl-default-bind-options ssl-min-ver TLSv1.3 no-tls-tickets\n");
    expect(cfg).not.toContain("ssl-default-bind-ciphers");
  });

  it("is accepted by the real haproxy -c", async ({ skip }) => {
    const haproxy = requireTool("haproxy", skip);
    const dir = tempDir("edgekit-haproxy-");
    await certsIn(dir);
    writeFileSync(join(dir, "haproxy.cfg"), render(benchSpec, dir));
    const r = await execa(haproxy, ["-c", "-f", join(dir, "haproxy.cfg")], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
    expect(String(r.all)).not.toMatch(/\[WARNING\]/);
  });
  it("keeps a hostile spec name inside its first comment line; haproxy -c accepts the file", async ({ skip }) => {
    const haproxy = requireTool("haproxy", skip);
    const dir = tempDir("edgekit-haproxy-");
    await certsIn(dir);
    const plain = render(benchSpec, dir).split("\n");
    for (const name of ["x\nglobal\n    bogus-keyword on\n#", "cr\rbogus", "nel\u0085ls\u2028ps\u2029", "$HOME %[src] \"q\" \\"]) {
      const plan = referencePlan(benchSpec, dir);
      const cfg = haproxyTarget.render({ ...plan, options: { ...plan.options, specName: name } })[0]!.content;
      expect(cfg.split("\n").slice(1), JSON.stringify(name)).toEqual(plain.slice(1));
      expect(cfg.split("\n")[0]).not.toMatch(/[\r\u0085\u2028\u2029]/);
      writeFileSync(join(dir, "haproxy.cfg"), cfg);
      const r = await execa(haproxy, ["-c", "-f", join(dir, "haproxy.cfg")], { reject: false, all: true });
      expect(r.exitCode, r.all).toBe(0);
    }
  });
});
