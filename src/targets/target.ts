// An output target: one kind of file set built from the edge plan (nginx.conf, the compose file,
// prometheus.yml, the HAProxy and Caddy reference configs, ...). Targets declare their paths
// (src/plan/layout.ts), so what is written, checked and mounted is decided in one place.
import type { EdgePlan } from "../plan/index.js";

export interface RenderedFile {
  /** POSIX path relative to the output directory. */
  path: string;
  content: string;
}

export interface Target {
  id: string;
  /** One line for `--help` and docs. */
  summary: string;
  /**
   * "edge": part of the production edge, written by `edgekit generate` and checked by --check.
   * "reference": another proxy configured like the edge, written only on request (`edgekit bench`).
   */
  role: "edge" | "reference";
  /** The files this target writes for the plan, relative to the output directory (known before rendering). */
  paths(plan: EdgePlan): string[];
  render(plan: EdgePlan): RenderedFile[];
}
