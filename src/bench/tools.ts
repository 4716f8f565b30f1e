// The load generators: h2load (nghttp2-client; HTTP/2, and HTTP/1.1 with --h1) and wrk (HTTP/1.1).
// Parsers are pure and tested on real output; runners build the argument list, run the tool and parse.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { percentileSorted } from "./stats.js";

/** Runs a load tool to completion (the toolchain's run: on this host or in a container). */
export type RunTool = (program: "h2load" | "wrk", args: string[], options: { paths: readonly string[]; timeoutMs: number; signal?: AbortSignal }) => Promise<{ exitCode: number; output: string }>;

export interface Latency {
  /** Microseconds. */
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** One run of one load tool: what it reports, normalised across tools. */
export interface LoadResult {
  tool: "h2load" | "wrk";
  protocol: "h1" | "h2";
  /** Requests that completed (with any status). */
  requests: number;
  /** Requests that did not end in 2xx/3xx: HTTP errors plus network errors and timeouts. */
  failed: number;
  /** Requests lost to network errors (connect, read, write, reset). */
  errored: number;
  timeout: number;
  /** 4xx and 5xx responses (h2load: exact; wrk: its "non-2xx or 3xx" count). */
  httpErrors: number;
  reqPerSec: number;
  /** Bytes read from the server, headers and framing included (h2load: after TLS decryption). */
  bytesRead: number;
  latencyUs: Latency | null;
  /** The tool's own output, kept for failures and the --debug trail. */
  output: string;
}

export class ToolError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = "ToolError";
  }
}

// ---------------------------------------------------------------------------
// h2load

const UNIT_US: Record<string, number> = { us: 1, ms: 1000, s: 1_000_000 };

function durationUs(value: string, unit: string): number {
  return Number(value) * (UNIT_US[unit] ?? Number.NaN);
}

/**
 * Parses h2load's summary. `logLines` is the content of its --log-file (start time, status,
 * microseconds to the end of the response, tab-separated), the only source of percentiles.
 */
export function parseH2load(output: string, protocol: "h1" | "h2", logText?: string): LoadResult {
  const requests = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(output);
  if (!requests) throw new ToolError(`h2load printed no summary${firstLine(output)}`, output);
  const finished = /finished in [0-9.]+(?:us|ms|s), ([0-9.]+) req\/s/.exec(output);
  const status = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(output);
  const traffic = /traffic: \S+ \((\d+)\) total/.exec(output);
  const timing = /time for request:\s+([0-9.]+)(us|ms|s)\s+([0-9.]+)(us|ms|s)\s+([0-9.]+)(us|ms|s)/.exec(output);
  const done = Number(requests[3]);
  let latencyUs: Latency | null = null;
  const samples = logText ? parseH2loadLog(logText) : [];
  if (samples.length > 0) {
    latencyUs = {
      p50: percentileSorted(samples, 50),
      p99: percentileSorted(samples, 99),
      mean: samples.reduce((a, b) => a + b, 0) / samples.length,
      max: samples[samples.length - 1] as number,
    };
  } else if (timing && done > 0) {
    // No log: h2load's own mean and max; percentiles unknown.
    latencyUs = { p50: Number.NaN, p99: Number.NaN, mean: durationUs(timing[5]!, timing[6]!), max: durationUs(timing[3]!, timing[4]!) };
  }
  return {
    tool: "h2load",
    protocol,
    requests: done,
    failed: Number(requests[5]),
    errored: Number(requests[6]),
    timeout: Number(requests[7]),
    httpErrors: status ? Number(status[3]) + Number(status[4]) : 0,
    reqPerSec: finished ? Number(finished[1]) : 0,
    bytesRead: traffic ? Number(traffic[1]) : 0,
    latencyUs,
    output,
  };
}

/** Response times (µs) of the completed requests in an h2load --log-file, sorted ascending. */
export function parseH2loadLog(text: string): number[] {
  const out: number[] = [];
  for (const line of text.split("\n")) {
    const cols = line.split("\t");
    if (cols.length < 3) continue;
    const status = Number(cols[1]);
    const us = Number(cols[2]);
    if (status > 0 && Number.isFinite(us)) out.push(us);
  }
  return out.sort((a, b) => a - b);
}

export interface H2loadRun {
  url: string;
  protocol: "h1" | "h2";
  connections: number;
  /** Concurrent streams per connection (h2 only; h1 is always 1). */
  streams?: number;
  /** Timing-based run of this many seconds, or... */
  durationSec?: number;
  /** ...a fixed number of requests. */
  requests?: number;
  headers?: Record<string, string>;
  threads?: number;
  /** A directory for the per-request log (removed again after parsing). */
  workDir: string;
  signal?: AbortSignal;
}

