// Every rendered config the local nginx can run passes the real `nginx -t`; configs in a syntax
// it can't run (nginx >= 1.25.1) are checked on their text instead.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installedNginxVersion, nginxTest } from "../../../src/nginx-check/nginx-test.js";
import { versionGatedFeatures } from "../../../src/model/nginx.js";
import { missingFeatures } from "../../../src/nginx-features/index.js";
import { compileSpecText } from "../../../src/pipeline.js";
import { renderNginxConf } from "../../../src/targets/index.js";
import { allSpecFiles, REPO, spec, specFromFile } from "../../support/specs.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." };

describe("real nginx -t", async () => {
  const installed = await installedNginxVersion();
  it("nginx is installed (scripts/test installs it; these checks never skip)", () => {
    expect(installed, "nginx not found: apt-get install nginx libnginx-mod-http-brotli-filter").toMatch(/^\d+\.\d+\.\d+$/);
  });

  const runnable = allSpecFiles().filter((f) => missingFeatures(installed ?? "0.0.0", versionGatedFeatures(specFromFile(join(REPO, f)))).length === 0);
  it("covers the default spec and at least six examples", () => {
    expect(allSpecFiles().length).toBeGreaterThanOrEqual(7);
    expect(runnable).toContain("spec.yaml");
    expect(runnable.length).toBeGreaterThanOrEqual(6);
  });

  it.each(runnable)("%s renders a config nginx accepts", async (file) => {
    const compiled = compileSpecText(readFileSync(join(REPO, file), "utf8"), file, OPTIONS);
    expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const result = await nginxTest(compiled.spec!);
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  it("rejects what nginx rejects (the check can fail)", async () => {
    const broken = spec({ routes: [{ kind: "api", path: "/a/", timeouts: { read: "5s" } }] });
    const result = await nginxTest({ ...broken, nginx: { ...broken.nginx, modulesDir: "/nonexistent" } });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/ngx_http_brotli_filter_module/);
  });
});

describe("nginx >= 1.25.1 syntax (not runnable on this nginx): checked on the text", () => {
  const conf = renderNginxConf(specFromFile(join(REPO, "examples/modern-nginx-1.27.yaml")), OPTIONS);
  it("uses `http2 on;` and never `listen ... http2`", () => {
    expect(conf).toMatch(/^\s+http2 on;$/m);
    expect(conf).not.toMatch(/listen [^;]*\bhttp2\b/);
  });
  it("listens for QUIC, turns http3 on and advertises it with Alt-Svc in every https location", () => {
    expect(conf).toMatch(/^\s+listen 443 quic reuseport default_server;$/m);
    expect(conf).toMatch(/^\s+http3 on;$/m);
    const httpsServer = conf.slice(conf.indexOf("# HTTPS on 443"));
    const locations = httpsServer.match(/location [^{]+\{/g) ?? [];
    const altSvc = httpsServer.match(/add_header Alt-Svc "h3=\\":443\\"; ma=86400" always;/g) ?? [];
    expect(locations.length).toBeGreaterThan(0);
    expect(altSvc.length).toBe(locations.length);
  });
  it("the modern profile is TLS 1.3 only with no cipher list", () => {
    expect(conf).toMatch(/ssl_protocols TLSv1\.3;/);
    expect(conf).not.toMatch(/ssl_ciphers/);
  });
  it("staples OCSP with the listed resolvers, IPv6 bracketed", () => {
    expect(conf).toMatch(/ssl_stapling on;/);
    expect(conf).toMatch(/resolver 1\.1\.1\.1 \[2606:4700:4700::1111\] valid=300s;/);
  });
});
