// docker-compose.prod.yml: structure from the typed model, accepted by the real docker-compose.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { execa } from "execa";
import { parse, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { configFromEnv } from "../../../src/backend/config.js";
import { backendEnvironment, buildComposeModel } from "../../../src/model/compose.js";
import { planEdge, type PlanOptions } from "../../../src/plan/index.js";
import { validateSpecText } from "../../../src/pipeline.js";
import { renderYaml } from "../../../src/render/yaml.js";
import { renderTargets } from "../../../src/targets/index.js";
import { swarmSection } from "../../../src/spec/swarm.js";
import { allSpecFiles, REPO, spec, specFromFile } from "../../support/specs.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." };
const outDirs: string[] = [];
afterAll(() => outDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("docker-compose config accepts every generated compose file", () => {
  it.each(allSpecFiles())("%s", async (file) => {
    const out = mkdtempSync(join(tmpdir(), "edgekit-compose-"));
    outDirs.push(out);
    // Examples are written to be copied to the project root as spec.yaml, so paths resolve from REPO.
    const specDirFromOutput = relative(out, REPO);
    for (const f of renderTargets(planEdge(specFromFile(join(REPO, file)), { specName: "spec.yaml", specDirFromOutput }))) {
      if (f.path === "docker-compose.prod.yml") writeFileSync(join(out, f.path), f.content);
    }
    const result = await execa("docker-compose", ["-f", join(out, "docker-compose.prod.yml"), "config", "-q"], { reject: false, all: true });
    expect(result.all).toBe("");
    expect(result.exitCode).toBe(0);
  });
});

describe("compose model", () => {
  const compose = parse(renderTargets(planEdge(spec(), OPTIONS)).find((f) => f.path === "docker-compose.prod.yml")!.content);
  it("has no top-level name or version (Compose v1 rejects name, v2 ignores version)", () => {
    expect(Object.keys(compose)).toEqual(["services", "volumes"]);
  });
  it("starts nginx only when the backend is healthy, and the exporter only when nginx is", () => {
    expect(compose.services.nginx.depends_on).toEqual({ backend: { condition: "service_healthy" } });
    expect(compose.services["nginx-exporter"].depends_on).toEqual({ nginx: { condition: "service_healthy" } });
  });
  it("gives every long-running service a restart policy and the main ones a healthcheck", () => {
    for (const [name, service] of Object.entries<Record<string, unknown>>(compose.services)) {
      expect(service.restart, name).toBe("unless-stopped");
    }
    for (const name of ["backend", "nginx", "prometheus"]) expect(compose.services[name].healthcheck.test[0]).toBe("CMD");
  });
  it("mounts configuration and certificates read-only, in the long syntax (a host path may hold ':')", () => {
    const mounts: { type: string; source: string; target: string; read_only: boolean }[] = [...compose.services.nginx.volumes, ...compose.services.prometheus.volumes];
    for (const m of mounts.filter((v) => v.type === "bind")) expect(m.read_only, m.source).toBe(true);
    expect(mounts).toContainEqual({ type: "bind", source: "./nginx", target: "/etc/nginx/edgekit", read_only: true });
    expect(mounts).toContainEqual({ type: "bind", source: "./certs", target: "/etc/nginx/certs", read_only: true });
  });
  it("publishes nginx's ports as strings (YAML 1.1 would read 80:80 as a number) and Prometheus on loopback only", () => {
    expect(compose.services.nginx.ports).toEqual(["80:80", "443:443"]);
    expect(compose.services.prometheus.ports).toEqual(["127.0.0.1:9090:9090"]);
  });
  it("hardens the backend container", () => {
    expect(compose.services.backend.read_only).toBe(true);
    expect(compose.services.backend.cap_drop).toEqual(["ALL"]);
  });
  it("passes the backend's timeouts from the spec; typed fields win over backend.env", () => {
    const env = backendEnvironment(spec({ backend: { keepAliveTimeout: "75s", headersTimeout: "76s", env: { EDGEKIT_KEEP_ALIVE_TIMEOUT_MS: "1", LOG_LEVEL: "debug" } } }));
    expect(env.EDGEKIT_KEEP_ALIVE_TIMEOUT_MS).toBe("75000");
    expect(env.EDGEKIT_HEADERS_TIMEOUT_MS).toBe("76000");
    expect(env.LOG_LEVEL).toBe("debug");
  });
  it("the backend's own fallbacks equal the spec's defaults (one source: the spec; the env carries it)", () => {
    const { NODE_ENV: _, ...env } = backendEnvironment(spec());
    expect(configFromEnv(env)).toEqual(configFromEnv({}));
  });
  it("resolves build contexts and host paths relative to the output directory", () => {
    const model = buildComposeModel(spec(), { specName: "spec.yaml", specDirFromOutput: "../project" });
    expect((model.services.backend as { build: { context: string } }).build.context).toBe("../project/deploy/backend");
    expect((model.services.nginx as { volumes: unknown[] }).volumes[0]).toEqual({ type: "bind", source: "./nginx", target: "/etc/nginx/edgekit", read_only: true });
  });
  it("leaves out the metrics services and prometheus.yml when metrics are off", () => {
    const files = renderTargets(planEdge(spec({ metrics: { enabled: false } }), OPTIONS));
    expect(files.map((f) => f.path)).toEqual(["nginx/nginx.conf", "docker-compose.prod.yml"]);
    expect(Object.keys(parse(files[1]!.content).services)).toEqual(["backend", "nginx"]);
  });
});

/**
 * The real `docker-compose config` (v1: Python, YAML 1.1) on the rendered compose file, written to
 * `<root>/out` with the spec in `<root>/<specDir>`; build contexts are created so config accepts
 * them. Returns compose's own view of the file (interpolated, paths made absolute).
 */
async function composeConfig(specInput: Parameters<typeof spec>[0], specDir = "."): Promise<{ root: string; config: any; output: string; exitCode: number }> {
  const root = mkdtempSync(join(tmpdir(), "edgekit-compose-"));
  outDirs.push(root);
  const out = join(root, "out");
  mkdirSync(join(root, specDir), { recursive: true });
  mkdirSync(out, { recursive: true });
  const options: PlanOptions = { specName: "spec.yaml", specDirFromOutput: relative(out, join(root, specDir)) };
  const content = renderTargets(planEdge(spec(specInput), options)).find((f) => f.path === "docker-compose.prod.yml")!.content;
  writeFileSync(join(out, "docker-compose.prod.yml"), content);
  for (const service of Object.values<{ build?: { context: string } }>(parse(content).services)) {
    if (service.build) mkdirSync(join(out, service.build.context.replaceAll("$$", "$")), { recursive: true });
  }
  const result = await execa("docker-compose", ["-f", join(out, "docker-compose.prod.yml"), "config"], { reject: false, all: true, env: { HOME: "/home/nobody", X: "interpolated" } });
  return { root, output: String(result.all), exitCode: result.exitCode ?? -1, config: result.exitCode === 0 ? parse(String(result.stdout)) : null };
}

describe("docker-compose config reads what the spec says (YAML 1.1, interpolation, volume syntax)", () => {
  // YAML 1.1 (Compose v1) reads these plain scalars as booleans or null.
  const SPECIAL = ["yes", "off", "n", "true", "null"];

  it.each(SPECIAL)("backend.service %s stays a service name, also in depends_on", async (name) => {
    const { config, output } = await composeConfig({ backend: { service: name }, upstreams: { app: { servers: [{ host: name }] } } });
    expect(config, output).not.toBeNull();
    expect(Object.keys(config.services).sort()).toEqual([name, "nginx", "nginx-exporter", "prometheus"].sort());
    expect(config.services.nginx.depends_on).toEqual({ [name]: { condition: "service_healthy" } });
  });

  it("env keys ON, OFF, YES, NO, Y, N, TRUE, FALSE, NULL and YAML-special values stay the strings they are", async () => {
    const env = { ON: "on", OFF: "off", YES: "yes", NO: "no", Y: "y", N: "~", TRUE: "null", FALSE: "0x1F", NULL: "1:20" };
    const { config, output } = await composeConfig({ backend: { env } });
    expect(config, output).not.toBeNull();
    for (const [key, value] of Object.entries(env)) expect(config.services.backend.environment[key], key).toBe(value);
  });

  it("env values with $ stay literal (compose reads $$ as one $)", async () => {
    const env = { A: "$HOME", B: "${X}", C: "a$$b", D: "$", E: "cost: $5 \u2028 ok" };
    const { config, output } = await composeConfig({ backend: { env } });
    expect(config, output).not.toBeNull();
    // `config` prints a literal dollar escaped again, as $$.
    for (const [key, value] of Object.entries(env)) expect(config.services.backend.environment[key].replaceAll("$$", "$"), key).toBe(value);
  });

  it.each(["team$HOME", "a/${X}/b", "$$", "a:b", "x:/y:ro", "sp ace,#q\"'"])("a spec in directory %j: build contexts and mounts name that directory", async (specDir) => {
    const { root, config, output } = await composeConfig({ routes: [{ kind: "static", path: "/s/", root: "/srv/s", hostDir: "public" }, { kind: "api", path: "/" }] }, specDir);
    expect(config, output).not.toBeNull();
    const dir = join(root, specDir);
    expect(config.services.backend.build.context.replaceAll("$$", "$")).toBe(join(dir, "deploy/backend"));
    const volumes = config.services.nginx.volumes.map((v: { source: string; target: string }) => [v.source.replaceAll("$$", "$"), v.target]);
    expect(volumes).toContainEqual([join(dir, "certs"), "/etc/nginx/certs"]);
    expect(volumes).toContainEqual([join(dir, "public"), "/srv/s"]);
    expect(volumes).toContainEqual([join(root, "out", "nginx"), "/etc/nginx/edgekit"]);
  });
});

describe("mount points: what compose refuses, the spec refuses", () => {
  const CLASHES: [string, Record<string, unknown>][] = [
    ["certificate in the config directory", { tls: { certificate: "/etc/nginx/edgekit/fullchain.pem", certificateKey: "/etc/nginx/edgekit/privkey.pem" } }],
    ["certificate in the cache volume's directory", { tls: { certificate: "/var/cache/nginx/fullchain.pem", certificateKey: "/var/cache/nginx/privkey.pem" } }],
    ["static root on the certificate directory", { routes: [{ kind: "static", path: "/s/", root: "/etc/nginx/certs", hostDir: "public" }, { kind: "api", path: "/" }] }],
    ["static root on the config directory", { routes: [{ kind: "static", path: "/s/", root: "/etc/nginx/edgekit", hostDir: "public" }, { kind: "api", path: "/" }] }],
  ];
  it.each(CLASHES)("%s: docker-compose config refuses the file, validate refuses the spec", async (_, input) => {
    const root = mkdtempSync(join(tmpdir(), "edgekit-compose-"));
    outDirs.push(root);
    // Rendered without the rules, as edgekit did before: compose says why the rule exists.
    const content = renderYaml(buildComposeModel(spec(input), OPTIONS), OPTIONS);
    writeFileSync(join(root, "docker-compose.prod.yml"), content);
    for (const d of ["deploy/backend", "deploy/nginx"]) mkdirSync(join(root, d), { recursive: true });
    const result = await execa("docker-compose", ["-f", join(root, "docker-compose.prod.yml"), "config", "-q"], { reject: false, all: true });
    expect(result.all).toMatch(/Duplicate mount points/);
    const { diagnostics } = validateSpecText(stringify({ domain: "app.example.com", upstreams: { app: { servers: [{ host: "backend" }] } }, ...input }), "spec.yaml");
    // A static root on nginx's own directories is also static-root-not-secret's (it would serve the key or the config).
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toContain("mount-points-distinct");
  });
});

describe("swarm: one compose file for Compose v1/v2 and `docker stack deploy`", () => {
  const SWARM = swarmSection.parse({});
  const render = (input: Parameters<typeof spec>[0]) =>
    parse(renderTargets(planEdge(spec(input), OPTIONS)).find((f) => f.path === "docker-compose.prod.yml")!.content);

  it("is off by default: no deploy keys, the conditions and the short port syntax stay", () => {
    const compose = render({});
    for (const [name, service] of Object.entries<Record<string, unknown>>(compose.services)) expect(service.deploy, name).toBeUndefined();
    expect(compose.services.nginx.depends_on).toEqual({ backend: { condition: "service_healthy" } });
  });

  it("writes the backend's deploy from the spec's defaults: replicas, start-first rolling update with rollback, rollback, restart policy, resources", () => {
    const compose = render({ swarm: { enabled: true }, backend: { replicas: 3 } });
    const b = SWARM.backend;
    expect(compose.services.backend.scale).toBeUndefined();
    expect(compose.services.backend.deploy).toEqual({
      mode: "replicated",
      replicas: 3,
      endpoint_mode: SWARM.endpointMode,
      update_config: { parallelism: b.update.parallelism, order: b.update.order, failure_action: b.update.failureAction, monitor: b.update.monitor, max_failure_ratio: b.update.maxFailureRatio },
      rollback_config: { parallelism: b.rollback.parallelism, order: b.rollback.order, failure_action: b.rollback.failureAction, monitor: b.rollback.monitor, max_failure_ratio: b.rollback.maxFailureRatio },
      restart_policy: { condition: b.restartPolicy.condition, delay: b.restartPolicy.delay, max_attempts: b.restartPolicy.maxAttempts, window: b.restartPolicy.window },
      resources: { limits: { memory: b.resources.limits.memory }, reservations: { cpus: b.resources.reservations.cpus, memory: b.resources.reservations.memory } },
    });
    expect(b.update).toMatchObject({ order: "start-first", failureAction: "rollback" });
  });

  it("swarm.backend.replicas wins over backend.replicas; durations become Go's (seconds, or ms); a CPU limit is a string", () => {
    const compose = render({
      backend: { replicas: 2 },
      swarm: { enabled: true, backend: { replicas: 4, update: { delay: "1500ms", monitor: "2m" }, resources: { limits: { cpus: "1.5" } } } },
    });
    expect(compose.services.backend.deploy.replicas).toBe(4);
    expect(compose.services.backend.deploy.update_config).toMatchObject({ delay: "1500ms", monitor: "120s" });
    expect(compose.services.backend.deploy.resources.limits).toEqual({ cpus: "1.5", memory: SWARM.backend.resources.limits.memory });
  });

  it("publishes nginx per node (long syntax, mode host, HTTP/3's UDP too), updates it stop-first, and leaves Prometheus unpublished", () => {
    const compose = render({ swarm: { enabled: true }, tls: { http3: true } });
    expect(compose.services.nginx.ports).toEqual([
      { target: 80, published: 80, protocol: "tcp", mode: "host" },
      { target: 443, published: 443, protocol: "tcp", mode: "host" },
      { target: 443, published: 443, protocol: "udp", mode: "host" },
    ]);
    expect(compose.services.nginx.deploy).toMatchObject({ mode: "global", update_config: { order: "stop-first", failure_action: "rollback" } });
    expect(compose.services.prometheus.ports).toBeUndefined();
    expect(render({ swarm: { enabled: true, edge: { mode: "replicated", replicas: 2 } } }).services.nginx.deploy).toMatchObject({ mode: "replicated", replicas: 2 });
  });

  it("gives every service swarm.endpointMode (without IPVS in the kernel, a VIP connects nowhere: the exporter and Prometheus reach their targets by name too)", () => {
    const compose = render({ swarm: { enabled: true, endpointMode: "dnsrr" } });
    for (const [name, service] of Object.entries<{ deploy: { endpoint_mode: string } }>(compose.services)) expect(service.deploy.endpoint_mode, name).toBe("dnsrr");
    expect(SWARM.endpointMode).toBe("vip");
  });

  it("writes restart: as the restart policy runs it (Compose v1 and v2 take deploy.restart_policy over restart:)", () => {
    const compose = render({ swarm: { enabled: true } });
    expect([compose.services.backend.restart, compose.services.nginx.restart]).toEqual(["always", "always"]);
    const other = render({ swarm: { enabled: true, backend: { restartPolicy: { condition: "on-failure" } }, edge: { restartPolicy: { condition: "none" } } } });
    expect([other.services.backend.restart, other.services.nginx.restart]).toEqual(["on-failure", "no"]);
    expect(compose.services.prometheus.restart).toBe("unless-stopped");
  });

  it("writes depends_on as a plain list (Swarm refuses conditions)", () => {
    const compose = render({ swarm: { enabled: true } });
    expect(compose.services.nginx.depends_on).toEqual(["backend"]);
    expect(compose.services["nginx-exporter"].depends_on).toEqual(["nginx"]);
    expect(compose.services.prometheus.depends_on).toEqual(["nginx-exporter"]);
  });

  it("refuses start-first for nginx: its host-published port is still bound by the old task", () => {
    const { diagnostics } = validateSpecText(
      stringify({ domain: "app.example.com", upstreams: { app: { servers: [{ host: "backend" }] } }, swarm: { enabled: true, edge: { update: { order: "start-first" } } } }),
      "spec.yaml",
    );
    expect(diagnostics.map((d) => [d.path.join("."), d.severity])).toContainEqual(["swarm.edge.update.order", "error"]);
  });

  it("docker-compose (v1) accepts the swarm file and starts deploy.replicas backends", async () => {
    const { config, output } = await composeConfig({ swarm: { enabled: true }, backend: { replicas: 3 }, tls: { http3: true } });
    expect(config, output).not.toBeNull();
    expect(output).not.toMatch(/WARN|ERROR/i);
    expect(config.services.backend.deploy.replicas).toBe(3);
    expect(config.services.nginx.ports[0]).toEqual({ mode: "host", protocol: "tcp", published: 80, target: 80 });
  });
});
