// The real `nginx -t` of each tested nginx release, for the fuzz property "every accepted spec passes
// nginx -t" (test/host/pipeline.fuzz.test.ts, bench/fuzz.mjs --only releases).
//
// A release runs as edgekit's image of it (src/nginx-check/images.ts builds a missing one): ONE
// long-lived container per release (`sleep`, host network, a temp directory mounted at its own path),
// each case a `docker exec ... nginx -t`: on a 2-core machine a `docker run` per case costs ~0.6 s,
// an exec ~0.15-0.25 s. The certificates are made once, as sharedCertNginxChecker() does.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, execaSync } from "execa";
import { createDevCerts } from "../../src/certs/dev-certs.js";
import { versionGatedFeatures } from "../../src/model/nginx.js";
import { ensureNginxImage } from "../../src/nginx-check/images.js";
import { installedNginxVersion } from "../../src/nginx-check/nginx-test.js";
import { missingFeatures, NGINX_MODULES, type NginxRelease } from "../../src/nginx-features/index.js";
import { sharedCertNginxChecker, writeCheckPrefix, type NginxChecker } from "./spec-arbitrary.js";

/** Where Debian's nginx (the host's and every edgekit image) keeps its dynamic modules: the spec's default nginx.modulesDir. */
const DEBIAN_MODULES_DIR = "/usr/lib/nginx/modules";

export interface ContainerCheckerOptions {
  /**
   * How long the container lives if close() is never called (the test process killed): `sleep`
   * then exits and `--rm` removes the container. Default one hour.
   */
  lifetimeSeconds?: number;
}

/**
 * `nginx -t` in one container of the release's image. Throws (never skips) when the image can't be
 * built, the container can't start, or its nginx is not the release's version. Each case gets its
 * own prefix under the mounted directory; close() removes the container and the directory.
 */
export async function containerNginxChecker(release: NginxRelease, options: ContainerCheckerOptions = {}): Promise<NginxChecker> {
  const image = await ensureNginxImage(release);
  const dir = mkdtempSync(join(tmpdir(), `edgekit-fuzz-${release.version}-`));
  const cases = join(dir, "cases");
  let container: string | null = null;
  /** A case prefix the host could not delete (files nginx made as root in the container, the host user not root). */
  let leftovers = false;
  const close = () => {
    if (container !== null) {
      if (leftovers) execaSync("docker", ["exec", container, "rm", "-rf", cases], { reject: false });
      execaSync("docker", ["rm", "-f", container], { reject: false });
      container = null;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    mkdirSync(cases);
    const certs = await createDevCerts({ dir: join(dir, "certs"), names: ["fuzz.example.com"], certFile: "fullchain.pem", keyFile: "privkey.pem" });
    const lifetime = String(options.lifetimeSeconds ?? 3600);
    const started = await execa("docker", ["run", "-d", "--rm", "--label", "edgekit.fuzz=release-nginx", "--network", "host", "--user", "0:0", "-v", `${dir}:${dir}`, "--entrypoint", "sleep", image, lifetime], { reject: false, all: true });
    if (started.exitCode !== 0) throw new Error(`cannot start a container of ${image}:\n${String(started.all ?? "").trim()}`);
    const id = String(started.stdout).trim();
    container = id;
    const version = await execa("docker", ["exec", id, "nginx", "-v"], { reject: false, all: true });
    const installed = /nginx\/([0-9]+\.[0-9]+\.[0-9]+)/.exec(String(version.all ?? ""))?.[1] ?? null;
    if (installed !== release.version) throw new Error(`${image} runs nginx ${installed ?? "(none: " + String(version.all ?? "").trim() + ")"}, not ${release.version}: rebuild it (docker rmi ${image})`);
    return {
      installed,
      label: `${image} in a container`,
      async check(spec) {
        if (missingFeatures(installed, versionGatedFeatures(spec)).length > 0) {
          return { ok: false, unavailable: true, output: `the spec targets nginx ${spec.nginx.version}, ${image} runs ${installed}`, config: "" };
        }
        const prefix = mkdtempSync(join(cases, "t-"));
        try {
          const { config, confPath } = writeCheckPrefix(spec, prefix, certs);
          const result = await execa("docker", ["exec", id, "nginx", "-t", "-q", "-p", `${prefix}/`, "-e", join(prefix, "logs", "startup.log"), "-c", confPath], { reject: false, all: true });
          return { ok: result.exitCode === 0, output: String(result.all ?? "").trim(), config };
        } finally {
          try {
            rmSync(prefix, { recursive: true, force: true });
          } catch {
            leftovers = true;
          }
        }
      },
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

/**
 * The nginx -t of a tested release: the host's nginx when it is that release (its version, and every
 * module the release's image packages in Debian's modules directory), else the release's container.
 * On this host (Debian 12: nginx 1.22.1 with brotli) that is the host for 1.22.1, containers for the
 * others; a host without nginx gets a container for every release.
 */
export async function releaseNginxChecker(release: NginxRelease, options: ContainerCheckerOptions = {}): Promise<NginxChecker> {
  const host = await installedNginxVersion();
  const hostHasModules = release.modules.every((m) => existsSync(join(DEBIAN_MODULES_DIR, NGINX_MODULES[m].file)));
  if (host === release.version && hostHasModules) return sharedCertNginxChecker();
  return containerNginxChecker(release, options);
}
