// Runs one example spec as an operator would: the example, moved to the scenario's own ports (and
// with the test's edits), rendered by the real CLI into test/scenarios/.stacks/<name>/ with dev
// certificates, then `docker compose up` of the generated file plus an override that starts the
// upstreams the example names (echo servers from test/scenarios/support/echo-backend.mjs, run by
// the backend image's Node) and whatever else the scenario needs (a simulated load balancer).
// Container logs stay in the scenario's directory after `down`, for a failure's post-mortem.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa, type Result } from "execa";
import { type Document, parse, parseDocument, stringify } from "yaml";
import { rawExchange, type RawReply } from "../../support/raw-http.js";

export const REPO = join(import.meta.dirname, "..", "..", "..");
const STACKS = join(REPO, "test/scenarios/.stacks");
const ECHO_DIR = join(REPO, "test/scenarios/support");

/** An echo upstream: the host name (and, on a fixed subnet, the address) the example gives it. */
export interface EchoUpstream {
  host: string;
  port: number;
  /** A fixed address on the scenario's subnet, for upstreams written as IP addresses. */
  ipv4?: string;
}

export interface ScenarioOptions {
  /** Directory and compose project suffix (edgekit-scn-<name>). */
  name: string;
  /** The example, relative to the repository (examples/saas.yaml). */
  example: string;
  /** Host ports the edge listens on (the example's listen ports are replaced by these). */
  ports: { http: number; https: number; prometheus: number };
  /** Further changes to the spec, on its YAML document, before it is rendered. */
  edit?: (spec: Document) => void;
  /** Echo servers started beside the edge. */
  echo?: EchoUpstream[];
  /** More compose services for the override file (a simulated load balancer, …). */
  services?: Record<string, unknown>;
  /** The compose default network's subnet, when upstreams are given by address. */
  subnet?: string;
  /** Files written into the scenario directory before rendering (relative path → text). */
  files?: Record<string, string>;
  /** More compose networks (name → definition) beside the default one, for services given in `services`. */
  networks?: Record<string, unknown>;
  /** Further networks the edge's nginx joins beside the default one (a client on an untrusted network). */
  edgeNetworks?: string[];
}

export interface Scenario {
  dir: string;
  project: string;
  /** The development CA that signed the edge's certificates (PEM); empty when the spec has tls.enabled false. */
  ca: string;
  http: number;
  https: number;
  compose(...args: string[]): Promise<Result>;
  /** One HTTP/1.1 exchange with the edge, as name (Host and SNI) over https or http. */
  request(name: string, method: string, path: string, headerLines?: string[], body?: string, scheme?: "https" | "http"): Promise<RawReply>;
  /** The requests each echo server logged since it started: { echo, method, url }. */
  seen(host: string): Promise<{ echo: string; method: string; url: string }[]>;
  /** Changes the spec, renders it again with the real CLI and reloads nginx (`nginx -s reload`). */
  reconfigure(edit: (spec: Document) => void): Promise<void>;
  down(): Promise<void>;
}

const cli = (...args: string[]) => execa(process.execPath, [join(REPO, "bin/edgekit.js"), ...args], { cwd: REPO, all: true });

/** Service name of the echo upstream at `host` (compose names can't hold every host name). */
export function echoService(host: string): string {
  return `echo-${host.replace(/[^a-zA-Z0-9]+/g, "-")}`;
}

