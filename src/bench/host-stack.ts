// Starts what the benchmark loads, on loopback: the reference backend (on this host), the edge
// (nginx) and its pool-off and compression-off variants, and HAProxy and Caddy when the toolchain
// has them (this host's binaries, or containers of one Debian suite: see toolchain.ts).
// Everything started is registered with a Cleanup, which the caller runs in `finally`; an `exit`
// hook kills whatever is still alive if the process dies another way.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { backendEnv } from "../backend-contract/environment.js";
import { createDevCerts, type DevCerts } from "../certs/dev-certs.js";
import { freePort, portOpen, startNginx, type RunningNginx } from "../nginx-check/run-nginx.js";
import { caddyStorageDir } from "../model/caddy.js";
import { haproxyCombinedPem } from "../model/haproxy.js";
import type { EdgePlan, ReferenceSetup } from "../plan/index.js";
import type { Spec } from "../spec/schema.js";
import { durationMs } from "../spec/values.js";
import { caddyTarget, haproxyTarget, type Target } from "../targets/index.js";
import type { BenchProgram, Toolchain } from "./toolchain.js";

/** Processes, directories and closers to release, newest first. */
export class Cleanup {
  private readonly tasks: { name: string; run: () => Promise<void> | void }[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly dirs = new Set<string>();
  private readonly onExit = () => this.killNowSync();

  constructor() {
    process.once("exit", this.onExit);
  }

  child(child: ChildProcess): ChildProcess {
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
    return child;
  }

  dir(path: string): string {
    this.dirs.add(path);
    return path;
  }

  add(name: string, run: () => Promise<void> | void): void {
    this.tasks.push({ name, run });
  }

  /** Runs every task (newest first), then kills leftover children and removes directories. Never throws. */
  async run(): Promise<string[]> {
    const problems: string[] = [];
    for (const task of this.tasks.splice(0).reverse()) {
      try {
        await task.run();
      } catch (error) {
        problems.push(`${task.name}: ${(error as Error).message}`);
      }
    }
    for (const child of [...this.children]) await stopProcess(child);
    this.killNowSync();
    process.removeListener("exit", this.onExit);
    return problems;
  }

  /** Synchronous last resort (for the process `exit` event): SIGKILL children, remove directories. */
  killNowSync(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

async function waitForListen(port: number, child: ChildProcess, what: string, log: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let spawnError: Error | undefined;
  child.once("error", (e) => (spawnError = e));
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`${what} could not start: ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${log().trim()}`);
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s:\n${log().trim()}`);
}

function collect(child: ChildProcess): () => string {
  let text = "";
  const add = (d: Buffer) => {
    text = (text + String(d)).slice(-8000);
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  return () => text;
}

// ---------------------------------------------------------------------------
// The reference backend

/** The bundle `npm run build:backend` writes (what the image runs), else the tsc output in dist/. */
export function backendEntry(packageRoot = fileURLToPath(new URL("../../", import.meta.url))): { path: string; kind: "bundle" | "dist" } | null {
  const bundle = join(packageRoot, "deploy", "backend", "dist", "server.mjs");
  if (existsSync(bundle)) return { path: bundle, kind: "bundle" };
  const compiled = join(packageRoot, "dist", "backend", "main.js");
  if (existsSync(compiled)) return { path: compiled, kind: "dist" };
  return null;
}

export interface RunningBackend {
  port: number;
  pid: number;
  /** backend_tcp_connections_accepted_total from its /metrics (the scrape's own connection included). */
  connectionsAccepted(): Promise<number>;
}

export async function startBackend(cleanup: Cleanup, entry: string, spec: Spec): Promise<RunningBackend> {
  const port = await freePort();
  const child = cleanup.child(
    spawn(process.execPath, [entry], {
      env: {
        PATH: process.env.PATH ?? "",
        ...backendEnv({
          port,
          host: "127.0.0.1",
          keepAliveTimeoutMs: durationMs(spec.backend.keepAliveTimeout),
          headersTimeoutMs: durationMs(spec.backend.headersTimeout),
          version: "bench",
        }),
      },
      // stdout ignored: an unread pipe would fill up and stall the backend.
      stdio: ["ignore", "ignore", "pipe"],
    }),
  );
  const log = collect(child);
  await waitForListen(port, child, "the reference backend", log);
  return { port, pid: child.pid ?? 0, connectionsAccepted: () => scrapeCounter(port, "backend_tcp_connections_accepted_total") };
}

/** Reads one counter from a Prometheus text endpoint on a fresh connection. */
export function scrapeCounter(port: number, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: "127.0.0.1", port, path: "/metrics", agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => {
        const match = new RegExp(`^${name} ([0-9.e+]+)$`, "m").exec(body);
        if (match?.[1]) resolve(Number(match[1]));
        else reject(new Error(`no ${name} in the backend's /metrics (status ${res.statusCode})`));
      });
    });
    req.on("timeout", () => req.destroy(new Error("the backend's /metrics timed out")));
    req.on("error", reject);
  });
}

// ---------------------------------------------------------------------------
// The edge and the reference proxies

export async function startEdge(cleanup: Cleanup, spec: Spec, certs: DevCerts, toolchain: Toolchain): Promise<RunningNginx> {
  const edge = await startNginx(spec, { certs, runner: toolchain.nginx, onSpawn: (c) => cleanup.child(c) });
  cleanup.add("nginx", () => edge.stop());
  return edge;
}

