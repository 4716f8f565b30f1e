// Runs the real `nginx -t` on a rendered spec. The committed config names container paths
// (/etc/nginx/certs, /var/log/nginx, ...); the check renders the same spec with every file-system
// path moved into a temp prefix and fresh dev certificates, so the host needs only nginx itself.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { createDevCertSet, devKeyType, type DevLeaf } from "../certs/dev-certs.js";
import { renderNginxConf } from "../targets/index.js";
import { isFileRoute } from "../spec/route-kinds.js";
import type { Spec } from "../spec/schema.js";
import { allRoutes, certificateNames, mapCertificates, type CertificatePair } from "../spec/sites.js";
import { feature, missingFeatures } from "../nginx-features/index.js";
import { versionGatedFeatures } from "../model/nginx.js";
import { defaultRunnerFor, type NginxRunner } from "./runner.js";

const NOT_INSTALLED = "nginx is not installed (Debian: apt-get install nginx libnginx-mod-http-brotli-filter)";

export interface NginxTestResult {
  ok: boolean;
  /** nginx is not installed, or too old for the spec's syntax: nothing was checked. */
  unavailable?: boolean;
  /** nginx's own output (it reports on stderr). */
  output: string;
  /** The rendered config that was tested. */
  config: string;
  /** The nginx that ran the check: where, and its version. */
  ranOn?: { label: string; version: string };
}

export interface NginxTestOptions {
  /** Where nginx runs (default: the spec's own version: the host's nginx if it is that, else edgekit's image of it). */
  runner?: NginxRunner;
  /** Keep the temp prefix for inspection instead of deleting it. */
  keep?: boolean;
}

/**
 * The spec with file-system paths moved under `prefix`, and upstream host names (compose service
 * names, resolvable only inside the compose network) replaced by 127.0.0.1, since nginx resolves
 * them while loading. Nothing else changes.
 */
export function checkVariant(spec: Spec, prefix: string): Spec {
  const upstreams = Object.fromEntries(
    Object.entries(spec.upstreams).map(([name, u]) => [name, { ...u, servers: u.servers.map((s) => (isIP(s.host) ? s : { ...s, host: "127.0.0.1" })) }]),
  );
  const files = checkCertificateFiles(spec);
  const moved = (pair: CertificatePair) => {
    const f = files.get(JSON.stringify([pair.certificate, pair.key])) ?? { certFile: "fullchain.pem", keyFile: "privkey.pem" };
    return { certificate: join(prefix, "certs", f.certFile), key: join(prefix, "certs", f.keyFile) };
  };
  return {
    ...mapCertificates(spec, moved),
    upstreams,
    nginx: { ...spec.nginx, pidFile: join(prefix, "nginx.pid"), tempDir: join(prefix, "temp") },
    logging: {
      access: { ...spec.logging.access, path: join(prefix, "logs", "access.log") },
      error: { ...spec.logging.error, path: join(prefix, "logs", "error.log") },
    },
    cache: { ...spec.cache, path: join(prefix, "cache") },
  };
}

/**
 * The development leaves a check makes for `spec`: one per certificate pair, for the names of the
 * sites that present it, with the key type its file name says (devKeyType), under file names of
 * their own (fullchain.pem and privkey.pem for the first, so a one-site spec's check is unchanged).
 */
export function checkCertificateLeaves(spec: Spec): (DevLeaf & { pair: CertificatePair })[] {
  return certificateNames(spec).map(({ pair, names }, i) => ({
    pair,
    names,
    certFile: i === 0 ? "fullchain.pem" : `cert-${i}.pem`,
    keyFile: i === 0 ? "privkey.pem" : `key-${i}.pem`,
    keyType: devKeyType(pair.certificate),
  }));
}

function checkCertificateFiles(spec: Spec): Map<string, DevLeaf> {
  return new Map(checkCertificateLeaves(spec).map((leaf) => [JSON.stringify([leaf.pair.certificate, leaf.pair.key]), leaf]));
}

/**
 * Directories static routes serve from that exist on this host: a containerised nginx must see
 * them too (ones that don't exist aren't mounted, so Docker doesn't create them on the host).
 */
export function fileRoots(spec: Spec): string[] {
  return [...new Set(allRoutes(spec).map((r) => r.route).filter(isFileRoute).map((r) => r.root))].filter((root) => existsSync(root));
}

/** The installed nginx's version, from `nginx -v` (which prints to stderr), or null if there is none. */
export async function installedNginxVersion(nginx = "nginx"): Promise<string | null> {
  const result = await execa(nginx, ["-v"], { reject: false });
  return /nginx\/([0-9]+\.[0-9]+\.[0-9]+)/.exec(String(result.stderr))?.[1] ?? null;
}

export async function nginxTest(spec: Spec, options: NginxTestOptions = {}): Promise<NginxTestResult> {
  const runner = options.runner ?? (await defaultRunnerFor(spec.nginx.version));
  await runner.prepare();
  const installed = await runner.version();
  if (installed === null) return { ok: false, unavailable: true, output: `${NOT_INSTALLED} (looked for ${runner.label})`, config: "" };
  const ranOn = { label: runner.label, version: installed };
  const missing = missingFeatures(installed, versionGatedFeatures(spec));
  if (missing.length > 0) {
    return {
      ok: false,
      unavailable: true,
      output: `cannot check here: the spec targets nginx ${spec.nginx.version} and uses ${missing.map((id) => `${id} (${feature(id).since})`).join(", ")}, which nginx ${installed} (${runner.label}) lacks`,
      config: "",
      ranOn,
    };
  }
  const prefix = mkdtempSync(join(tmpdir(), "edgekit-nginx-t-"));
  try {
    chmodSync(prefix, 0o755); // a containerised nginx's workers run as an unprivileged user
    for (const dir of ["logs", "temp", "cache", "conf"]) mkdirSync(join(prefix, dir), { recursive: true });
    const variant = checkVariant(spec, prefix);
    if (spec.tls.enabled) {
      await createDevCertSet({ dir: join(prefix, "certs"), leaves: checkCertificateLeaves(spec) });
    }
    const config = renderNginxConf(variant, { specName: "spec.yaml", specDirFromOutput: "." });
    const confPath = join(prefix, "conf", "nginx.conf");
    writeFileSync(confPath, config);
    const result = await runner.run(["-t", "-q", "-p", `${prefix}/`, "-e", join(prefix, "logs", "startup.log"), "-c", confPath], [prefix, ...fileRoots(spec)]);
    return { ok: result.exitCode === 0, output: result.output, config, ranOn };
  } finally {
    if (!options.keep) rmSync(prefix, { recursive: true, force: true });
  }
}