export async function startScenario(options: ScenarioOptions): Promise<Scenario> {
  const docker = await execa("docker", ["info", "--format", "{{.ServerVersion}}"], { reject: false });
  if (docker.exitCode !== 0) throw new Error("scenario stacks need Docker: no engine answers (run scripts/docker-ready.sh)");

  const dir = join(STACKS, options.name);
  const project = `edgekit-scn-${options.name}`;
  const composeFiles = ["-f", join(dir, "docker-compose.prod.yml"), "-f", join(dir, "scenario.override.yml")];
  const compose = (...args: string[]) => execa("docker-compose", ["-p", project, ...composeFiles, ...args], { cwd: dir, all: true });

  // A stack an interrupted run left behind would otherwise hold the ports.
  if (existsSync(join(dir, "scenario.override.yml"))) await compose("down", "-v", "--remove-orphans").catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(REPO, "deploy"), join(dir, "deploy"), { recursive: true });
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }

  const spec = parseDocument(readFileSync(join(REPO, options.example), "utf8"));
  spec.setIn(["listen", "httpPort"], options.ports.http);
  spec.setIn(["listen", "httpsPort"], options.ports.https);
  spec.setIn(["metrics", "prometheus", "port"], options.ports.prometheus);
  options.edit?.(spec);
  const specPath = join(dir, "spec.yaml");
  const render = async () => {
    writeFileSync(specPath, `# ${options.example}, moved to the scenario's ports by test/scenarios/support/scenario.ts\n${spec.toString()}`);
    const generated = await cli("generate", "-s", specPath, "-o", dir, "--force").catch((e: { all?: string }) => {
      throw new Error(`edgekit generate refused the ${options.name} scenario's spec:\n${e.all}`);
    });
    return generated;
  };
  await render();
  // An edge behind a TLS-terminating load balancer reads no certificate: `edgekit certs` refuses it.
  const tls = spec.getIn(["tls", "enabled"]) !== false;
  if (tls) await cli("certs", "-s", specPath, "--force");

  const services: Record<string, unknown> = {};
  for (const upstream of options.echo ?? []) {
    services[echoService(upstream.host)] = {
      image: "edgekit-backend:local",
      command: ["node", "/echo/echo-backend.mjs"],
      environment: { ECHO_NAME: upstream.host, PORT: String(upstream.port) },
      volumes: [{ type: "bind", source: ECHO_DIR, target: "/echo", read_only: true }],
      networks: { default: { aliases: [upstream.host], ...(upstream.ipv4 ? { ipv4_address: upstream.ipv4 } : {}) } },
    };
  }
  Object.assign(services, options.services ?? {});
  const generated = Object.keys((parse(readFileSync(join(dir, "docker-compose.prod.yml"), "utf8")) as { services: Record<string, unknown> }).services);
  const edgeNetworks = options.edgeNetworks ?? [];
  const extra = edgeNetworks.length > 0 ? { nginx: { networks: Object.fromEntries(["default", ...edgeNetworks].map((n) => [n, {}])) } } : {};
  const networks = {
    ...(options.subnet ? { default: { ipam: { config: [{ subnet: options.subnet }] } } } : {}),
    ...(options.networks ?? {}),
  };
  // Compose v1 reads a file without `version` as 3.9 only when it has services; say it outright.
  const override = {
    version: "3.9",
    services: { ...services, ...extra },
    ...(Object.keys(networks).length > 0 ? { networks } : {}),
  };
  writeFileSync(join(dir, "scenario.override.yml"), stringify(override));

  const started = Date.now();
  // Upstreams first: nginx resolves the names it proxies to when it starts.
  const upstreams = Object.keys(services).filter((s) => !generated.includes(s));
  if (upstreams.length > 0) await compose("up", "-d", "--no-build", ...upstreams);
  await compose("up", "-d", "--build");
  await waitHealthy(compose, "nginx");
  console.log(`[scenario] ${options.name}: stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (project ${project}, files in ${dir})`);

  const ca = tls ? readFileSync(join(dir, "certs", "ca.pem"), "utf8") : "";
  return {
    dir,
    project,
    ca,
    http: options.ports.http,
    https: options.ports.https,
    compose,
    request: (name, method, path, headerLines = [], body = "", scheme = "https") =>
      rawExchange({ port: scheme === "https" ? options.ports.https : options.ports.http, host: name, ...(scheme === "https" ? { tls: { servername: name, ca } } : {}) }, method, path, headerLines, body, "utf8"),
    async seen(host) {
      const logs = await compose("logs", "--no-color", echoService(host));
      return String(logs.stdout)
        .split("\n")
        .map((line) => line.slice(line.indexOf("{")))
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as { echo: string; method: string; url: string; listening?: number })
        .filter((entry) => entry.listening === undefined);
    },
    async reconfigure(edit) {
      edit(spec);
      await render();
      const reload = await compose("exec", "-T", "nginx", "nginx", "-c", "/etc/nginx/edgekit/nginx.conf", "-s", "reload");
      if (reload.exitCode !== 0) throw new Error(`nginx -s reload failed: ${reload.all}`);
      await new Promise((r) => setTimeout(r, 1000)); // old workers finish; new ones take over
    },
    async down() {
      const logs = await compose("logs", "--no-color", "--timestamps").catch((e: { all?: string }) => ({ all: e.all }));
      writeFileSync(join(dir, "compose.log"), String(logs.all ?? ""));
      await compose("down", "-v", "--remove-orphans", "-t", "5");
    },
  };
}

async function waitHealthy(compose: (...args: string[]) => Promise<Result>, service: string): Promise<void> {
  const id = String((await compose("ps", "-q", service)).stdout).trim();
  let status = "";
  for (let i = 0; i < 240; i++) {
    status = String((await execa("docker", ["inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}", id], { reject: false })).stdout).trim();
    if (status === "healthy") return;
    if (status === "exited" || status === "dead") break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const logs = await execa("docker", ["logs", "--tail", "40", id], { reject: false, all: true });
  throw new Error(`${service} did not become healthy (last status: ${status}):\n${logs.all}`);
}

/** Header names a reply carries more than once (none should). */
export { repeated, values } from "../../support/raw-http.js";