export function h2loadArgs(run: H2loadRun, logFile: string): string[] {
  const args = [`-c${run.connections}`, `-t${run.threads ?? 1}`, `--log-file=${logFile}`];
  if (run.protocol === "h1") args.push("--h1");
  else args.push(`-m${run.streams ?? 1}`);
  if (run.durationSec !== undefined) args.push(`-D${run.durationSec}`);
  else args.push(`-n${run.requests ?? 1000}`);
  for (const [name, value] of Object.entries(run.headers ?? {})) args.push("-H", `${name}: ${value}`);
  args.push(run.url);
  return args;
}

let logCounter = 0;

export async function runH2load(run: H2loadRun, runTool: RunTool): Promise<LoadResult> {
  const logFile = join(run.workDir, `h2load-${process.pid}-${++logCounter}.log`);
  try {
    const timeoutMs = ((run.durationSec ?? 120) + 60) * 1000;
    const result = await runTool("h2load", h2loadArgs(run, logFile), { paths: [run.workDir], timeoutMs, ...(run.signal ? { signal: run.signal } : {}) });
    if (run.signal?.aborted) throw new ToolError("interrupted", "");
    const output = result.output;
    let log = "";
    try {
      log = readFileSync(logFile, "utf8");
    } catch {
      // no log: h2load failed before any request
    }
    const parsed = parseH2load(output, run.protocol, log);
    return { ...parsed, output: trimOutput(output) };
  } finally {
    rmSync(logFile, { force: true });
  }
}

// ---------------------------------------------------------------------------
// wrk

/** A wrk script whose done() prints every figure as one JSON line (wrk's text rounds bytes to MB). */
export const WRK_REPORT_LUA = `-- edgekit bench: print wrk's exact figures as one JSON line
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('EDGEKIT_WRK {"duration_us":%d,"requests":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
`;

interface WrkJson {
  duration_us: number;
  requests: number;
  bytes: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50_us: number;
  p99_us: number;
  mean_us: number;
  max_us: number;
}

/** Parses wrk's output with the EDGEKIT_WRK line of WRK_REPORT_LUA. */
export function parseWrk(output: string): LoadResult {
  const line = /^EDGEKIT_WRK (\{.*\})$/m.exec(output);
  if (!line) throw new ToolError(`wrk printed no summary${firstLine(output)}`, output);
  const j = JSON.parse(line[1]!) as WrkJson;
  const errored = j.connect + j.read + j.write;
  return {
    tool: "wrk",
    protocol: "h1",
    requests: j.requests,
    failed: errored + j.timeout + j.status,
    errored,
    timeout: j.timeout,
    httpErrors: j.status,
    reqPerSec: j.duration_us > 0 ? (j.requests * 1e6) / j.duration_us : 0,
    bytesRead: j.bytes,
    latencyUs: j.requests > 0 ? { p50: j.p50_us, p99: j.p99_us, mean: j.mean_us, max: j.max_us } : null,
    output,
  };
}

export interface WrkRun {
  url: string;
  connections: number;
  durationSec: number;
  threads?: number;
  headers?: Record<string, string>;
  workDir: string;
  signal?: AbortSignal;
}

export function wrkArgs(run: WrkRun, script: string): string[] {
  const threads = Math.max(1, Math.min(run.threads ?? 2, run.connections));
  const args = [`-t${threads}`, `-c${run.connections}`, `-d${run.durationSec}s`, "--timeout", "10s", "-s", script];
  for (const [name, value] of Object.entries(run.headers ?? {})) args.push("-H", `${name}: ${value}`);
  args.push(run.url);
  return args;
}

export async function runWrk(run: WrkRun, runTool: RunTool): Promise<LoadResult> {
  const script = join(run.workDir, "edgekit-wrk-report.lua");
  writeFileSync(script, WRK_REPORT_LUA);
  const result = await runTool("wrk", wrkArgs(run, script), { paths: [run.workDir], timeoutMs: (run.durationSec + 60) * 1000, ...(run.signal ? { signal: run.signal } : {}) });
  if (run.signal?.aborted) throw new ToolError("interrupted", "");
  const output = result.output;
  return { ...parseWrk(output), output: trimOutput(output) };
}

// ---------------------------------------------------------------------------

function firstLine(output: string): string {
  const line = output.trim().split("\n").find((l) => l.trim() !== "");
  return line ? `: ${line.trim()}` : " (no output)";
}

function trimOutput(output: string): string {
  return output.length > 4000 ? `${output.slice(0, 2000)}\n...\n${output.slice(-2000)}` : output;
}
