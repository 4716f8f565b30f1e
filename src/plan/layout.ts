// Where things are: the files edgekit writes (relative to the output directory) and the fixed
// names and paths the generated files share with each other (the nginx config directory inside
// the container, the health-check location, the exporter's service name). Targets declare their
// files from OUTPUT_PATHS; compose mounts, the linter's default, --check and the CLI help read
// them here, so each path is written once.
import { posix } from "node:path";
import { isFileRoute } from "../spec/route-kinds.js";
import type { Spec } from "../spec/schema.js";
import { allRoutes } from "../spec/sites.js";

export const OUTPUT_PATHS = {
  nginxConf: "nginx/nginx.conf",
  compose: "docker-compose.prod.yml",
  prometheus: "prometheus.yml",
  haproxy: "reference/haproxy.cfg",
  caddy: "reference/Caddyfile",
} as const;

/** The directory of the generated nginx config, mounted read-only into the nginx container. */
export const NGINX_CONFIG_DIR = "/etc/nginx/edgekit";

/** nginx's own readiness location (loopback only): the container health check asks it. */
export const READY_PATH = "/.edgekit/ready";

/** The compose service of the nginx Prometheus exporter; prometheus.yml scrapes it by this name. */
export const EXPORTER_SERVICE = "nginx-exporter";

/** The named volume nginx keeps its proxy cache in, and where it is mounted (cache.path lies under it by default). */
export const NGINX_CACHE_VOLUME = { name: "nginx-cache", target: "/var/cache/nginx" } as const;

/**
 * A directory compose mounts into the nginx container. `from`: the generated nginx/ directory,
 * a host path relative to the spec, or a named volume.
 */
export interface NginxMount {
  from: { generated: string } | { specRelative: string } | { volume: string };
  target: string;
  readOnly: boolean;
  /** The spec field that places the mount (null for edgekit's own mounts). */
  field: (string | number)[] | null;
}

/**
 * Every mount of the nginx container, in the compose file's order: the generated config, the TLS
 * directory (every site's certificates lie in it: rule tls-files-one-dir), the static roots with a host directory (one mount per root and source), the cache.
 */
export function nginxMounts(spec: Spec): NginxMount[] {
  const mounts: NginxMount[] = [{ from: { generated: posix.dirname(OUTPUT_PATHS.nginxConf) }, target: NGINX_CONFIG_DIR, readOnly: true, field: null }];
  if (spec.tls.enabled) {
    mounts.push({ from: { specRelative: spec.container.certsDir }, target: posix.dirname(spec.tls.certificate), readOnly: true, field: ["tls", "certificate"] });
  }
  const seen = new Set<string>();
  allRoutes(spec).forEach(({ route, path }) => {
    if (!isFileRoute(route) || route.hostDir === null) return;
    const key = JSON.stringify([route.hostDir, route.root]);
    if (seen.has(key)) return;
    seen.add(key);
    mounts.push({ from: { specRelative: route.hostDir }, target: route.root, readOnly: true, field: [...path, "root"] });
  });
  mounts.push({ from: { volume: NGINX_CACHE_VOLUME.name }, target: NGINX_CACHE_VOLUME.target, readOnly: false, field: null });
  return mounts;
}
