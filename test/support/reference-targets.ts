// Shared by the reference-target tests: the bench spec, a plan for it, the real tools and certificates.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deriveBenchSpec } from "../../src/bench/bench-spec.js";
import { findExecutable } from "../../src/bench/environment.js";
import { createDevCerts } from "../../src/certs/dev-certs.js";
import { caddyStorageDir } from "../../src/model/caddy.js";
import { haproxyCombinedPem } from "../../src/model/haproxy.js";
import type { EdgePlan, ReferenceSetup } from "../../src/plan/index.js";
import type { Spec } from "../../src/spec/schema.js";
import { REPO, specFromFile } from "./specs.js";

export const benchSpec = deriveBenchSpec(specFromFile(join(REPO, "spec.yaml")), { backendPort: 45678, nginxVersion: "1.22.1" }).spec;

/** The spec as a reference proxy runs it: TLS on 44321 with the certificates in `dir`, state in `dir`, 3 workers. */
export function referencePlan(spec: Spec, dir: string): EdgePlan {
  const reference = referenceSetup(dir);
  return {
    spec: { ...spec, listen: { ...spec.listen, httpsPort: 44321 }, tls: { ...spec.tls, certificate: join(dir, "fullchain.pem"), certificateKey: join(dir, "privkey.pem") } },
    options: { specName: "spec.yaml", specDirFromOutput: ".", reference },
  };
}

export function referenceSetup(dir: string): ReferenceSetup {
  return { workers: 3, stateDir: dir, bindAddress: "127.0.0.1" };
}

/** The tool's path; a missing tool skips locally and fails in CI (CI=true), which installs it. */
export function requireTool(name: string, skip: (note: string) => void): string {
  const path = findExecutable(name);
  if (path) return path;
  if (process.env.CI === "true") throw new Error(`${name} is not installed, and CI installs it (scripts/lib/system.sh)`);
  skip(`${name} is not installed`);
  return "";
}

/** Development certificates in `dir`, HAProxy's combined PEM and Caddy's storage where the plan says. */
export async function certsIn(dir: string): Promise<void> {
  const certs = await createDevCerts({ dir, names: ["localhost"], certFile: "fullchain.pem", keyFile: "privkey.pem" });
  const setup = referenceSetup(dir);
  writeFileSync(haproxyCombinedPem(setup), readFileSync(certs.cert, "utf8") + readFileSync(certs.key, "utf8"));
  mkdirSync(caddyStorageDir(setup), { recursive: true });
}
