// docker-compose.prod.yml as a typed object (serialised by the yaml library, never templated).
// Valid for Compose v1 (docker-compose 1.29) and v2: no top-level `name:` or `version:`.
import { posix } from "node:path";
import { backendEnv, type BackendSettings } from "../backend-contract/environment.js";
import { durationMs } from "../spec/values.js";
import { nginxImageTag, releaseBuildArgs, releaseFor } from "../nginx-features/index.js";
import type { Spec } from "../spec/schema.js";
import type { SwarmSpec } from "../spec/swarm.js";
import type { ModelOptions } from "./header.js";
import { COMPOSE_SECRETS_DIR } from "../plan/secrets.js";
import { EXPORTER_SERVICE, NGINX_CACHE_VOLUME, NGINX_CONFIG_DIR, nginxMounts, OUTPUT_PATHS, READY_PATH, type NginxMount } from "../plan/layout.js";


type Service = Record<string, unknown>;

export interface ComposeModel {
  services: Record<string, Service>;
  volumes: Record<string, Record<string, never>>;
  /** File secrets (htpasswd files), bind-mounted read-only where a service lists them; absent when there are none. */
  secrets?: Record<string, { file: string }>;
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
  const swarm = spec.swarm;
  // Swarm refuses depends_on conditions: with swarm on, the plain list (Compose: started, not healthy).
  const dependsOn = (service: string, condition: "service_healthy" | "service_started") =>
    swarm.enabled ? { depends_on: [service] } : { depends_on: { [service]: { condition } } };
  if (backend.enabled) {
    services[backend.service] = {
      image: backend.image,
      ...build(backend.build),
      ...(swarm.enabled ? {} : backend.replicas > 1 ? { scale: backend.replicas } : {}),
      environment: backendEnvironment(spec),
      expose: [String(backend.port)],
      healthcheck: {
        test: ["CMD", "node", "-e", `fetch('http://127.0.0.1:${backend.port}${backend.healthPath}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`],
        interval: "10s",
        timeout: "3s",
        retries: 3,
        start_period: "10s",
      },
      restart: swarm.enabled ? restartMatchingPolicy(swarm.backend.restartPolicy) : "unless-stopped",
      stop_grace_period: seconds(`${durationMs(backend.shutdownTimeout) + 5000}ms`),
      read_only: true,
      tmpfs: ["/tmp"],
      cap_drop: ["ALL"],
      security_opt: ["no-new-privileges:true"],
      ...(swarm.enabled ? { deploy: backendDeploy(spec) } : {}),
    };
  }

  const published: { port: number; protocol: "tcp" | "udp" }[] = [{ port: spec.listen.httpPort, protocol: "tcp" }];
  if (spec.tls.enabled) published.push({ port: spec.listen.httpsPort, protocol: "tcp" });
  if (spec.tls.enabled && spec.tls.http3) published.push({ port: spec.listen.httpsPort, protocol: "udp" });
  // Swarm: the long syntax with mode host (each node's own address, the client's address kept; the
  // routing mesh would hide it behind its own). Otherwise the short syntax as it always was.
  const nginxPorts = swarm.enabled
    ? published.map((p) => ({ target: p.port, published: p.port, protocol: p.protocol, mode: "host" }))
    : published.map((p) => `${p.port}:${p.port}${p.protocol === "udp" ? "/udp" : ""}`);
  // The long volume syntax: a host path may hold ':' (the short syntax's separator) when the spec
  // sits in such a directory. Docker creates the nginx-cache volume itself.
  const volume = (m: NginxMount) => {
    const source = "generated" in m.from ? `./${m.from.generated}` : "specRelative" in m.from ? hostPath(m.from.specRelative) : "volume" in m.from ? m.from.volume : m.from.secret;
    return { type: "volume" in m.from ? "volume" : "bind", source, target: m.target, read_only: m.readOnly };
  };
  // Secrets: compose mounts a file secret read-only; a target in its own /run/secrets is the name alone.
  const mounts = nginxMounts(spec);
  const secretMounts = mounts.flatMap((m) => ("secret" in m.from ? [{ name: m.from.secret, file: m.from.file, target: m.target }] : []));
  const secretTarget = (s: { name: string; target: string }) => (s.target === `${COMPOSE_SECRETS_DIR}/${s.name}` ? s.name : s.target);
  services.nginx = {
    image: nginxImage(spec),
    ...build(spec.container.build, nginxBuildArgs(spec)),
    command: ["nginx", "-c", `${NGINX_CONFIG_DIR}/${posix.basename(OUTPUT_PATHS.nginxConf)}`, "-g", "daemon off;"],
    ports: nginxPorts,
    volumes: mounts.filter((m) => !("secret" in m.from)).map(volume),
    ...(secretMounts.length > 0 ? { secrets: secretMounts.map((s) => ({ source: s.name, target: secretTarget(s) })) } : {}),
    ...(backend.enabled ? dependsOn(backend.service, "service_healthy") : {}),
    healthcheck: {
      test: ["CMD", "curl", "-fsS", "-o", "/dev/null", `http://127.0.0.1:${spec.listen.httpPort}${READY_PATH}`],
      interval: "10s",
      timeout: "3s",
      retries: 3,
      start_period: "5s",
    },
    restart: swarm.enabled ? restartMatchingPolicy(swarm.edge.restartPolicy) : "unless-stopped",
    stop_grace_period: "15s",
    ...(swarm.enabled ? { deploy: edgeDeploy(spec) } : {}),
  };

