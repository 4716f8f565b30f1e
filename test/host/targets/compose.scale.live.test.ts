// `docker compose up --scale backend=N` on the generated compose file, under steady load, for real
// (Docker Compose itself, its own project names and ports; nothing of the containers suite's stack).
// On nginx with upstream resolve (1.30, the default) the edge follows the backend's name through
// Docker's DNS: replicas added get their share within seconds, and a replica removed or killed costs
// no request (idempotent GETs go on to the next server, proxy_next_upstream). On nginx 1.26 the
// name is resolved once, at start: what rule upstream-names-resolved-once tells the operator.
// Each replica's own count is read from its own /metrics (http_requests_total), at its address.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../support/run-cli.js";
import { ensureStackImages } from "../../support/stack-images.js";

const dockerUp = (await execa("docker", ["info"], { reject: false })).exitCode === 0;
if (!dockerUp && process.env.CI === "true") throw new Error("Docker is not running, and CI readies it (scripts/docker-ready.sh)");
const COMPOSE = (await execa("docker", ["compose", "version"], { reject: false })).exitCode === 0 ? ["docker", "compose"] : ["docker-compose"];

/** The backend route the load requests: tiny, idempotent, counted per replica under this label. */
const PATH = "/version";
const CONCURRENCY = 8;
/**
 * Safety caps only (the machine's cores are shared and noisy): how long a new replica may take to
 * answer its own /metrics, and then to get its first request through nginx (resolve valid=5s).
 */
const READY_LIMIT_MS = 120_000;
const SPREAD_LIMIT_MS = 60_000;
const FIGURES: string[] = [];
const figure = (line: string) => {
  FIGURES.push(line);
  console.log(`[figure] ${line}`);
};

interface Stack {
  dir: string;
  project: string;
  port: number;
  compose(...args: string[]): Promise<string>;
  /** Running backend containers: id and address on the compose network. */
  replicas(): Promise<{ id: string; ip: string }[]>;
}

const stacks: Stack[] = [];

afterAll(async () => {
  for (const s of stacks) {
    await execa(COMPOSE[0]!, [...COMPOSE.slice(1), "-p", s.project, "-f", join(s.dir, "docker-compose.prod.yml"), "down", "-v", "--remove-orphans", "-t", "2"], { reject: false });
    rmSync(s.dir, { recursive: true, force: true });
  }
}, 120_000);

async function startStack(project: string, port: number, nginxVersion: string): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), `${project}-`));
  const spec = {
    domain: "app.example.com",
    nginx: { version: nginxVersion },
    listen: { httpPort: port, httpsPort: port + 10 }, // https is off: only httpPort is published
    tls: { enabled: false, hsts: { enabled: false } },
    metrics: { enabled: false },
    upstreams: { app: { servers: [{ host: "backend", port: 3000 }] } },
    routes: [{ kind: "api", path: "/" }],
    backend: { image: "edgekit-backend:local", build: null },
    container: { image: `edgekit-nginx:${nginxVersion}`, build: null },
    // 1.26 renders names resolved once (the rule says so): that is what this file measures there.
    waive: nginxVersion.startsWith("1.26") ? [{ rule: "upstream-names-resolved-once", reason: "measured here" }] : [],
  };
  writeFileSync(join(dir, "spec.yaml"), stringify(spec));
  const generated = await runCli(["generate"], { cwd: dir });
  expect(generated.exitCode, generated.stderr).toBe(0);
  const file = join(dir, "docker-compose.prod.yml");
  const compose = async (...args: string[]) => {
    const r = await execa(COMPOSE[0]!, [...COMPOSE.slice(1), "-p", project, "-f", file, ...args], { reject: false, all: true, timeout: 180_000 });
    if (r.exitCode !== 0) throw new Error(`compose ${args.join(" ")} failed:\n${r.all}`);
    return String(r.all);
  };
  const replicas = async () => {
    const ids = (await execa("docker", ["ps", "-q", "--filter", `label=com.docker.compose.project=${project}`, "--filter", "label=com.docker.compose.service=backend"])).stdout.split("\n").filter(Boolean);
    return Promise.all(
      ids.map(async (id) => ({ id, ip: (await execa("docker", ["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", id])).stdout.trim() })),
    );
  };
  const stack: Stack = { dir, project, port, compose, replicas };
  stacks.push(stack);
  await compose("up", "-d", "--no-build");
  return stack;
}

