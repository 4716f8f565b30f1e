// Runs the benchmark: starts the local stack (or takes the --url edge), probes every measurement
// once, warms each up, runs the rounds, and returns every figure. Everything it starts is stopped
// and every temp file removed in `finally`, also when interrupted (Ctrl-C aborts `signal`).
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { stringify } from "yaml";
import { zstdEnabled } from "../model/nginx.js";
import type { Spec } from "../spec/schema.js";
import { deriveBenchSpec, compressionOffVariant, poolOffVariant, workerCount } from "./bench-spec.js";
import { describeEnvironment, type Environment } from "./environment.js";
import { backendEntry, Cleanup, cpuSeconds, makeWorkDir, startBackend, startCaddy, startEdge, startHaproxy, type RunningBackend } from "./host-stack.js";
import { mbPerThousand, measureIdleMemory } from "./idle-memory.js";
import type { Progress } from "./progress.js";
import {
  evaluateScenarios,
  IDLE_CONNECTIONS,
  localPlans,
  roundFigures,
  selectPlans,
  summarise,
  urlPlans,
  type BenchSettings,
  type IdleMemoryResult,
  type MeasurementPlan,
  type MeasurementResult,
  type Probe,
  type RoundFigures,
  type ScenarioResult,
  type TargetName,
} from "./scenarios.js";
import type { BenchProgram, Toolchain } from "./toolchain.js";
import { h2loadArgs, runH2load, runWrk, wrkArgs, type LoadResult, type RunTool } from "./tools.js";

export type BenchMode = { kind: "local"; spec: Spec; specFile: string; specText: string } | { kind: "url"; url: URL };

export interface BenchRequest {
  settings: BenchSettings;
  mode: BenchMode;
  /** Where nginx, the reference proxies and the load tools run. */
  toolchain: Toolchain;
  /** Notes from choosing the toolchain (e.g. the host's nginx is not the spec's version), for the report. */
  toolchainNotes?: string[];
  progress: Progress;
  signal: AbortSignal;
}

export interface BenchRun {
  settings: BenchSettings;
  mode: "local" | "url";
  /** The spec file (local) or the URL (--url). */
  subject: string;
  environment: Environment;
  /** nginx worker processes, and so HAProxy threads and Caddy GOMAXPROCS. */
  workers: number | null;
  /** What the benchmark changed in the spec, and other things the reader must know. */
  notes: string[];
  specText: string | null;
  benchSpecYaml: string | null;
  /** The HAProxy and Caddy configs the reference rows ran with. */
  referenceConfigs: { name: string; text: string }[];
  backend: string | null;
  measurements: MeasurementResult[];
  /** Idle keep-alive memory per server and protocol (local runs). */
  memory: IdleMemoryResult[];
  scenarios: ScenarioResult[];
  /** Problems met while stopping the stack (reported, not fatal). */
  cleanupProblems: string[];
}

/** The programs a local run uses besides nginx (HAProxy and Caddy rows say "not installed" without them). */
export const LOCAL_PROGRAMS: readonly BenchProgram[] = ["h2load", "wrk", "haproxy", "caddy"];
/** The programs a local run cannot do without. */
export const REQUIRED_LOCAL_PROGRAMS: readonly BenchProgram[] = ["h2load", "wrk"];
/** `--url` loads a running edge with h2load only. */
export const URL_PROGRAMS: readonly BenchProgram[] = ["h2load"];

export class Interrupted extends Error {
  constructor() {
    super("interrupted");
    this.name = "Interrupted";
  }
}

interface Target {
  base: string;
  /** Process whose CPU (with its descendants) the run is charged to; 0: not measured. */
  cpuPid: number;
}

export async function runBench(req: BenchRequest): Promise<BenchRun> {
  const cleanup = new Cleanup();
  let result: BenchRun | undefined;
  try {
    result = req.mode.kind === "local" ? await runLocal(req, req.mode, cleanup) : await runUrl(req, req.mode.url, cleanup);
  } finally {
    req.progress.done();
    const problems = await cleanup.run();
    if (result) result.cleanupProblems = problems;
    else if (problems.length > 0) req.progress.note(`edgekit bench: while stopping: ${problems.join("; ")}`);
  }
  return result;
}

