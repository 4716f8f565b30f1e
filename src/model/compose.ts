// docker-compose.prod.yml as a typed object (serialised by the yaml library, never templated).
// Valid for Compose v1 (docker-compose 1.29) and v2: no top-level `name:` or `version:`.
import { posix } from "node:path";
import { backendEnv, type BackendSettings } from "../backend-contract/environment.js";
import { durationMs } from "../spec/values.js";
import { nginxImageTag, releaseBuildArgs, releaseFor } from "../nginx-features/index.js";
import { isFileRoute } from "../spec/route-kinds.js";
import type { Spec } from "../spec/schema.js";
import type { ModelOptions } from "./header.js";
import { EXPORTER_SERVICE, NGINX_CACHE_VOLUME_DIR, NGINX_CONFIG_DIR, OUTPUT_PATHS, READY_PATH } from "../plan/layout.js";


type Service = Record<string, unknown>;

export interface ComposeModel {
  services: Record<string, Service>;
  volumes: Record<string, Record<string, never>>;
}

export function buildComposeModel(spec: Spec, options: ModelOptions): ComposeModel {
  // Spec-relative paths (build contexts, certs, static files) seen from the output directory;
  // the generated files themselves (nginx/, prometheus.yml) sit beside the compose file.
  const hostPath = (p: string) => {
    const rel = posix.normalize(posix.join(options.specDirFromOutput, p));
    return rel.startsWith(".") || rel.startsWith("/") ? rel : `./${rel}`;
  };
  const build = (b: { context: string; dockerfile: string } | null, args: Record<string, string> = {}) =>
    b === null ? {} : { build: { context: hostPath(b.context), dockerfile: b.dockerfile, ...(Object.keys(args).length > 0 ? { args } : {}) } };
  const seconds = (d: string) => `${Math.max(1, Math.ceil(durationMs(d) / 1000))}s`;

  const services: Record<string, Service> = {};
  const backend = spec.backend;
  if (backend.enabled) {
    services[backend.service] = {
      image: backend.image,
      ...build(backend.build),
      ...(backend.replicas > 1 ? { scale: backend.replicas } : {}),
      // Compose interpolates `$`; `$$` is its escape for a literal dollar.
      environment: Object.fromEntries(Object.entries(backendEnvironment(spec)).map(([k, v]) => [k, v.replaceAll("$", "$$$$")])),
      expose: [String(backend.port)],
      healthcheck: {
        test: ["CMD", "node", "-e", `fetch('http://127.0.0.1:${backend.port}${backend.healthPath}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`],
        interval: "10s",
        timeout: "3s",
        retries: 3,
        start_period: "10s",
      },
      restart: "unless-stopped",
      stop_grace_period: seconds(`${durationMs(backend.shutdownTimeout) + 5000}ms`),
      read_only: true,
      tmpfs: ["/tmp"],
      cap_drop: ["ALL"],
      security_opt: ["no-new-privileges:true"],
    };
  }

  const certDir = posix.dirname(spec.tls.certificate);
  const nginxPorts = [`${spec.listen.httpPort}:${spec.listen.httpPort}`];
  if (spec.tls.enabled) nginxPorts.push(`${spec.listen.httpsPort}:${spec.listen.httpsPort}`);
  if (spec.tls.enabled && spec.tls.http3) nginxPorts.push(`${spec.listen.httpsPort}:${spec.listen.httpsPort}/udp`);
  const staticMounts = [...new Set(spec.routes.filter(isFileRoute).flatMap((r) => (r.hostDir !== null ? [`${hostPath(r.hostDir)}:${r.root}:ro`] : [])))];
  services.nginx = {
    image: nginxImage(spec),
    ...build(spec.container.build, nginxBuildArgs(spec)),
    command: ["nginx", "-c", `${NGINX_CONFIG_DIR}/${posix.basename(OUTPUT_PATHS.nginxConf)}`, "-g", "daemon off;"],
    ports: nginxPorts,
    volumes: [
      `./${posix.dirname(OUTPUT_PATHS.nginxConf)}:${NGINX_CONFIG_DIR}:ro`,
      ...(spec.tls.enabled ? [`${hostPath(spec.container.certsDir)}:${certDir}:ro`] : []),
      ...staticMounts,
      `nginx-cache:${NGINX_CACHE_VOLUME_DIR}`,
    ],
    ...(backend.enabled ? { depends_on: { [backend.service]: { condition: "service_healthy" } } } : {}),
    healthcheck: {
      test: ["CMD", "curl", "-fsS", "-o", "/dev/null", `http://127.0.0.1:${spec.listen.httpPort}${READY_PATH}`],
      interval: "10s",
      timeout: "3s",
      retries: 3,
      start_period: "5s",
    },
    restart: "unless-stopped",
    stop_grace_period: "15s",
  };

  const volumes: ComposeModel["volumes"] = { "nginx-cache": {} };
  if (spec.metrics.enabled) {
    services[EXPORTER_SERVICE] = {
      image: spec.metrics.exporter.image,
      command: [`--nginx.scrape-uri=http://nginx:${spec.listen.httpPort}${spec.metrics.statusPath}`, `--web.listen-address=:${spec.metrics.exporter.port}`],
      depends_on: { nginx: { condition: "service_healthy" } },
      restart: "unless-stopped",
    };
    services.prometheus = {
      image: spec.metrics.prometheus.image,
      command: [
        "--config.file=/etc/prometheus/prometheus.yml",
        "--storage.tsdb.path=/prometheus",
        `--storage.tsdb.retention.time=${spec.metrics.prometheus.retention}`,
        `--web.listen-address=:${spec.metrics.prometheus.port}`,
      ],
      ports: [`127.0.0.1:${spec.metrics.prometheus.port}:${spec.metrics.prometheus.port}`],
      volumes: [`./${OUTPUT_PATHS.prometheus}:/etc/prometheus/prometheus.yml:ro`, "prometheus-data:/prometheus"],
      depends_on: { [EXPORTER_SERVICE]: { condition: "service_started" } },
      healthcheck: {
        test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${spec.metrics.prometheus.port}/-/ready`],
        interval: "15s",
        timeout: "3s",
        retries: 3,
      },
      restart: "unless-stopped",
    };
    volumes["prometheus-data"] = {};
  }
  return { services, volumes };
}

/** The backend's settings, passed as the environment the reference backend reads (src/backend-contract/environment.ts). */
export function backendEnvironment(spec: Spec): Record<string, string> {
  const b = spec.backend;
  // Typed as the full settings (not Partial) so every required variable is always generated.
  const settings: BackendSettings = {
    nodeEnv: "production",
    port: b.port,
    keepAliveTimeoutMs: durationMs(b.keepAliveTimeout),
    headersTimeoutMs: durationMs(b.headersTimeout),
    sseHeartbeatMs: durationMs(b.sseHeartbeat),
    shutdownTimeoutMs: durationMs(b.shutdownTimeout),
    httpClientConnections: b.httpClient.connections,
    httpClientKeepAliveTimeoutMs: durationMs(b.httpClient.keepAliveTimeout),
  };
  const generated = backendEnv(settings);
  // Generated settings win over `backend.env`, so the spec's typed fields can't be contradicted.
  return Object.fromEntries(Object.entries({ ...b.env, ...generated }).sort(([a], [c]) => a.localeCompare(c)));
}

/** The nginx image: the spec's, or edgekit's image of the spec's nginx release. */
export function nginxImage(spec: Spec): string {
  if (spec.container.image !== null) return spec.container.image;
  const release = releaseFor(spec.nginx.version);
  return release ? nginxImageTag(release) : `edgekit-nginx:${spec.nginx.version}`;
}

/**
 * Build arguments for the nginx image: the release's Debian suite and packages, and always the
 * version the spec targets, which the image checks (deploy/nginx refuses to build or start with
 * another nginx).
 */
export function nginxBuildArgs(spec: Spec): Record<string, string> {
  const release = releaseFor(spec.nginx.version);
  return { ...(release ? releaseBuildArgs(release) : {}), NGINX_VERSION: spec.nginx.version };
}
