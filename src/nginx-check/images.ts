// edgekit's nginx images, one per tested release (deploy/nginx built from the release's Debian
// suite). The compose file builds the spec's release the same way (build args from releaseBuildArgs);
// tests and `validate --nginx` build any release they need here.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { nginxImageTag, releaseBuildArgs, type NginxRelease } from "../nginx-features/index.js";

export { nginxImageTag, releaseBuildArgs } from "../nginx-features/index.js";

const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export class ImageError extends Error {}

/**
 * Builds the release's image unless Docker already has it: the Debian base image first
 * (scripts/docker-ready.sh pulls it, or makes it with debootstrap where there is no registry).
 */
export async function ensureNginxImage(release: NginxRelease, progress: (line: string) => void = () => undefined): Promise<string> {
  const tag = nginxImageTag(release);
  const engine = await execa("docker", ["info", "--format", "{{.ServerVersion}}"], { reject: false, all: true });
  if (engine.exitCode !== 0) throw new ImageError(`Docker is not available (${String(engine.all ?? "").trim().split("\n")[0] || engine.shortMessage || "no docker"})`);
  if ((await execa("docker", ["image", "inspect", tag], { reject: false })).exitCode === 0) return tag;
  const ready = join(PACKAGE_ROOT, "scripts", "docker-ready.sh");
  if (!existsSync(ready)) throw new ImageError(`cannot build ${tag}: ${ready} is missing`);
  progress(`making the base image debian:${release.suite}-slim`);
  const base = await execa(ready, [`debian:${release.suite}-slim`], { reject: false, all: true });
  if (base.exitCode !== 0) throw new ImageError(`cannot make debian:${release.suite}-slim for ${tag}:\n${String(base.all ?? "").trim()}`);
  progress(`building ${tag} from deploy/nginx (Debian ${release.suite})`);
  const args = Object.entries(releaseBuildArgs(release)).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
  const built = await execa("docker", ["build", "-q", "-t", tag, ...args, join(PACKAGE_ROOT, "deploy", "nginx")], { reject: false, all: true });
  if (built.exitCode !== 0) throw new ImageError(`building ${tag} failed:\n${String(built.all ?? "").trim()}`);
  return tag;
}