async function runLocal(req: BenchRequest, mode: Extract<BenchMode, { kind: "local" }>, cleanup: Cleanup): Promise<BenchRun> {
  const { progress, toolchain, settings } = req;
  progress.note(`edgekit bench: starting the backend, the edge (3 variants) and the reference proxies on loopback (${toolchain.label})`);
  const environment = await describeEnvironment(toolchain, LOCAL_PROGRAMS);
  const { workDir, certs } = await makeWorkDir(cleanup);
  const entry = backendEntry();
  if (!entry) throw new Error("no reference backend to run: build it with `npm run build:backend` (or `npm run build`)");
  const backend = await startBackend(cleanup, entry.path, mode.spec);
  // --workers: the load generator and the backend share this host's cores with nginx, which a
  // production edge doesn't; the report says when the spec's worker count was overridden.
  const specForRun = settings.workers === null ? mode.spec : { ...mode.spec, nginx: { ...mode.spec.nginx, workerProcesses: settings.workers } };
  const bench = deriveBenchSpec(specForRun, {
    backendPort: backend.port,
    nginxVersion: environment.versions.nginx ?? mode.spec.nginx.version,
    peakConcurrency: Math.max(settings.connections, ...settings.sweep),
  });
  if (settings.workers !== null) bench.notes.push(`nginx worker_processes ${settings.workers} (--workers; the spec says ${mode.spec.nginx.workerProcesses})`);
  const edge = await startEdge(cleanup, bench.spec, certs, toolchain);
  const poolOff = await startEdge(cleanup, poolOffVariant(bench.spec), certs, toolchain);
  const compressionOff = await startEdge(cleanup, compressionOffVariant(bench.spec), certs, toolchain);
  const workers = workerCount(bench.spec, environment.cores);
  const notes = [...(req.toolchainNotes ?? []), ...bench.notes];
  notes.push(`the pool-off edge is the same spec with every upstream's keepalive.connections set to 0; the compression-off edge has compression.gzip, compression.brotli and compression.zstd disabled (and gets the same Accept-Encoding: gzip, br, zstd)`);

  const targets = new Map<TargetName, Target | { unavailable: string }>([
    ["backend", { base: `http://127.0.0.1:${backend.port}`, cpuPid: backend.pid }],
    ["edge", { base: `https://127.0.0.1:${edge.httpsPort}`, cpuPid: edge.pid }],
    ["edge-pool-off", { base: `https://127.0.0.1:${poolOff.httpsPort}`, cpuPid: poolOff.pid }],
    ["edge-compression-off", { base: `https://127.0.0.1:${compressionOff.httpsPort}`, cpuPid: compressionOff.pid }],
  ]);
  const referenceConfigs: { name: string; text: string }[] = [];
  for (const [name, start] of [
    ["haproxy", startHaproxy],
    ["caddy", startCaddy],
  ] as const) {
    if (toolchain.missing([name]).length > 0) {
      targets.set(name, { unavailable: "not installed" });
      continue;
    }
    try {
      const proxy = await start(cleanup, bench.spec, workDir, certs, workers, toolchain);
      targets.set(name, { base: `https://127.0.0.1:${proxy.port}`, cpuPid: proxy.pid });
      referenceConfigs.push({ name: name === "haproxy" ? "haproxy.cfg" : "Caddyfile", text: proxy.config });
    } catch (error) {
      targets.set(name, { unavailable: `failed to start: ${(error as Error).message.split("\n").slice(0, 3).join(" ")}` });
    }
  }
  if (referenceConfigs.length > 0) {
    notes.push(
      `${referenceConfigs.map((c) => (c.name === "haproxy.cfg" ? `HAProxy (nbthread ${workers})` : `Caddy (GOMAXPROCS ${workers})`)).join(" and ")} ran with the same development certificate and TLS versions, HTTP/2, gzip, the spec's security headers and a keep-alive pool to the backend, with as many threads as nginx has worker processes; their configs are at the end of this report`,
    );
  }
  if (referenceConfigs.some((c) => c.name === "haproxy.cfg")) {
    notes.push(`HAProxy ${environment.versions.haproxy ?? ""} (Debian's build) compresses with SLZ, which has no level setting (nginx and Caddy use gzip at the spec's level)`);
  }

  notes.push("HTTP/3 is not measured: Debian's h2load is built without ngtcp2/nghttp3, so no load generator here speaks HTTP/3");
  // Memory first, before any load has grown (or warmed) the servers' heaps: a conservative figure.
  // Each (server, protocol) on a fresh instance: memory a process freed stays in its heap, so a
  // second measurement in the same process would reuse it and read low.
  const fresh = async (name: TargetName): Promise<FreshServer | { unavailable: string }> => {
    const target = targets.get(name);
    if (!target || "unavailable" in target) return { unavailable: target && "unavailable" in target ? target.unavailable : "no target" };
    if (name === "edge") {
      const e = await startEdge(cleanup, bench.spec, certs, toolchain);
      return { base: `https://127.0.0.1:${e.httpsPort}`, pid: e.pid, stop: () => e.stop() };
    }
    const start = name === "haproxy" ? startHaproxy : startCaddy;
    const p = await start(cleanup, bench.spec, workDir, certs, workers, toolchain);
    return { base: `https://127.0.0.1:${p.port}`, pid: p.pid, stop: () => p.stop() };
  };
  const memory = settings.only === null || settings.only.includes("idle-memory") ? await measureMemory(req, fresh, bench.toolsPath) : [];
  const plans = selectPlans(settings, localPlans(settings, { tools: bench.toolsPath, cached: bench.cachedPath, zstd: zstdEnabled(bench.spec) }));
  const measurements = await measure(req, plans, targets, backend, workDir, { ca: edge.caCert }, environment.ticksPerSecond);
  return {
    settings,
    mode: "local",
    subject: mode.specFile,
    environment,
    workers,
    notes,
    specText: mode.specText,
    benchSpecYaml: stringify(bench.spec, { lineWidth: 0 }),
    referenceConfigs,
    backend: `${entry.kind === "bundle" ? "the bundle deploy/backend/dist/server.mjs" : "dist/backend/main.js (no bundle: run `npm run build:backend` for the image's exact file)"} on node ${process.version}`,
    measurements,
    memory,
    scenarios: evaluateScenarios(settings, measurements, "local", memory),
    cleanupProblems: [],
  };
}

