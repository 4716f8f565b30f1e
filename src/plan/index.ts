// The edge plan: one validated spec and how its files are placed, from which every target builds
// its files. Pure data; the targets (src/targets) turn it into files.
import type { Spec } from "../spec/schema.js";

export interface PlanOptions {
  /** The spec's file name as the user knows it (a base name, so output doesn't depend on the checkout path). */
  specName: string;
  /** Path from the output directory to the spec's directory, POSIX style ('.' when they are the same). */
  specDirFromOutput: string;
  /** Only for reference targets (HAProxy, Caddy): how the reference proxy is run. */
  reference?: ReferenceSetup;
}

/** How a reference proxy is run beside the edge (by `edgekit bench`): what the spec can't say. */
export interface ReferenceSetup {
  /** Worker threads: as many as nginx has worker processes. */
  workers: number;
  /** A directory the proxy owns: HAProxy's combined certificate (haproxy.pem), Caddy's storage (caddy/). */
  stateDir: string;
  /** Address the proxy binds (the edge's own listen ports, on this address). */
  bindAddress: string;
}

export interface EdgePlan {
  spec: Spec;
  options: PlanOptions;
}

export function planEdge(spec: Spec, options: PlanOptions): EdgePlan {
  return { spec, options };
}
