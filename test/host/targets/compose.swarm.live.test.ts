// The generated docker-compose.prod.yml, unchanged, deployed by `docker stack deploy` on a
// single-node Swarm (initialised here when the node is in none, and left again at the end): the edge
// answers on its host-published ports, and a rolling update of the backend (start-first, one task at
// a time) under steady keep-alive load is measured for both endpoint modes:
// - vip (the default): one stable virtual address nginx resolves once; needs IPVS in the kernel (this
//   machine's Firecracker kernel has none: every connection to the VIP timed out), skipped without it;
// - dnsrr: each task's own address. With nginx following the name (`server ... resolve`, nginx >= 1.27.3)
//   no request may fail; resolving it once, at start, nginx keeps the replaced tasks' addresses and
//   requests fail: the test asserts whichever the rendered nginx.conf says.
// In the dnsrr stack, first an update that fails its health check is rolled back with no request failed.
// Own stack names (edgekit-c2-*) and ports (20460-20499); images are the local ones (no registry).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevCerts } from "../../../src/certs/dev-certs.js";
import { planEdge } from "../../../src/plan/index.js";
import type { SpecInput } from "../../../src/spec/schema.js";
import { renderTargets } from "../../../src/targets/index.js";
import { request } from "../../../src/verify/http1.js";
import { spec } from "../../support/specs.js";
import { ensureStackImages } from "../../support/stack-images.js";

const docker = (args: string[], timeoutMs = 120_000) => execa("docker", args, { reject: false, all: true, timeout: timeoutMs });
const dockerUp = (await docker(["info"])).exitCode === 0;
if (!dockerUp && process.env.CI === "true") throw new Error("Docker is not running, and CI readies it (scripts/docker-ready.sh)");

/** IPVS, which Swarm's virtual IPs (and the routing mesh) are built on; absent from some VM kernels. */
const ipvs = existsSync("/proc/net/ip_vs") || existsSync(`/lib/modules/${(await execa("uname", ["-r"])).stdout.trim()}/kernel/net/netfilter/ipvs`);
const STACK_PREFIX = `edgekit-c2-swarm-${process.pid}`;
const BACKEND_REPLICAS = 2;
const CLIENTS = 6;
const work = mkdtempSync(join(tmpdir(), "edgekit-swarm-"));
let initialisedHere = false;
let caCert = "";
const stacks: string[] = [];

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "0.0.0.0", () => server.close(() => resolve(true)));
  });

/** Two free ports of this test's range (20460-20499), distinct per stack. */
async function portsFor(offset: number): Promise<{ http: number; https: number }> {
  for (let p = 20460 + offset * 2; p < 20500; p += 4) {
    if ((await portFree(p)) && (await portFree(p + 1))) return { http: p, https: p + 1 };
  }
  throw new Error("no two free ports in 20460-20499");
}

async function until(check: () => Promise<boolean>, timeoutMs: number, stepMs = 500): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return false;
}

beforeAll(async () => {
  if (!dockerUp) return;
  // The images are made when missing (a fresh CI machine has none until some test makes them).
  await ensureStackImages({ nginxVersions: ["1.30.6"] });
  const state = (await docker(["info", "--format", "{{.Swarm.LocalNodeState}}"])).stdout.trim();
  if (state === "inactive") {
    const init = await docker(["swarm", "init", "--advertise-addr", "127.0.0.1"]);
    expect(init.exitCode, init.all).toBe(0);
    initialisedHere = true;
  } else {
    expect(state, "this node is in a swarm that is not active").toBe("active");
  }
  const certs = join(work, "certs");
  mkdirSync(certs, { recursive: true });
  // nginx runs as www-data (uid 33) in edgekit's image: the development key must be readable by it.
  caCert = readFileSync((await createDevCerts({ dir: certs, names: ["localhost"], certFile: "fullchain.pem", keyFile: "privkey.pem" })).caCert, "utf8");
  for (const f of ["fullchain.pem", "privkey.pem"]) chmodSync(join(certs, f), 0o644);
}, 900_000);

afterAll(async () => {
  for (const stack of stacks) await docker(["stack", "rm", stack]);
  // The stack's containers and its network go asynchronously: wait, then leave the swarm only if this test joined it.
  await until(async () => (await docker(["ps", "-aq", "--filter", `label=com.docker.stack.namespace`, "--filter", `name=${STACK_PREFIX}`])).stdout.trim() === "", 60_000, 1000);
  await until(async () => (await docker(["network", "ls", "-q", "--filter", `name=${STACK_PREFIX}`])).stdout.trim() === "", 30_000, 1000);
  if (initialisedHere) await docker(["swarm", "leave", "--force"]);
  rmSync(work, { recursive: true, force: true });
}, 180_000);