/** The replica's own count of GET PATH (its /metrics), or null when it no longer answers. */
async function servedBy(ip: string): Promise<number | null> {
  try {
    const text = await (await fetch(`http://${ip}:3000/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    let n = 0;
    for (const line of text.split("\n")) {
      if (line.startsWith("http_requests_total{") && line.includes(`route="${PATH}"`) && line.includes('method="GET"')) n += Number(line.split(" ").at(-1));
    }
    return n;
  } catch {
    return null;
  }
}

async function counts(stack: Stack): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const r of await stack.replicas()) {
    const n = await servedBy(r.ip);
    if (n !== null) out.set(r.id.slice(0, 12), n);
  }
  return out;
}

/** Steady load: CONCURRENCY loops of keep-alive GETs through nginx until stopped. */
function startLoad(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const tally = { ok: 0, failed: 0, failures: [] as string[] };
  const t0 = Date.now();
  const at = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  let running = true;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.get({ host: "127.0.0.1", port, path: PATH, agent, headers: { host: "app.example.com" }, timeout: 15_000 }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode === 200) tally.ok++;
          else (tally.failed++, tally.failures.length < 20 && tally.failures.push(`${at()}: status ${res.statusCode}`));
          resolve();
        });
      });
      req.on("timeout", () => req.destroy(new Error("client timeout")));
      req.on("error", (e) => {
        tally.failed++;
        if (tally.failures.length < 20) tally.failures.push(`${at()}: ${e.message}`);
        resolve();
      });
    });
  const loops = Array.from({ length: CONCURRENCY }, async () => {
    while (running) await one();
  });
  return {
    tally,
    /** Counts from now on: a fresh window. */
    mark: () => ({ ok: tally.ok, failed: tally.failed, at: at() }),
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check()) return Date.now() - start;
    await sleep(250);
  }
  return null;
}

/**
 * After a scale to `n`: the time until every replica answers its own /metrics (Docker's part), then
 * until each has served a request through nginx since `before` (nginx's part), or null past the caps.
 */
async function spread(stack: Stack, before: Map<string, number>, n: number): Promise<{ readyMs: number | null; servedMs: number | null }> {
  const readyMs = await waitUntil(async () => (await counts(stack)).size === n, READY_LIMIT_MS);
  if (readyMs === null) return { readyMs, servedMs: null };
  const servedMs = await waitUntil(async () => {
    const now = await counts(stack);
    return now.size === n && [...delta(before, now).values()].every((c) => c > 0);
  }, SPREAD_LIMIT_MS);
  return { readyMs, servedMs };
}

/** Per-replica requests served between two count snapshots (replicas present in the second). */
function delta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([id, n]) => [id, n - (before.get(id) ?? 0)]));
}

const show = (m: Map<string, number>) => [...m.values()].sort((a, b) => b - a).join(" / ");

/** nginx's own account of requests that did not get a 200 (its JSON access log, on the container's stdout). */
async function failedInLog(stack: Stack): Promise<string[]> {
  // The access log is buffered (flush=5s): wait for it.
  await sleep(6000);
  const logs = await execa(COMPOSE[0]!, [...COMPOSE.slice(1), "-p", stack.project, "-f", join(stack.dir, "docker-compose.prod.yml"), "logs", "--no-color", "nginx"], { reject: false, all: true });
  // nginx writes its buffered log in large chunks, which Docker's log driver splits at 16 KB: a line cut
  // there reads as two halves, neither JSON. Those are counted, not shown as failures (their status is unknown).
  let split = 0;
  const failed: string[] = [];
  for (const l of String(logs.all).split("\n")) {
    if (!l.includes("{")) continue;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(l.slice(l.indexOf("{"))) as Record<string, unknown>;
    } catch {
      split++;
      continue;
    }
    if (json.uri !== undefined && json.status !== 200) {
      failed.push(`${json.status} upstream_addr=${json.upstream_addr} upstream_status=${json.upstream_status} request_time=${json.request_time}`);
    }
  }
  return [...failed.slice(0, 10), ...(split > 0 ? [`(${split} log lines split by Docker's log driver, not read)`] : [])];
}

async function dump(stack: Stack): Promise<string> {
  const logs = await execa(COMPOSE[0]!, [...COMPOSE.slice(1), "-p", stack.project, "-f", join(stack.dir, "docker-compose.prod.yml"), "logs", "--no-color", "--tail", "60"], { reject: false, all: true });
  return `nginx.conf:\n${readFileSync(join(stack.dir, "nginx", "nginx.conf"), "utf8")}\n\nlogs:\n${logs.all}`;
}

describe.skipIf(!dockerUp)("compose --scale under load", () => {
  // The images are made when missing (a fresh CI machine has none until some test makes them).
  beforeAll(() => ensureStackImages({ nginxVersions: ["1.30.6", "1.26.3"], metrics: false }), 900_000);

  it("nginx 1.30 follows the backend's replicas: 1→3 spreads within seconds, a killed replica and 3→1 cost no request", async () => {
    const stack = await startStack("edgekit-c1-scale-130", 20380, "1.30.6");
    const conf = readFileSync(join(stack.dir, "nginx", "nginx.conf"), "utf8");
    expect(conf).toMatch(/server backend:3000 .* resolve;/);
    expect(conf).toContain("resolver 127.0.0.11 valid=5s;");
    const load = startLoad(stack.port);
    try {
      // One replica serves everything.
      await sleep(2000);
      expect((await stack.replicas()).length).toBe(1);

      // 1 → 3: each new replica gets requests within resolve.valid, then a fair share.
      const before = await counts(stack);
      const scaling = Date.now();
      await stack.compose("up", "-d", "--no-build", "--scale", "backend=3");
      const scaledIn = Date.now() - scaling;
      const up = await spread(stack, before, 3);
      if (up.servedMs === null) expect.fail(await dump(stack));
      const windowStart = await counts(stack);
      await sleep(5000);
      const share = delta(windowStart, await counts(stack));
      const total = [...share.values()].reduce((a, b) => a + b, 0);
      figure(`1.30.6 scale 1→3: up --scale took ${(scaledIn / 1000).toFixed(1)} s, the new replicas answered ${(up.readyMs! / 1000).toFixed(1)} s later, and each served through nginx ${(up.servedMs! / 1000).toFixed(1)} s after that; next 5 s per replica: ${show(share)} of ${total}`);
      expect(share.size).toBe(3);
      for (const n of share.values()) expect(n / total, show(share)).toBeGreaterThan(0.2);

      // A replica killed under load (docker rm -f: no graceful shutdown), then replaced.
      const killedAt = load.mark();
      const victim = (await stack.replicas())[0]!;
      await execa("docker", ["rm", "-f", victim.id]);
      await sleep(8000);
      const afterKill = load.mark();
      figure(`1.30.6 docker rm -f one of 3 replicas: ${afterKill.ok - killedAt.ok} requests in the next 8 s, ${afterKill.failed - killedAt.failed} failed`);
      expect(afterKill.failed - killedAt.failed, load.tally.failures.join("\n")).toBe(0);
      const beforeReplace = await counts(stack);
      await stack.compose("up", "-d", "--no-build", "--scale", "backend=3");
      const replaced = await spread(stack, beforeReplace, 3);
      if (replaced.servedMs === null) expect.fail(await dump(stack));
      figure(`1.30.6 replacement (up --scale backend=3 after the kill): it answered ${(replaced.readyMs! / 1000).toFixed(1)} s after up returned and served through nginx ${(replaced.servedMs! / 1000).toFixed(1)} s later`);

      // 3 → 1 under load: the stopped replicas drain; no request fails.
      const downAt = load.mark();
      await stack.compose("up", "-d", "--no-build", "--scale", "backend=1");
      await sleep(8000);
      const down = load.mark();
      const last = await stack.replicas();
      expect(last.length).toBe(1);
      const c1 = await counts(stack);
      await sleep(3000);
      const onlyOne = delta(c1, await counts(stack));
      const after = load.mark();
      figure(`1.30.6 scale 3→1 (load time ${downAt.at} to ${down.at}): ${down.ok - downAt.ok} requests in the 8 s after up --scale returned, ${down.failed - downAt.failed} failed; then ${show(onlyOne)} of ${after.ok - down.ok} on the one left`);
      expect(down.failed - downAt.failed, load.tally.failures.join("\n")).toBe(0);
    } finally {
      await load.stop();
    }
    figure(`1.30.6 whole run: ${load.tally.ok} requests, ${load.tally.failed} failed${load.tally.failures.length > 0 ? ` (${load.tally.failures.join("; ")})` : ""}`);
    for (const line of await failedInLog(stack)) figure(`1.30.6 not 200 in nginx's log: ${line}`);
    expect(load.tally.failed, load.tally.failures.join("\n")).toBe(0);
  }, 600_000);

  it("nginx 1.26 resolves the name once: replicas added get nothing until nginx reloads", async () => {
    const stack = await startStack("edgekit-c1-scale-126", 20381, "1.26.3");
    const conf = readFileSync(join(stack.dir, "nginx", "nginx.conf"), "utf8");
    expect(conf).not.toContain(" resolve;");
    const load = startLoad(stack.port);
    try {
      await sleep(2000);
      const before = await counts(stack);
      await stack.compose("up", "-d", "--no-build", "--scale", "backend=3");
      // Every replica answering, then twice resolve.valid: long enough for 1.30 to have spread (the test above).
      expect(await waitUntil(async () => (await counts(stack)).size === 3, READY_LIMIT_MS)).not.toBeNull();
      await sleep(10_000);
      const idle = delta(before, await counts(stack));
      const served = [...idle.values()].filter((n) => n > 0).length;
      figure(`1.26.3 scale 1→3: after 10 s, ${served} of ${idle.size} replicas served (${show(idle)})`);
      expect(idle.size).toBe(3);
      expect(served).toBe(1);

      // The master is the container's PID 1, started with -c (so `nginx -s reload` in the container would
      // read the image's default config and pid file): SIGHUP is the reload.
      await stack.compose("kill", "-s", "HUP", "nginx");
      const reloaded = await counts(stack);
      const after = await spread(stack, reloaded, 3);
      figure(`1.26.3 after the reload (SIGHUP): every replica served within ${after.servedMs === null ? "never" : `${(after.servedMs / 1000).toFixed(1)} s`}; ${load.tally.failed} failed requests in the run`);
      if (after.servedMs === null) expect.fail(await dump(stack));
    } finally {
      await load.stop();
    }
  }, 600_000);
});
