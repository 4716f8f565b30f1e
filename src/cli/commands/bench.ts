// `edgekit bench`: the thin shell around src/bench. Parses and checks the options, picks the
// exit code, prints the table (or JSON) and writes the report and charts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { latencyChart, throughputChart } from "../../bench/charts.js";
import { findTools, missingToolsMessage } from "../../bench/environment.js";
import { Progress, type ProgressSink } from "../../bench/progress.js";
import { formatTable, missedTargets, renderReport, toJson, tuningBody } from "../../bench/report.js";
import { Interrupted, REQUIRED_LOCAL_PROGRAMS, runBench, URL_PROGRAMS, type BenchMode, type BenchRun } from "../../bench/run.js";
import { chooseToolchain, hostToolchain, type Toolchain } from "../../bench/toolchain.js";
import { hostNginx, type RunnerChoice } from "../../nginx-check/runner.js";
import { DEFAULT_SETTINGS, QUICK_SETTINGS, scenarioIds, type BenchSettings } from "../../bench/scenarios.js";
import { checkTarget } from "../../bench/target.js";
import { commentText } from "../../model/header.js";
import { EXIT } from "../exit-codes.js";
import { loadValidSpec, type Io } from "../io.js";

export interface BenchOptions {
  spec: string;
  url?: string;
  iOwnThisHost?: boolean;
  rounds?: string;
  duration?: string;
  warmup?: string;
  connections?: string;
  h2Requests?: string;
  workers?: string;
  quick?: boolean;
  out: string;
  json?: boolean;
  failOnTarget?: boolean;
  /** Where nginx, HAProxy, Caddy and the load tools run: auto (the host's when its nginx is the spec's version, else containers of the release's Debian suite), host, container. */
  runner?: RunnerChoice;
  /** Comma-separated scenario ids to run instead of all. */
  only?: string;
}

/** Whole seconds from "10s", "1m" or a bare number of seconds. */
export function parseSeconds(value: string, min: number): number | null {
  const m = /^(\d+)(s|m)?$/.exec(value.trim());
  if (!m) return null;
  const seconds = Number(m[1]) * (m[2] === "m" ? 60 : 1);
  return seconds >= min && seconds <= 3600 ? seconds : null;
}

function parseCount(value: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(value.trim())) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

/** The settings from the options (--quick changes the defaults; explicit options still win), or what is wrong. */
export function benchSettings(o: BenchOptions): { settings: BenchSettings } | { error: string } {
  const base = o.quick ? QUICK_SETTINGS : DEFAULT_SETTINGS;
  const settings: BenchSettings = { ...base };
  const checks: [string | undefined, string, (v: string) => number | null, (n: number) => void][] = [
    [o.rounds, "--rounds: a whole number from 1 to 100", (v) => parseCount(v, 1, 100), (n) => (settings.rounds = n)],
    [o.duration, "--duration: whole seconds from 1s to 3600s, e.g. 10s or 1m", (v) => parseSeconds(v, 1), (n) => (settings.durationSec = n)],
    [o.warmup, "--warmup: whole seconds from 0s (no warm-up) to 3600s, e.g. 2s", (v) => parseSeconds(v, 0), (n) => (settings.warmupSec = n)],
    [o.connections, "--connections: a whole number from 2 to 10000", (v) => parseCount(v, 2, 10_000), (n) => (settings.connections = n)],
    [o.h2Requests, "--h2-requests: a whole number from 100 to 10000000", (v) => parseCount(v, 100, 10_000_000), (n) => (settings.h2Requests = n)],
    [o.workers, "--workers: a whole number from 1 to 256", (v) => parseCount(v, 1, 256), (n) => (settings.workers = n)],
  ];
  for (const [raw, what, parse, set] of checks) {
    if (raw === undefined) continue;
    const n = parse(raw);
    if (n === null) return { error: `${what}; got ${JSON.stringify(raw)}` };
    set(n);
  }
  if (o.only !== undefined) {
    const ids = o.only.split(",").map((x) => x.trim()).filter(Boolean);
    const known = scenarioIds();
    const unknown = ids.filter((id) => !known.includes(id));
    if (ids.length === 0 || unknown.length > 0) return { error: `--only: scenario ids separated by commas, from ${known.join(", ")}; got ${JSON.stringify(o.only)}` };
    settings.only = ids;
  }
  return { settings };
}

