// The secrets compose mounts into the nginx container: one per htpasswd file of a route with basic
// auth (routes that share a file share its secret). The nginx config names the file by its path
// in the container, compose mounts it there read-only; both read it from here.
import { posix } from "node:path";
import type { Spec } from "../spec/schema.js";
import { allRoutes } from "../spec/sites.js";

/** Compose's own directory for secrets: a secret mounted here needs only its name as target. */
export const COMPOSE_SECRETS_DIR = "/run/secrets";

export interface NginxSecret {
  /** Compose secret name (letters, digits, '_'), unique per spec. */
  name: string;
  /** The host file, relative to the spec, normalized. */
  file: string;
  /** Where the nginx container sees it. */
  target: string;
  /** The spec field of the first route that names it. */
  field: (string | number)[];
}

/** Every htpasswd secret of the spec, in route order, one per distinct file. */
export function nginxSecrets(spec: Spec): NginxSecret[] {
  const byFile = new Map<string, NginxSecret>();
  const names = new Set<string>();
  allRoutes(spec).forEach(({ route, path }) => {
    const basic = route.auth?.basic;
    if (!basic) return;
    const file = posix.normalize(basic.file).replace(/\/$/, "");
    if (byFile.has(file)) return;
    const slug = file.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 50) || "file";
    let name = `htpasswd_${slug}`;
    for (let n = 2; names.has(name); n++) name = `htpasswd_${slug}_${n}`;
    names.add(name);
    byFile.set(file, { name, file, target: posix.join(spec.container.secretsDir, name), field: [...path, "auth", "basic", "file"] });
  });
  return [...byFile.values()];
}

/** The secret of the htpasswd file a route names. */
export function secretFor(spec: Spec, file: string): NginxSecret {
  const normal = posix.normalize(file).replace(/\/$/, "");
  const secret = nginxSecrets(spec).find((s) => s.file === normal);
  if (!secret) throw new Error(`no secret for ${file}`);
  return secret;
}
