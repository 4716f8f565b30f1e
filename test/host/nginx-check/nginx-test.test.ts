// nginx -t on a rendered spec. With no runner named it runs the spec's own version: the host's
// nginx when it is that version, otherwise edgekit's image of the release (runner.test.ts runs
// every example on every release). Here: the host's nginx, and what the check says when the nginx
// that runs it lacks a feature the config uses.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installedNginxVersion, nginxTest } from "../../../src/nginx-check/nginx-test.js";
import { hostNginx } from "../../../src/nginx-check/runner.js";
import { hasFeature, TESTED_RELEASES } from "../../../src/nginx-features/index.js";
import { compileSpecText } from "../../../src/pipeline.js";
import { allSpecFiles, REPO, spec, specTextForVersion } from "../../support/specs.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." };

describe("real nginx -t on this host's nginx", async () => {
  const installed = await installedNginxVersion();
  it("nginx is installed (scripts/test installs it; these checks never skip)", () => {
    expect(installed, "nginx not found: apt-get install nginx libnginx-mod-http-brotli-filter").toMatch(/^\d+\.\d+\.\d+$/);
    expect(TESTED_RELEASES.map((r) => r.version), "the host's nginx is one of the tested releases").toContain(installed);
  });

  it.each(allSpecFiles())("%s, rendered for the host's nginx, passes its nginx -t", async (file) => {
    const compiled = compileSpecText(specTextForVersion(readFileSync(join(REPO, file), "utf8"), installed!), file, OPTIONS);
    const errors = compiled.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) {
      // Only a version-gated feature the host's nginx lacks (HTTP/3, sticky) may stop an example here.
      expect(errors.filter((d) => !["http3-needs-nginx-1-25", "sticky-needs-nginx"].includes(d.code))).toEqual([]);
      return;
    }
    const result = await nginxTest(compiled.spec!, { runner: hostNginx() });
    expect(result.ranOn).toEqual({ label: hostNginx().label, version: installed });
    expect(result.output.split("\n").filter((l) => l && !/no OCSP responder URL/.test(l))).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("rejects what nginx rejects (the check can fail)", async () => {
    const broken = spec({ nginx: { version: installed!, modulesDir: "/nonexistent" }, routes: [{ kind: "api", path: "/a/", timeouts: { read: "5s" } }] });
    const result = await nginxTest(broken, { runner: hostNginx() });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/ngx_http_brotli_filter_module/);
  });

  it("a config using a feature the running nginx lacks is not checked, and the check says which and why", async () => {
    const newer = TESTED_RELEASES.find((r) => hasFeature(r.version, "http2-directive") && !hasFeature(installed!, "http2-directive"));
    const older = TESTED_RELEASES.find((r) => !hasFeature(r.version, "http2-directive") && hasFeature(installed!, "http2-directive"));
    const other = newer ?? older!;
    const result = await nginxTest(spec({ nginx: { version: other.version } }), { runner: hostNginx() });
    if (newer) {
      expect(result).toMatchObject({ ok: false, unavailable: true });
      expect(result.output).toContain(`uses http2-directive (1.25.1), which nginx ${installed}`);
    } else {
      // An older target's syntax still loads on a newer nginx (with its deprecation warning).
      expect(result.ok).toBe(true);
    }
  });
});
