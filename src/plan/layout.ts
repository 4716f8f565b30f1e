// Where things are: the files edgekit writes (relative to the output directory) and the fixed
// names and paths the generated files share with each other (the nginx config directory inside
// the container, the health-check location, the exporter's service name). Targets declare their
// files from OUTPUT_PATHS; compose mounts, the linter's default, --check and the CLI help read
// them here, so each path is written once.
export const OUTPUT_PATHS = {
  nginxConf: "nginx/nginx.conf",
  compose: "docker-compose.prod.yml",
  prometheus: "prometheus.yml",
  haproxy: "reference/haproxy.cfg",
  caddy: "reference/Caddyfile",
} as const;

/** The directory of the generated nginx config, mounted read-only into the nginx container. */
export const NGINX_CONFIG_DIR = "/etc/nginx/edgekit";

/** Where compose mounts the nginx-cache volume in the nginx container (cache.path lies under it by default). */
export const NGINX_CACHE_VOLUME_DIR = "/var/cache/nginx";

/** nginx's own readiness location (loopback only): the container health check asks it. */
export const READY_PATH = "/.edgekit/ready";

/** The compose service of the nginx Prometheus exporter; prometheus.yml scrapes it by this name. */
export const EXPORTER_SERVICE = "nginx-exporter";