export async function bench(io: Io, options: BenchOptions, stderr: ProgressSink = process.stderr): Promise<number> {
  // The target first: a refusal must never depend on which other option is wrong.
  const target = options.url !== undefined ? checkTarget(options.url, Boolean(options.iOwnThisHost)) : null;
  if (target && !target.ok) {
    io.err(`edgekit bench: ${target.message}`);
    return EXIT.invalid;
  }
  const parsed = benchSettings(options);
  if ("error" in parsed) {
    io.err(`edgekit bench: ${parsed.error}`);
    return EXIT.invalid;
  }
  const { settings } = parsed;

  let mode: BenchMode;
  if (target?.ok) {
    mode = { kind: "url", url: target.url };
  } else {
    const loaded = loadValidSpec(io, options.spec);
    if (!loaded) return EXIT.invalid;
    mode = { kind: "local", spec: loaded.spec, specFile: options.spec, specText: loaded.file.text };
  }

  let toolchain: Toolchain;
  let toolchainNotes: string[] = [];
  if (mode.kind === "url") {
    toolchain = hostToolchain(hostNginx());
    const missing = toolchain.missing(URL_PROGRAMS);
    if (missing.length > 0) {
      io.err(missingToolsMessage(missing));
      return EXIT.environment;
    }
  } else {
    const runner = options.runner ?? "auto";
    if (!["auto", "host", "container"].includes(runner)) {
      io.err(`edgekit bench: --runner: auto, host or container; got ${JSON.stringify(runner)}`);
      return EXIT.invalid;
    }
    const chosen = await chooseToolchain(mode.spec.nginx.version, runner, (line) => io.progress?.(line === null ? null : `edgekit bench: ${line}`));
    if ("problem" in chosen) {
      io.err(`edgekit bench: ${chosen.problem}`);
      return EXIT.environment;
    }
    ({ toolchain, notes: toolchainNotes } = chosen);
    // openssl makes the development certificate on this host whatever runs the servers.
    const missing = [...toolchain.missing(REQUIRED_LOCAL_PROGRAMS), ...findTools(["openssl"]).missing];
    if (missing.length > 0) {
      io.err(missingToolsMessage(missing));
      return EXIT.environment;
    }
  }

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let run: BenchRun;
  try {
    run = await runBench({ settings, mode, toolchain, toolchainNotes, progress: new Progress(stderr, 0), signal: controller.signal });
  } catch (error) {
    if (error instanceof Interrupted || controller.signal.aborted) {
      io.err("edgekit bench: interrupted; every process it started was stopped and its temp files removed");
      return EXIT.failed;
    }
    io.err(`edgekit bench: ${(error as Error).message}`);
    return EXIT.failed;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }

  const files = writeOutputs(io, run, options.out);
  if (options.json) {
    io.out(JSON.stringify(toJson(run, files), null, 2));
  } else {
    io.out(formatTable(run.scenarios));
    io.out(`\nreport: ${files.report}\ncharts: ${files.charts.join(", ")}`);
  }
  const missed = missedTargets(run);
  if (missed.length > 0) io.err(`edgekit bench: target missed: ${missed.map((s) => `${s.id} (${s.target})`).join("; ")}`);
  return options.failOnTarget && missed.length > 0 ? EXIT.failed : EXIT.ok;
}

/** Writes the report and, next to it in charts/, the SVG charts. Returns the paths written (relative to cwd). */
function writeOutputs(io: Io, run: BenchRun, out: string): { report: string; charts: string[] } {
  const reportPath = resolve(io.cwd, out);
  const dir = dirname(reportPath);
  const chartsDir = join(dir, "charts");
  mkdirSync(chartsDir, { recursive: true });
  const subtitle =
    run.mode === "local"
      ? `edgekit bench on ${commentText(run.subject)}: ${run.settings.rounds} × ${run.settings.durationSec} s rounds, ${run.environment.cores} cores, load generator on the same host`
      : `edgekit bench against ${commentText(run.subject)}: ${run.settings.rounds} × ${run.settings.durationSec} s rounds`;
  const charts = { throughputChart: "charts/throughput.svg", latencyChart: "charts/latency.svg" };
  writeFileSync(join(dir, charts.throughputChart), throughputChart(run.scenarios, run.measurements, subtitle));
  writeFileSync(join(dir, charts.latencyChart), latencyChart(run.scenarios, run.measurements, subtitle));
  const tuningPath = join(dir, "tuning.md");
  const tuning = tuningBody(existsSync(tuningPath) ? readFileSync(tuningPath, "utf8") : null, existsSync(reportPath) ? readFileSync(reportPath, "utf8") : null);
  writeFileSync(reportPath, renderReport(run, charts, tuning));
  const rel = (p: string) => {
    const r = relative(io.cwd, p);
    return r === "" || r.startsWith("..") ? p : r;
  };
  return { report: rel(reportPath), charts: [rel(join(dir, charts.throughputChart)), rel(join(dir, charts.latencyChart))] };
}