  const volumes: ComposeModel["volumes"] = { [NGINX_CACHE_VOLUME.name]: {} };
  if (spec.metrics.enabled) {
    services[EXPORTER_SERVICE] = {
      image: spec.metrics.exporter.image,
      command: [`--nginx.scrape-uri=http://nginx:${spec.listen.httpPort}${spec.metrics.statusPath}`, `--web.listen-address=:${spec.metrics.exporter.port}`],
      ...dependsOn("nginx", "service_healthy"),
      restart: "unless-stopped",
      ...(swarm.enabled ? { deploy: { endpoint_mode: swarm.endpointMode } } : {}),
    };
    services.prometheus = {
      image: spec.metrics.prometheus.image,
      command: [
        "--config.file=/etc/prometheus/prometheus.yml",
        "--storage.tsdb.path=/prometheus",
        `--storage.tsdb.retention.time=${spec.metrics.prometheus.retention}`,
        `--web.listen-address=:${spec.metrics.prometheus.port}`,
      ],
      // Swarm publishes on every address (it has no host IP): with swarm on, Prometheus is not published.
      ...(swarm.enabled ? {} : { ports: [`127.0.0.1:${spec.metrics.prometheus.port}:${spec.metrics.prometheus.port}`] }),
      volumes: [
        { type: "bind", source: `./${OUTPUT_PATHS.prometheus}`, target: "/etc/prometheus/prometheus.yml", read_only: true },
        { type: "volume", source: "prometheus-data", target: "/prometheus", read_only: false },
      ],
      ...dependsOn(EXPORTER_SERVICE, "service_started"),
      healthcheck: {
        test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${spec.metrics.prometheus.port}/-/ready`],
        interval: "15s",
        timeout: "3s",
        retries: 3,
      },
      restart: "unless-stopped",
      ...(swarm.enabled ? { deploy: { endpoint_mode: swarm.endpointMode } } : {}),
    };
    volumes["prometheus-data"] = {};
  }
  const secrets = secretMounts.length > 0 ? { secrets: literal(Object.fromEntries(secretMounts.map((s) => [s.name, { file: hostPath(s.file) }]))) } : {};
  return { services: literal(services), volumes, ...secrets };
}

/** A Swarm (Go) duration from a spec duration: whole seconds as `30s`, otherwise milliseconds. */
function goDuration(d: string): string {
  const ms = durationMs(d);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

type UpdateSpec = SwarmSpec["backend"]["update"];
const updateConfig = (u: UpdateSpec) => ({
  parallelism: u.parallelism,
  ...(u.delay === null ? {} : { delay: goDuration(u.delay) }),
  order: u.order,
  failure_action: u.failureAction,
  monitor: goDuration(u.monitor),
  max_failure_ratio: u.maxFailureRatio,
});
const restartPolicy = (r: SwarmSpec["backend"]["restartPolicy"]) => ({
  condition: r.condition,
  delay: goDuration(r.delay),
  max_attempts: r.maxAttempts,
  window: goDuration(r.window),
});
/**
 * `restart:` as Compose runs it beside a `deploy.restart_policy`: v1 and v2 both take the policy over
 * `restart:` (seen in the engine: condition any runs as always), so the file says what runs, not
 * `unless-stopped`. Swarm ignores `restart:` and acts on the policy.
 */
const restartMatchingPolicy = (r: SwarmSpec["backend"]["restartPolicy"]) =>
  ({ any: "always", "on-failure": "on-failure", none: "no" })[r.condition];
const resources = (r: SwarmSpec["backend"]["resources"]) => ({
  limits: { ...(r.limits.cpus === null ? {} : { cpus: r.limits.cpus }), memory: r.limits.memory },
  reservations: { cpus: r.reservations.cpus, memory: r.reservations.memory },
});

/** The backend's `deploy:` for `docker stack deploy` (Compose v1 and v2 read replicas and, v2, resources and the restart policy). */
export function backendDeploy(spec: Spec): Record<string, unknown> {
  const b = spec.swarm.backend;
  return {
    mode: "replicated",
    replicas: b.replicas ?? spec.backend.replicas,
    endpoint_mode: spec.swarm.endpointMode,
    update_config: updateConfig(b.update),
    rollback_config: updateConfig(b.rollback),
    restart_policy: restartPolicy(b.restartPolicy),
    resources: resources(b.resources),
  };
}

/** nginx's `deploy:`: one task per node (global) or a replica count; updated stop-first (its ports are the node's). */
export function edgeDeploy(spec: Spec): Record<string, unknown> {
  const e = spec.swarm.edge;
  return {
    mode: e.mode,
    ...(e.mode === "replicated" ? { replicas: e.replicas } : {}),
    endpoint_mode: spec.swarm.endpointMode,
    update_config: updateConfig(e.update),
    restart_policy: restartPolicy(e.restartPolicy),
    resources: resources(e.resources),
  };
}

/**
 * Compose interpolates `$NAME` and `${NAME}` in every string value (not in keys), and `$$` is its
 * escape for a literal dollar: every string edgekit writes is meant literally (an env value, a host
 * path whose directory holds a `$`), so every `$` is doubled, here and only here.
 */
function literal<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll("$", "$$$$") as T;
  if (Array.isArray(value)) return value.map(literal) as T;
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)])) as T;
  return value;
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
