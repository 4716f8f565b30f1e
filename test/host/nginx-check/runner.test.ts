// Every nginx release edgekit claims, run for real: edgekit's image of each release (deploy/nginx,
// built from the release's Debian suite) answers with exactly the table's version, and the default
// spec and every example, rendered for that release, pass its `nginx -t`. Docker is needed; CI
// readies it (scripts/test), so there a missing engine fails instead of skipping.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureNginxImage } from "../../../src/nginx-check/images.js";
import { nginxTest } from "../../../src/nginx-check/nginx-test.js";
import { releaseNginx } from "../../../src/nginx-check/runner.js";
import { TESTED_RELEASES } from "../../../src/nginx-features/index.js";
import { compileSpecText } from "../../../src/pipeline.js";
import { allSpecFiles, REPO, spec, specTextForVersion } from "../../support/specs.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." };
const dockerUp = (await execa("docker", ["info"], { reject: false })).exitCode === 0;
if (!dockerUp && process.env.CI === "true") throw new Error("Docker is not running, and CI readies it (scripts/docker-ready.sh)");

/**
 * nginx's notes about the test certificate itself: the development CA issues no OCSP responder URL,
 * so a spec with OCSP stapling gets this warning here and not with a real CA's certificate.
 */
function withoutDevCertNotes(output: string): string {
  return output
    .split("\n")
    .filter((line) => !/\[warn\] "ssl_stapling" ignored, no OCSP responder URL in the certificate/.test(line))
    .join("\n")
    .trim();
}

describe.skipIf(!dockerUp).each(TESTED_RELEASES)("nginx $version ($source)", (release) => {
  const runner = releaseNginx(release);
  beforeAll(async () => {
    await ensureNginxImage(release);
  }, 600_000);

  it("the image runs exactly this release", async () => {
    expect(await runner.version()).toBe(release.version);
  });

  it.each(allSpecFiles())("%s, rendered for this release, passes its nginx -t", async (file) => {
    const text = specTextForVersion(readFileSync(join(REPO, file), "utf8"), release.version);
    const compiled = compileSpecText(text, file, OPTIONS);
    const errors = compiled.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) {
      // Only a version-gated feature this release lacks (HTTP/3, sticky) may stop an example here.
      expect(errors.filter((d) => !["http3-needs-nginx-1-25", "sticky-needs-nginx"].includes(d.code))).toEqual([]);
      expect(errors.length).toBeGreaterThan(0);
      return;
    }
    const result = await nginxTest(compiled.spec!, { runner });
    expect(result.ranOn).toEqual({ label: runner.label, version: release.version });
    expect(withoutDevCertNotes(result.output)).toBe("");
    expect(result.ok).toBe(true);
  }, 60_000);

  it("rejects what this nginx rejects (the check can fail)", async () => {
    const broken = spec({ nginx: { version: release.version, modulesDir: "/nonexistent" } });
    const result = await nginxTest(broken, { runner });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/ngx_http_brotli_filter_module/);
  }, 60_000);
});
