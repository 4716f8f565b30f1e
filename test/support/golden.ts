// Behaviour-preservation fixtures: every output edgekit derives from a spec (the generated files,
// the reference-proxy configs, the verify probe plan and the benchmark's spec derivation), captured
// for a fixed corpus of specs. test/unit/golden.test.ts compares against them. A change that means
// to alter output re-bases them deliberately with EDGEKIT_UPDATE_GOLDEN=1 and says so in its commit.
import { deriveBenchSpec } from "../../src/bench/bench-spec.js";
import { caddyfile, haproxyConfig } from "../../src/bench/reference-proxies.js";
import { compileSpecText } from "../../src/pipeline.js";
import { renderNginxConf } from "../../src/targets/index.js";
import { specPlan } from "../../src/verify/plan.js";

export const GOLDEN_OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." } as const;

const PROXY_OPTIONS = {
  port: 44321,
  backendPort: 45678,
  combinedPem: "/run/edgekit/combined.pem",
  cert: "/run/edgekit/fullchain.pem",
  key: "/run/edgekit/privkey.pem",
  workers: 2,
  dataDir: "/run/edgekit/data",
};

/** Every output of one spec text as one document of `===== name =====` sections. */
export function goldenOutputs(text: string): string {
  const result = compileSpecText(text, "spec.yaml", GOLDEN_OPTIONS);
  if (!result.spec || !result.files) {
    return `===== diagnostics =====\n${result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path.join(".")}: ${d.message}`).join("\n")}\n`;
  }
  const sections: [string, string][] = result.files.map((f) => [f.path, f.content]);
  const bench = deriveBenchSpec(result.spec, { backendPort: 45678, nginxVersion: "1.30.0" });
  sections.push(["bench: notes", `${bench.notes.join("\n")}\ntools ${bench.toolsPath} cached ${bench.cachedPath}\n`]);
  sections.push(["bench: nginx.conf", renderNginxConf(bench.spec, GOLDEN_OPTIONS)]);
  sections.push(["bench: haproxy.cfg", haproxyConfig(bench.spec, PROXY_OPTIONS)]);
  sections.push(["bench: Caddyfile", caddyfile(bench.spec, PROXY_OPTIONS)]);
  sections.push(["verify: plan", `${JSON.stringify(specPlan(result.spec, new URL("https://edge.example.com/probe?x=1")), null, 2)}\n`]);
  return sections.map(([name, content]) => `===== ${name} =====\n${content}`).join("");
}
