// Behaviour-preservation fixtures: every output edgekit derives from a spec (the generated files,
// the reference-proxy configs, the verify probe plan and the benchmark's spec derivation), captured
// for a fixed corpus of specs. test/host/golden.test.ts compares against them. A change that means
// to alter output re-bases them deliberately with EDGEKIT_UPDATE_GOLDEN=1 and says so in its commit.
import { deriveBenchSpec } from "../../src/bench/bench-spec.js";
import { compileSpecText } from "../../src/pipeline.js";
import type { Spec } from "../../src/spec/schema.js";
import { caddyTarget, haproxyTarget, renderNginxConf, type Target } from "../../src/targets/index.js";
import { specPlan } from "../../src/verify/plan.js";

export const GOLDEN_OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." } as const;

/** A fixed reference setup: the proxies listen on 44321 with these certificates and state directory. */
const REFERENCE = { workers: 2, stateDir: "/run/edgekit", bindAddress: "127.0.0.1" } as const;

function referenceConfig(target: Target, spec: Spec): string {
  const proxySpec: Spec = {
    ...spec,
    listen: { ...spec.listen, httpsPort: 44321 },
    tls: { ...spec.tls, certificate: "/run/edgekit/fullchain.pem", certificateKey: "/run/edgekit/privkey.pem" },
  };
  const files = target.render({ spec: proxySpec, options: { ...GOLDEN_OPTIONS, reference: REFERENCE } });
  return files.map((f) => f.content).join("");
}

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
  sections.push(["bench: haproxy.cfg", referenceConfig(haproxyTarget, bench.spec)]);
  sections.push(["bench: Caddyfile", referenceConfig(caddyTarget, bench.spec)]);
  sections.push(["verify: plan", `${JSON.stringify(specPlan(result.spec, new URL("https://edge.example.com/probe?x=1")), null, 2)}\n`]);
  return sections.map(([name, content]) => `===== ${name} =====\n${content}`).join("");
}
