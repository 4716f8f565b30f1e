// The images a live compose or Swarm test runs, made when missing as the rest of the suite makes them, so that
// such a test never depends on another having run first (on a fresh CI machine none of them exist yet):
// edgekit's nginx image of each release (ensureNginxImage), the backend's from deploy/backend (as the
// containers suite's compose build does), and the exporter and Prometheus, which scripts/docker-ready.sh
// pulls or, with no registry, makes. No registry is needed.
import { join } from "node:path";
import { execa } from "execa";
import { ensureNginxImage } from "../../src/nginx-check/images.js";
import { DEFAULT_NGINX_VERSION, releaseFor } from "../../src/nginx-features/index.js";
import { REPO } from "./specs.js";

export const BACKEND_IMAGE = "edgekit-backend:local";
const METRICS_IMAGES = ["nginx/nginx-prometheus-exporter:1.4.2", "prom/prometheus:v3.5.0"];

const present = async (...images: string[]) => (await execa("docker", ["image", "inspect", ...images], { reject: false })).exitCode === 0;

/** Makes every image the stack needs that is missing; throws with the tool's output when one can't be made. */
export async function ensureStackImages(opts: { nginxVersions?: string[]; metrics?: boolean } = {}): Promise<void> {
  for (const version of opts.nginxVersions ?? [DEFAULT_NGINX_VERSION]) {
    const release = releaseFor(version);
    if (!release) throw new Error(`no edgekit nginx release for ${version}`);
    await ensureNginxImage(release);
  }
  if (!(await present(BACKEND_IMAGE))) {
    await execa("npm", ["run", "-s", "build:backend"], { cwd: REPO });
    await execa("docker", ["build", "-q", "-t", BACKEND_IMAGE, join(REPO, "deploy", "backend")], { timeout: 600_000 });
  }
  if ((opts.metrics ?? true) && !(await present(...METRICS_IMAGES))) {
    const ready = await execa(join(REPO, "scripts", "docker-ready.sh"), METRICS_IMAGES, { reject: false, all: true, timeout: 600_000 });
    if (ready.exitCode !== 0) throw new Error(`scripts/docker-ready.sh ${METRICS_IMAGES.join(" ")} failed:\n${ready.all}`);
  }
}