/** Renders the spec into its own directory (certificates beside it) and deploys the compose file as it is. */
async function deploy(name: string, ports: { http: number; https: number }, swarm: SpecInput["swarm"]): Promise<{ stack: string; dir: string; followsNames: boolean }> {
  const stack = `${STACK_PREFIX}-${name}`;
  const dir = join(work, name);
  const input = {
    domain: "localhost",
    listen: { httpPort: ports.http, httpsPort: ports.https },
    upstreams: { app: { servers: [{ host: "backend", port: 3000 }] } },
    // The local images as they are: Swarm ignores `build`, and no registry is needed on one node.
    backend: { replicas: BACKEND_REPLICAS, build: null },
    container: { build: null, certsDir: "certs" },
    swarm,
  } as Partial<SpecInput>;
  for (const file of renderTargets(planEdge(spec(input), { specName: "spec.yaml", specDirFromOutput: "." }))) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  await execa("cp", ["-r", join(work, "certs"), join(dir, "certs")]);
  const result = await execa("docker", ["stack", "deploy", "-c", "docker-compose.prod.yml", stack], { cwd: dir, reject: false, all: true, timeout: 120_000 });
  stacks.push(stack);
  expect(result.exitCode, result.all).toBe(0);
  // nginx follows the backend's name while it runs (`server backend:3000 ... resolve;`), or resolved it once.
  const followsNames = /server backend:3000[^;]* resolve;/.test(readFileSync(join(dir, "nginx", "nginx.conf"), "utf8"));
  return { stack, dir, followsNames };
}

const tls = () => ({ ca: caCert, servername: "localhost" });
const get = (port: number, path: string, agent?: https.Agent) =>
  request(`https://127.0.0.1:${port}${path}`, { headers: { host: "localhost" }, tls: tls(), timeoutMs: 10_000, ...(agent ? { agent } : {}) });

/** Running tasks of a service (docker service ps: desired state running, current state running). */
async function runningTasks(service: string): Promise<string[]> {
  const ps = await docker(["service", "ps", service, "--filter", "desired-state=running", "--format", "{{.ID}} {{.CurrentState}}"]);
  return ps.stdout.split("\n").filter((l) => / Running /.test(l)).map((l) => l.split(" ")[0]!);
}

interface Load {
  requests: number;
  failures: number;
  statuses: Record<string, number>;
  stop: () => Promise<void>;
}