const MEMORY_SERVERS: readonly [TargetName, string][] = [
  ["edge", "nginx"],
  ["haproxy", "HAProxy"],
  ["caddy", "Caddy"],
];

interface FreshServer {
  base: string;
  pid: number;
  stop(): Promise<void>;
}

/** Idle keep-alive memory of nginx, HAProxy and Caddy, h1 and h2 each, each on a fresh instance. */
async function measureMemory(req: BenchRequest, fresh: (name: TargetName) => Promise<FreshServer | { unavailable: string }>, path: string): Promise<IdleMemoryResult[]> {
  const out: IdleMemoryResult[] = [];
  const count = req.settings.quick ? 100 : IDLE_CONNECTIONS;
  for (const [name, label] of MEMORY_SERVERS) {
    for (const protocol of ["h1", "h2"] as const) {
      const base = { id: `idle-${protocol}-${name}`, label: `${label} ${protocol}`, target: name, protocol, opened: 0, stillOpen: 0, rssBeforeKiB: null, rssAfterKiB: null, mbPer1k: null };
      check(req.signal);
      req.progress.note(`edgekit bench: memory of ${label} with ${count} idle ${protocol} connections`);
      let server: FreshServer | { unavailable: string } | undefined;
      try {
        server = await fresh(name);
        if ("unavailable" in server) {
          out.push({ ...base, status: "not-run", reason: server.unavailable });
          continue;
        }
        const f = await measureIdleMemory({ origin: server.base, path, protocol, connections: count, pid: server.pid, signal: req.signal });
        out.push({ ...base, status: "ok", opened: f.opened, stillOpen: f.stillOpen, rssBeforeKiB: f.rssBeforeKiB, rssAfterKiB: f.rssAfterKiB, mbPer1k: mbPerThousand(f) });
      } catch (error) {
        check(req.signal);
        out.push({ ...base, status: "error", reason: (error as Error).message.split("\n")[0] ?? String(error) });
      } finally {
        if (server && !("unavailable" in server)) await server.stop();
      }
    }
  }
  return out;
}

