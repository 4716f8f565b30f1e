// Helpers for reliability.test.ts: extra backend containers on the stack's network, counters read
// from any backend container, timed HTTPS requests, and raw TLS clients that misbehave on purpose.
import http2 from "node:http2";
import https from "node:https";
import tls from "node:tls";
import { execa } from "execa";
import { PROJECT } from "./constants.js";
import { BACKEND_REPLICAS, container, httpsUrl, stack } from "./stack.js";

export const NETWORK = `${PROJECT}_default`;
/** The reference backend image the stack builds (src/backend, deploy/backend/Dockerfile). */
export const BACKEND_IMAGE = "edgekit-backend:local";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The stack's own backend containers (edgekitit_backend_1, _2). */
export const stackBackends = (): string[] => Array.from({ length: BACKEND_REPLICAS }, (_, i) => container("backend", i + 1));

/** Runs a command in a container by name, returning stdout; throws with stderr on failure. */
export async function execIn(name: string, command: string[]): Promise<string> {
  const result = await execa("docker", ["exec", name, ...command], { reject: false });
  if (result.exitCode !== 0) throw new Error(`docker exec ${name} ${command.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/** Removes a container if it exists (never throws). */
export async function removeContainer(name: string): Promise<void> {
  await execa("docker", ["rm", "-f", name], { reject: false });
}

/**
 * Starts one more reference backend on the stack's network, named `name` (resolvable by that name
 * from the nginx container), with `env` on top of the image defaults; resolves once /health answers.
 */
export async function startExtraBackend(name: string, env: Record<string, string>): Promise<void> {
  await removeContainer(name); // a leftover from an interrupted run
  const envArgs = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  const run = await execa("docker", ["run", "-d", "--network", NETWORK, "--name", name, "--read-only", "--tmpfs", "/tmp", ...envArgs, BACKEND_IMAGE], { reject: false, all: true });
  if (run.exitCode !== 0) throw new Error(`docker run ${name} failed: ${run.all}`);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const probe = await execa("docker", ["exec", name, "node", "-e", "fetch('http://127.0.0.1:3000/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"], { reject: false });
    if (probe.exitCode === 0) return;
    await sleep(200);
  }
  const logs = await execa("docker", ["logs", name], { reject: false, all: true });
  throw new Error(`${name} did not become healthy within 30 s:\n${logs.all}`);
}

/** The Prometheus text of one backend container, read from inside it. */
export async function metricsOf(name: string): Promise<string> {
  return execIn(name, ["node", "-e", "fetch('http://127.0.0.1:3000/metrics').then(r=>r.text()).then(t=>process.stdout.write(t))"]);
}

/** Sum of the samples of `metric` in a Prometheus text whose labels include all of `labels`. */
export function sampleSum(text: string, metric: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([0-9.e+-]+)$/.exec(line);
    if (!match || match[1] !== metric) continue;
    const lineLabels = match[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => lineLabels.includes(`${k}="${v}"`))) total += Number(match[3]);
  }
  return total;
}

/** `metric` summed over the given backend containers. */
export async function counterOver(names: string[], metric: string, labels: Record<string, string> = {}): Promise<number> {
  const texts = await Promise.all(names.map(metricsOf));
  return texts.reduce((sum, text) => sum + sampleSum(text, metric, labels), 0);
}

/** Requests the backends counted on `route` (any method and status): the edge-facing request counter. */
export const requestsOn = (names: string[], route: string) => counterOver(names, "http_requests_total", { route });

/**
 * How long the backend in container `name` really keeps an idle keep-alive socket open after a
 * response: one GET /health over a raw loopback socket inside the container, then the time until
 * the server closes it (Node closes at keepAliveTimeout + keepAliveTimeoutBuffer).
 */
export async function probeIdleCloseMs(name: string): Promise<number> {
  const script = `
    const net = require("node:net");
    const s = net.connect(3000, "127.0.0.1", () => s.write("GET /health HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n"));
    let buf = "", idleSince = 0;
    s.on("data", (d) => { buf += d; if (!idleSince && buf.endsWith('{"status":"ok"}')) idleSince = performance.now(); });
    s.on("close", () => { process.stdout.write(String(Math.round(performance.now() - idleSince))); });
    setTimeout(() => { process.stdout.write("-1"); process.exit(0); }, 120000);
    s.on("close", () => process.exit(0));
  `;
  return Number(await execIn(name, ["node", "-e", script]));
}

export interface Timed {
  status: number;
  ms: number;
  /** Set when the request failed below HTTP (reset, TLS error): the status is then 0. */
  error?: string;
  retryAfter?: string;
}

/** One HTTPS request (HTTP/1.1) through `agent`, timed from send to end of body; never rejects. */
export function timedRequest(path: string, options: { agent?: https.Agent | false; method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.body !== undefined) {
      headers["content-type"] ??= "application/json";
      headers["content-length"] = String(Buffer.byteLength(options.body));
    }
    const req = https.request(httpsUrl(path), { method: options.method ?? "GET", headers, ca: stack().caCert, agent: options.agent ?? false }, (res) => {
      res.resume();
      res.on("end", () => {
        const retryAfter = res.headers["retry-after"];
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, ...(typeof retryAfter === "string" ? { retryAfter } : {}) });
      });
      res.on("error", (e) => resolve({ status: 0, ms: performance.now() - started, error: e.message }));
    });
    req.on("error", (e) => resolve({ status: 0, ms: performance.now() - started, error: e.message }));
    req.end(options.body);
  });
}

/** Statuses counted: {"200": 990, "502": 10}. */
export function tally(results: Timed[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = r.error ? `error(${r.error})` : String(r.status);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** A TLS connection to the https port (ALPN http/1.1), open before it resolves. */
export function tlsConnect(): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "localhost", port: stack().httpsPort, servername: "localhost", ca: stack().caCert, ALPNProtocols: ["http/1.1"] }, () => resolve(socket));
    socket.once("error", reject);
  });
}

export interface Stalled {
  /** Milliseconds from the last byte the client sent until nginx closed the connection. */
  closedAfterMs: number;
  /** What nginx sent before closing (empty for a silent close; a 408 page otherwise). */
  received: string;
}

/**
 * Opens a TLS connection, writes `bytes`, then sends nothing more and waits (at most `limitMs`) for
 * nginx to close it; the clock starts when the write is flushed.
 */
export async function stallAfter(bytes: string, limitMs: number): Promise<Stalled> {
  const socket = await tlsConnect();
  let received = "";
  socket.setEncoding("utf8");
  socket.on("data", (d: string) => (received += d));
  socket.on("error", () => {});
  const sentAt = await new Promise<number>((resolve) => socket.write(bytes, () => resolve(performance.now())));
  const closedAt = await new Promise<number>((resolve) => {
    const timer = setTimeout(() => resolve(Number.NaN), limitMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(performance.now());
    });
  });
  socket.destroy();
  return { closedAfterMs: closedAt - sentAt, received };
}

/**
 * Sends `bytes` after the headers, then `dribble` more bytes one at a time every `everyMs`, and
 * waits for nginx to close; times from the first write (`sinceOpenMs`) and from the last
 * (`closedAfterMs`).
 */
export async function dribbleAfter(bytes: string, dribble: string, everyMs: number, limitMs: number): Promise<Stalled & { sinceFirstWriteMs: number; dribbled: number }> {
  const socket = await tlsConnect();
  let received = "";
  let closed = false;
  socket.setEncoding("utf8");
  socket.on("data", (d: string) => (received += d));
  socket.on("error", () => {});
  const closedAt = new Promise<number>((resolve) => {
    const timer = setTimeout(() => resolve(Number.NaN), limitMs);
    socket.once("close", () => {
      closed = true;
      clearTimeout(timer);
      resolve(performance.now());
    });
  });
  const firstAt = await new Promise<number>((resolve) => socket.write(bytes, () => resolve(performance.now())));
  let lastAt = firstAt;
  let dribbled = 0;
  for (const ch of dribble) {
    await sleep(everyMs);
    if (closed) break;
    lastAt = await new Promise<number>((resolve) => socket.write(ch, () => resolve(performance.now())));
    dribbled++;
  }
  const end = await closedAt;
  socket.destroy();
  return { closedAfterMs: end - lastAt, sinceFirstWriteMs: end - firstAt, received, dribbled };
}

/**
 * A POST of `size` bytes over HTTP/1.1, with a Content-Length header or chunked; the body is
 * written in 64 KiB pieces until the response arrives (nginx may answer before reading it all).
 */
export function postLarge(path: string, size: number, options: { chunked: boolean }): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (t: Timed) => {
      if (settled) return;
      settled = true;
      resolve(t);
    };
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (!options.chunked) headers["content-length"] = String(size);
    const req = https.request(httpsUrl(path), { method: "POST", headers, ca: stack().caCert, agent: false }, (res) => {
      res.resume();
      res.on("end", () => settle({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on("error", () => settle({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on("error", (e) => settle({ status: 0, ms: performance.now() - started, error: e.message }));
    const piece = Buffer.alloc(64 * 1024, 0x20);
    let left = size;
    const pump = () => {
      while (left > 0 && !settled) {
        const n = Math.min(left, piece.length);
        left -= n;
        if (!req.write(n === piece.length ? piece : piece.subarray(0, n))) return void req.once("drain", pump);
      }
      if (!settled) req.end();
    };
    pump();
  });
}

/** One POST with a body (`content-length` sent) as a stream of an HTTP/2 session; never rejects. */
export function h2Post(session: http2.ClientHttp2Session, path: string, size: number): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve) => {
    let status = 0;
    const req = session.request({ ":method": "POST", ":path": path, "content-type": "application/json", "content-length": String(size) });
    req.on("response", (h) => (status = Number(h[":status"])));
    req.on("data", () => {});
    req.on("end", () => resolve({ status, ms: performance.now() - started }));
    req.on("error", (e) => resolve({ status, ms: performance.now() - started, error: e.message }));
    req.end(Buffer.alloc(size, 0x20));
  });
}

/** The most intervals [start, end] that overlap at any instant (a sweep over their ends). */
export function maxOverlap(intervals: Array<[number, number]>): number {
  const points = intervals.flatMap(([s, e]) => [[s, 1] as const, [e, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of points) peak = Math.max(peak, (now += d));
  return peak;
}

/**
 * Starts, inside container `inside`, a sampler that reads `metric` from each `targets` URL every
 * ~10 ms for `durationMs`; `ready` resolves after the first sample, `series` with every sample as
 * [ms since start, value per target].
 */
export function sampleGauge(inside: string, targets: string[], metric: string, durationMs: number): { ready: Promise<void>; series: Promise<number[][]> } {
  const script = `
    const [targets, metric, duration] = [JSON.parse(process.argv[1]), process.argv[2], Number(process.argv[3])];
    const re = new RegExp("^" + metric + " (\\\\S+)$", "m");
    const t0 = Date.now(); const series = [];
    (async () => {
      while (Date.now() - t0 < duration) {
        const values = await Promise.all(targets.map((u) => fetch(u).then((r) => r.text()).then((t) => Number(re.exec(t)?.[1] ?? NaN))));
        series.push([Date.now() - t0, ...values]);
        if (series.length === 1) process.stderr.write("ready\\n");
        await new Promise((r) => setTimeout(r, 10));
      }
      process.stdout.write(JSON.stringify(series));
    })();
  `;
  const child = execa("docker", ["exec", inside, "node", "-e", script, JSON.stringify(targets), metric, String(durationMs)], { reject: false });
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr?.on("data", (d: Buffer) => {
      if (String(d).includes("ready")) resolve();
    });
    child.then((r) => reject(new Error(`gauge sampler ended before its first sample: ${r.stderr}`)), reject);
  });
  ready.catch(() => {});
  return { ready, series: child.then((r) => JSON.parse(String(r.stdout)) as number[][]) };
}

/** `count` values spread evenly over [lo, hi] in a fixed, well-mixed order (golden-ratio sequence). */
export function spread(count: number, lo: number, hi: number): number[] {
  const phi = (Math.sqrt(5) - 1) / 2;
  return Array.from({ length: count }, (_, i) => lo + (hi - lo) * (((i + 1) * phi) % 1));
}

/** nginx's own log lines (error log and access log both go to the container's output) since `since`. */
export async function nginxLogSince(since: Date): Promise<string> {
  const result = await execa("docker", ["logs", "--since", since.toISOString(), container("nginx")], { reject: false, all: true });
  return String(result.all ?? "");
}
