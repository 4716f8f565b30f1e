// The one list of output targets. `edgekit generate` writes the edge targets in this order; the
// reference targets are built on request (`edgekit bench`). Adding a target is a file here and a
// row in src/plan/layout.ts OUTPUT_PATHS.
import type { EdgePlan } from "../plan/index.js";
import { caddyTarget } from "./caddy.js";
import { composeTarget } from "./compose.js";
import { haproxyTarget } from "./haproxy.js";
import { kubernetesTarget } from "./kubernetes.js";
import { nginxTarget } from "./nginx.js";
import { prometheusTarget } from "./prometheus.js";
import type { RenderedFile, Target } from "./target.js";

export type { RenderedFile, Target } from "./target.js";
export { renderNginxConf } from "./nginx.js";
export { caddyTarget, haproxyTarget };

/** The edge targets first, in the order `edgekit generate` writes them; then the reference targets. */
export const TARGETS: readonly Target[] = [nginxTarget, composeTarget, prometheusTarget, kubernetesTarget, haproxyTarget, caddyTarget];

export const EDGE_TARGETS: readonly Target[] = TARGETS.filter((t) => t.role === "edge");

export const REFERENCE_TARGETS: readonly Target[] = TARGETS.filter((t) => t.role === "reference");

/** Every file of the given targets (default: the edge), in target order. */
export function renderTargets(plan: EdgePlan, targets: readonly Target[] = EDGE_TARGETS): RenderedFile[] {
  return targets.flatMap((target) => {
    const files = target.render(plan);
    const declared = target.paths(plan);
    const undeclared = files.filter((f) => !declared.includes(f.path));
    if (undeclared.length > 0 || files.length !== declared.length) {
      throw new Error(`target ${target.id} rendered ${files.map((f) => f.path).join(", ") || "nothing"} but declares ${declared.join(", ") || "nothing"}`);
    }
    return files;
  });
}

export function targetById(id: string): Target | undefined {
  return TARGETS.find((t) => t.id === id);
}
