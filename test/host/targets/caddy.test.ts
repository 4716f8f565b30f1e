// Caddy configured from the spec: checked by the real `caddy validate` with real certificates. CI
// installs it, so there a missing caddy fails.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { caddyQuote } from "../../../src/model/caddy.js";
import { caddyTarget } from "../../../src/targets/index.js";
import { spec } from "../../support/specs.js";
import { tempDir } from "../../support/run-cli.js";
import { benchSpec, certsIn, referencePlan, requireTool } from "../../support/reference-targets.js";

const render = (s = benchSpec, dir = "/x") => caddyTarget.render(referencePlan(s, dir))[0]!.content;

describe("reference/Caddyfile", () => {
  it("carries the spec's essentials: TLS versions, gzip level and types, headers, keep-alive pool", () => {
    const c = render();
    expect(c).toMatch(/^# Written by edgekit from spec\.yaml: a reference point for the benchmark, not a supported edge\.\n/);
    expect(c).toContain("https://127.0.0.1:44321, https://localhost:44321 {\n");
    expect(c).toContain("    storage file_system /x/caddy\n");
    expect(c).toContain("    tls /x/fullchain.pem /x/privkey.pem {\n");
    expect(c).toContain("protocols tls1.2 tls1.3");
    expect(c).toContain("curves x25519 secp256r1 secp384r1");
    expect(c).toContain(`gzip ${benchSpec.compression.gzip.level}\n`); // the spec's level, whatever the default
    expect(c).toContain("minimum_length 1024");
    expect(c).toContain("            header Content-Type application/json*\n");
    expect(c).toContain("    reverse_proxy 127.0.0.1:45678 {\n");
    expect(c).toContain("keepalive_idle_conns_per_host 384"); // 128 per nginx worker × 3 workers
    expect(c).toContain('        X-Frame-Options "DENY"');
    expect(c).toContain("admin off");
  });

  it("leaves out header values Caddy would expand as placeholders, and compression when the spec does", () => {
    const c = render(spec({ securityHeaders: { permissionsPolicy: "a={b}" }, compression: { gzip: { enabled: false } } }));
    expect(c).not.toContain("Permissions-Policy");
    expect(c).not.toContain("encode");
    expect(() => caddyQuote("{env.HOME}")).toThrow(/placeholder/);
  });

  it("is accepted by the real caddy validate", async ({ skip }) => {
    const caddy = requireTool("caddy", skip);
    const dir = tempDir("edgekit-caddy-");
    await certsIn(dir);
    writeFileSync(join(dir, "Caddyfile"), render(benchSpec, dir));
    const data = join(dir, "caddy");
    const r = await execa(caddy, ["validate", "--config", join(dir, "Caddyfile"), "--adapter", "caddyfile"], {
      reject: false,
      all: true,
      env: { HOME: data, XDG_DATA_HOME: data, XDG_CONFIG_HOME: data },
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(String(r.all)).toContain("Valid configuration");
  });
  it("keeps a hostile spec name inside its first comment line; caddy validate accepts the file", async ({ skip }) => {
    const caddy = requireTool("caddy", skip);
    const dir = tempDir("edgekit-caddy-");
    await certsIn(dir);
    const plain = render(benchSpec, dir).split("\n");
    const data = join(dir, "caddy");
    for (const name of ["x\n}\nbogus {\n#", "cr\r}", "nel\u0085ls\u2028ps\u2029", "{$HOME} \"q\" \\"]) {
      const plan = referencePlan(benchSpec, dir);
      const cfg = caddyTarget.render({ ...plan, options: { ...plan.options, specName: name } })[0]!.content;
      expect(cfg.split("\n").slice(1), JSON.stringify(name)).toEqual(plain.slice(1));
      expect(cfg.split("\n")[0]).not.toMatch(/[\r\u0085\u2028\u2029]/);
      writeFileSync(join(dir, "Caddyfile"), cfg);
      const r = await execa(caddy, ["validate", "--config", join(dir, "Caddyfile"), "--adapter", "caddyfile"], { reject: false, all: true, env: { HOME: data, XDG_DATA_HOME: data, XDG_CONFIG_HOME: data } });
      expect(r.exitCode, r.all).toBe(0);
    }
  });
});