export interface RunningProxy {
  port: number;
  pid: number;
  config: string;
  /** Stops it now (cleanup would at the end anyway). */
  stop(): Promise<void>;
}

/**
 * The plan a reference proxy is rendered from: the bench spec listening (TLS) on `port` with the
 * development certificate, run with `workers` threads and `workDir` as its state directory.
 */
export function referencePlan(spec: Spec, port: number, certs: DevCerts, reference: ReferenceSetup): EdgePlan {
  return {
    spec: { ...spec, listen: { ...spec.listen, httpsPort: port }, tls: { ...spec.tls, certificate: certs.cert, certificateKey: certs.key } },
    options: { specName: "the bench spec", specDirFromOutput: ".", reference },
  };
}

/** Writes the target's one file under `workDir` and returns its path and text. */
function writeReferenceConfig(target: Target, plan: EdgePlan, workDir: string): { path: string; text: string } {
  const [file, ...extra] = target.render(plan);
  if (!file || extra.length > 0) throw new Error(`target ${target.id} rendered ${[file, ...extra].length} files, expected one`);
  const path = join(workDir, file.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.content);
  return { path, text: file.content };
}

export async function startHaproxy(cleanup: Cleanup, spec: Spec, workDir: string, certs: DevCerts, workers: number, toolchain: Toolchain): Promise<RunningProxy> {
  const port = await freePort();
  const setup: ReferenceSetup = { workers, stateDir: workDir, bindAddress: "127.0.0.1" };
  const plan = referencePlan(spec, port, certs, setup);
  writeFileSync(haproxyCombinedPem(setup), readFileSync(certs.cert, "utf8") + readFileSync(certs.key, "utf8"), { mode: 0o600 });
  const config = writeReferenceConfig(haproxyTarget, plan, workDir);
  return startServer(cleanup, toolchain, "haproxy", ["-db", "-f", config.path], { workDir, port, config: config.text });
}

export async function startCaddy(cleanup: Cleanup, spec: Spec, workDir: string, certs: DevCerts, workers: number, toolchain: Toolchain): Promise<RunningProxy> {
  const port = await freePort();
  const setup: ReferenceSetup = { workers, stateDir: workDir, bindAddress: "127.0.0.1" };
  const plan = referencePlan(spec, port, certs, setup);
  const dataDir = caddyStorageDir(setup);
  mkdirSync(dataDir, { recursive: true });
  const config = writeReferenceConfig(caddyTarget, plan, workDir);
  // Caddy keeps state under $HOME / XDG dirs: all of it goes into the temp dir.
  const env = { HOME: dataDir, XDG_DATA_HOME: dataDir, XDG_CONFIG_HOME: dataDir, GOMAXPROCS: String(workers) };
  return startServer(cleanup, toolchain, "caddy", ["run", "--config", config.path, "--adapter", "caddyfile"], { workDir, port, config: config.text, env });
}

/** Starts a reference proxy in the foreground and waits for its port; stopped and reaped by `cleanup`. */
async function startServer(
  cleanup: Cleanup,
  toolchain: Toolchain,
  program: BenchProgram,
  args: string[],
  o: { workDir: string; port: number; config: string; env?: Record<string, string> },
): Promise<RunningProxy> {
  const child = cleanup.child(toolchain.spawn(program, args, { paths: [o.workDir], cwd: o.workDir, stdio: ["ignore", "pipe", "pipe"], ...(o.env ? { env: o.env } : {}) }));
  const stop = async () => {
    await stopProcess(child);
    await toolchain.reap(child);
  };
  cleanup.add(program, stop);
  const log = collect(child);
  await waitForListen(o.port, child, program, log);
  return { port: o.port, pid: await toolchain.pid(child), config: o.config, stop };
}

export async function makeWorkDir(cleanup: Cleanup): Promise<{ workDir: string; certs: DevCerts }> {
  const workDir = cleanup.dir(mkdtempSync(join(tmpdir(), "edgekit-bench-run-")));
  const certs = await createDevCerts({ dir: join(workDir, "certs"), names: ["localhost"], certFile: "fullchain.pem", keyFile: "privkey.pem" });
  return { workDir, certs };
}

// ---------------------------------------------------------------------------
// CPU time from /proc

/** The pid and every descendant of it (nginx: master, workers, cache manager). */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const list = parents.get(stat.ppid) ?? [];
    list.push(Number(name));
    parents.set(stat.ppid, list);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const child of parents.get(pid) ?? []) walk(child);
  };
  walk(root);
  return out;
}

interface Stat {
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces and parentheses). */
export function parseProcStat(text: string): Stat | null {
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const fields = text.slice(close + 2).split(" ");
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { ppid, ticks: utime + stime };
}

function readStat(pid: number): Stat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/** CPU seconds used so far by `root` and its descendants (threads are included in a process's figures). */
export function cpuSeconds(root: number, ticksPerSecond: number): number | null {
  if (!existsSync("/proc/self/stat") || root <= 0) return null;
  let ticks = 0;
  for (const pid of processTree(root)) ticks += readStat(pid)?.ticks ?? 0;
  return ticks / ticksPerSecond;
}