/** CLIENTS keep-alive HTTPS clients, each sending GET / back to back; a failure is an error or a non-200. */
function steadyLoad(port: number): Load {
  const agent = new https.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const load: Load = { requests: 0, failures: 0, statuses: {}, stop: async () => {} };
  let running = true;
  const client = async () => {
    while (running) {
      let key: string;
      try {
        key = String((await get(port, "/api/v1/config", agent)).status);
      } catch (e) {
        key = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      }
      load.requests++;
      load.statuses[key] = (load.statuses[key] ?? 0) + 1;
      if (key !== "200") load.failures++;
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  load.stop = async () => {
    running = false;
    await Promise.all(clients);
    agent.destroy();
  };
  return load;
}

async function dumpOnFailure(stack: string): Promise<string> {
  const services = await docker(["stack", "services", stack]);
  const ps = await docker(["stack", "ps", "--no-trunc", stack]);
  const nginxLogs = await docker(["service", "logs", "--tail", "30", `${stack}_nginx`]);
  return [services.all, ps.all, String(nginxLogs.all).slice(-4000)].join("\n");
}

/**
 * An update whose new task never gets healthy (it listens on another port than its health check asks):
 * start-first keeps the old tasks serving, failure_action rollback brings the service back by itself,
 * and no request fails meanwhile.
 */
async function failedUpdateRollsBack(backend: string, port: number): Promise<void> {
  const load = steadyLoad(port);
  const t0 = Date.now();
  const update = await docker(["service", "update", "--env-add", "PORT=3999", "--detach=false", backend], 300_000);
  // The command returns once the rollback has started; the load stays on until it has completed.
  const updateState = async () => (await docker(["service", "inspect", "--format", "{{.UpdateStatus.State}}", backend])).stdout.trim();
  await until(async () => !["updating", "rollback_started"].includes(await updateState()), 120_000, 1000);
  await load.stop();
  const state = await updateState();
  const env = (await docker(["service", "inspect", "--format", "{{json .Spec.TaskTemplate.ContainerSpec.Env}}", backend])).stdout;
  console.log(
    `[figure] swarm failed update of the backend (new task never healthy), rolled back by failure_action: ${load.requests} requests, ${load.failures} failed (${JSON.stringify(load.statuses)}), state ${state} after ${Date.now() - t0} ms`,
  );
  expect(state, update.all).toBe("rollback_completed");
  expect(env).not.toContain("PORT=3999");
  expect(load.requests).toBeGreaterThan(100);
  expect(load.failures).toBe(0);
  expect((await runningTasks(backend)).length).toBe(BACKEND_REPLICAS);
}

/** Deploys, waits for the edge and every backend task, then force-updates the backend under load. */
async function rollingUpdateUnderLoad(name: string, offset: number, endpointMode: "vip" | "dnsrr") {
  const ports = await portsFor(offset);
  const { stack, followsNames } = await deploy(name, ports, { enabled: true, endpointMode, backend: { update: { monitor: "5s" } } });
  const backend = `${stack}_backend`;
  const up = await until(async () => (await runningTasks(backend)).length === BACKEND_REPLICAS && (await get(ports.https, "/api/v1/config").then((r) => r.status === 200, () => false)), 150_000, 1000);
  expect(up, await dumpOnFailure(stack)).toBe(true);
  const before = await runningTasks(backend);
  if (endpointMode === "dnsrr") await failedUpdateRollsBack(backend, ports.https);
  const load = steadyLoad(ports.https);
  await new Promise((r) => setTimeout(r, 2000));
  const t0 = Date.now();
  // --detach=false: returns once the service has converged (every task replaced and running).
  const update = await docker(["service", "update", "--force", "--detach=false", backend], 300_000);
  const updateMs = Date.now() - t0;
  await new Promise((r) => setTimeout(r, 3000));
  await load.stop();
  const after = await runningTasks(backend);
  const figure = { requests: load.requests, failures: load.failures, statuses: load.statuses, updateMs, replicas: `${before.length} -> ${after.length}`, replaced: after.filter((t) => !before.includes(t)).length };
  console.log(
    `[figure] swarm rolling update of the backend (${endpointMode}${endpointMode === "dnsrr" ? (followsNames ? ", nginx resolve" : ", nginx resolving once") : ""}, ${BACKEND_REPLICAS} replicas, start-first, parallelism 1) under ${CLIENTS} keep-alive HTTPS clients: ${figure.requests} requests, ${figure.failures} failed (${JSON.stringify(figure.statuses)}), update took ${figure.updateMs} ms, running tasks ${figure.replicas}, ${figure.replaced} replaced`,
  );
  return { stack, update, figure, followsNames };
}

describe.skipIf(!dockerUp)("docker stack deploy of the generated compose file (single-node swarm)", () => {
  it.skipIf(!ipvs)("vip (the default): a start-first rolling update of the backend under load fails no request", async () => {
    const { stack, update, figure } = await rollingUpdateUnderLoad("vip", 0, "vip");
    const dump = figure.failures === 0 ? "" : await dumpOnFailure(stack);
    expect(update.exitCode, update.all).toBe(0);
    expect(figure.requests).toBeGreaterThan(100);
    expect(figure.failures, dump).toBe(0);
    expect(figure.replaced).toBe(BACKEND_REPLICAS);
    await docker(["stack", "rm", stack]);
  }, 600_000);

  it("dnsrr: nginx following the name fails no request in a rolling update; resolving it once, it keeps the old tasks' addresses", async () => {
    const { stack, update, figure, followsNames } = await rollingUpdateUnderLoad("dnsrr", 1, "dnsrr");
    expect(update.exitCode, update.all).toBe(0);
    expect(figure.requests).toBeGreaterThan(100);
    expect(figure.replaced).toBe(BACKEND_REPLICAS);
    if (followsNames) expect(figure.failures, await dumpOnFailure(stack)).toBe(0);
    else expect(figure.failures).toBeGreaterThan(0);
    await docker(["stack", "rm", stack]);
  }, 600_000);
});