async function runUrl(req: BenchRequest, url: URL, cleanup: Cleanup): Promise<BenchRun> {
  const { toolchain, settings } = req;
  const environment = await describeEnvironment(toolchain, URL_PROGRAMS);
  const { workDir } = await makeWorkDir(cleanup);
  const targets = new Map<TargetName, Target | { unavailable: string }>([["url", { base: url.origin, cpuPid: 0 }]]);
  const measurements = await measure(req, selectPlans(settings, urlPlans(settings, url)), targets, null, workDir, { ca: null }, environment.ticksPerSecond);
  return {
    settings,
    mode: "url",
    subject: url.href,
    environment,
    workers: null,
    notes: [
      `measured the running edge at ${url.origin}; "compression off" is the same request without Accept-Encoding`,
      "scenarios that need the local backend or edge variants (direct vs edge, pool, cache, reference proxies) were not run",
    ],
    specText: null,
    benchSpecYaml: null,
    referenceConfigs: [],
    backend: null,
    measurements,
    memory: [],
    scenarios: evaluateScenarios(settings, measurements, "url"),
    cleanupProblems: [],
  };
}

// ---------------------------------------------------------------------------

interface Slot {
  plan: MeasurementPlan;
  target: Target;
  url: string;
  rounds: RoundFigures[];
  probe?: Probe;
  command: string;
  error?: string;
}

async function measure(
  req: BenchRequest,
  plans: readonly MeasurementPlan[],
  targets: Map<TargetName, Target | { unavailable: string }>,
  backend: RunningBackend | null,
  workDir: string,
  tls: { ca: string | null },
  ticks: number,
): Promise<MeasurementResult[]> {
  const { settings, progress, signal } = req;
  const results = new Map<string, MeasurementResult>();
  const slots: Slot[] = [];
  for (const plan of plans) {
    const target = targets.get(plan.target);
    if (!target || "unavailable" in target) {
      results.set(plan.id, { ...plan, status: "not-run", reason: target && "unavailable" in target ? target.unavailable : "no target", rounds: [], median: summarise([]) });
      continue;
    }
    const url = `${target.base}${plan.path}`;
    // Local ports change every run: the report names the server instead.
    const shown = plan.target === "url" ? url : `${target.base.replace(/:\d+$/, `:<${plan.target} port>`)}${plan.path}`;
    slots.push({ plan, target, url, rounds: [], command: commandLine(plan, shown, settings) });
  }

  // Probe each once: its status (a 404 or 429 would make the figures meaningless) and body size.
  for (const slot of slots) {
    check(signal);
    try {
      slot.probe = await probe(slot.url, slot.plan.headers, tls.ca);
      if (slot.probe.status < 200 || slot.probe.status >= 400) slot.error = `GET ${slot.plan.path} answered ${slot.probe.status}, so its figures would measure an error page`;
    } catch (error) {
      slot.error = `GET ${slot.plan.path} failed: ${(error as Error).message}`;
    }
  }
  const live = slots.filter((s) => !s.error);
  const timed = live.filter((s) => s.plan.requests === undefined);
  const fixed = live.filter((s) => s.plan.requests !== undefined);
  progress.setTotal((settings.warmupSec > 0 ? timed.length : 0) + timed.length * settings.rounds + fixed.length);

  const runTool: RunTool = (program, args, options) => req.toolchain.run(program, args, options);
  const once = async (slot: Slot, durationSec: number | undefined) => {
    const connsBefore = backend ? await backend.connectionsAccepted() : null;
    const cpuBefore = slot.target.cpuPid > 0 ? cpuSeconds(slot.target.cpuPid, ticks) : null;
    const load = await runLoad(slot.plan, slot.url, durationSec, workDir, signal, runTool);
    const cpuAfter = slot.target.cpuPid > 0 ? cpuSeconds(slot.target.cpuPid, ticks) : null;
    // The second scrape's own connection is counted by the time it reads the counter.
    const connsAfter = backend ? await backend.connectionsAccepted() : null;
    const conns = connsBefore !== null && connsAfter !== null ? Math.max(0, connsAfter - connsBefore - 1) : null;
    const cpu = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
    return roundFigures(load, conns, cpu);
  };

  const guarded = async (slot: Slot, fn: () => Promise<void>) => {
    if (slot.error) return;
    check(signal);
    try {
      await fn();
    } catch (error) {
      check(signal);
      slot.error = (error as Error).message.split("\n")[0] ?? String(error);
    }
  };

  if (settings.warmupSec > 0) {
    for (const slot of timed) {
      progress.next(`warm-up · ${slot.plan.label}`);
      await guarded(slot, async () => void (await once(slot, settings.warmupSec)));
    }
  }
  for (let round = 1; round <= settings.rounds; round++) {
    for (const slot of timed) {
      progress.next(`${slot.plan.label} · round ${round}/${settings.rounds}`);
      await guarded(slot, async () => void slot.rounds.push(await once(slot, settings.durationSec)));
    }
  }
  for (const slot of fixed) {
    progress.next(`${slot.plan.label} · ${slot.plan.requests?.toLocaleString("en-US")} requests`);
    await guarded(slot, async () => void slot.rounds.push(await once(slot, undefined)));
  }

  for (const slot of slots) {
    const ok = !slot.error && slot.rounds.length > 0;
    results.set(slot.plan.id, {
      ...slot.plan,
      status: ok ? "ok" : "error",
      ...(slot.error ? { reason: slot.error } : {}),
      command: slot.command,
      ...(slot.probe ? { probe: slot.probe } : {}),
      rounds: slot.rounds,
      median: summarise(slot.rounds),
    });
  }
  return plans.map((p) => results.get(p.id) as MeasurementResult);
}

function check(signal: AbortSignal): void {
  if (signal.aborted) throw new Interrupted();
}

async function runLoad(plan: MeasurementPlan, url: string, durationSec: number | undefined, workDir: string, signal: AbortSignal, runTool: RunTool): Promise<LoadResult> {
  let load: LoadResult;
  if (plan.tool === "wrk") {
    load = await runWrk({ url, connections: plan.connections, durationSec: durationSec ?? 1, headers: plan.headers, workDir, signal }, runTool);
  } else {
    load = await runH2load({
      url,
      protocol: plan.protocol,
      connections: plan.connections,
      streams: plan.streams,
      ...(plan.requests !== undefined && durationSec === undefined ? { requests: plan.requests } : { durationSec: durationSec ?? 1 }),
      headers: plan.headers,
      workDir,
      signal,
    }, runTool);
  }
  if (signal.aborted) throw new Interrupted();
  if (load.requests === 0) throw new Error(`${plan.tool} completed no request: ${firstMeaningfulLine(load.output)}`);
  return load;
}

function firstMeaningfulLine(output: string): string {
  return output.split("\n").find((l) => /error|refused|fail|unable|timeout/i.test(l))?.trim() ?? output.trim().split("\n")[0] ?? "no output";
}

function commandLine(plan: MeasurementPlan, url: string, settings: BenchSettings): string {
  if (plan.tool === "wrk") {
    const args = wrkArgs({ url, connections: plan.connections, durationSec: settings.durationSec, headers: plan.headers, workDir: "" }, "report.lua");
    return `wrk ${args.map(shellWord).join(" ")}`;
  }
  const args = h2loadArgs(
    { url, protocol: plan.protocol, connections: plan.connections, streams: plan.streams, ...(plan.requests !== undefined ? { requests: plan.requests } : { durationSec: settings.durationSec }), headers: plan.headers, workDir: "" },
    "LOG",
  ).filter((a) => !a.startsWith("--log-file"));
  return `h2load ${args.map(shellWord).join(" ")}`;
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** One GET with the plan's headers: status, Content-Encoding and the body's size as sent. */
export function probe(url: string, headers: Record<string, string>, ca: string | null): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const options = { method: "GET", headers, agent: false as const, timeout: 10_000 };
    const onResponse = (res: import("node:http").IncomingMessage) => {
      let bytes = 0;
      res.on("data", (d: Buffer) => (bytes += d.length));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, encoding: String(res.headers["content-encoding"] ?? "identity"), bodyBytes: bytes }));
      res.on("error", reject);
    };
    const req =
      target.protocol === "https:"
        ? httpsRequest(target, { ...options, ...(ca ? { ca } : { rejectUnauthorized: false }) }, onResponse)
        : httpRequest(target, options, onResponse);
    req.on("timeout", () => req.destroy(new Error("timed out after 10 s")));
    req.on("error", reject);
    req.end();
  });
}
