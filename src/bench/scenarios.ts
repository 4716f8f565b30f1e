// What the benchmark measures, as data: measurement plans (one load-tool invocation each, run
// every round) and scenarios (comparisons of measurements from the same run, with targets).
// Pure: run.ts executes the plans, evaluateScenarios() turns their medians into verdicts.
import { medianOf, ratio } from "./stats.js";
import type { LoadResult } from "./tools.js";

export type TargetName = "backend" | "edge" | "edge-pool-off" | "edge-compression-off" | "haproxy" | "caddy" | "url";

export interface BenchSettings {
  rounds: number;
  durationSec: number;
  warmupSec: number;
  /** HTTP/1.1 concurrency (and total in-flight requests in the h1-vs-h2 scenario). */
  connections: number;
  /** Requests in the HTTP/2 reliability run (h2load -n). */
  h2Requests: number;
  quick: boolean;
  /** nginx worker_processes for the run (and HAProxy threads, Caddy GOMAXPROCS); null: the spec's. */
  workers: number | null;
  /** Client connections per step of the concurrency sweep. */
  sweep: readonly number[];
  /** Scenario ids to run (--only); null: all. */
  only: readonly string[] | null;
}

/** Client connections per step of the concurrency sweep (h1 and h2, one request in flight per connection). */
export const SWEEP_CONNECTIONS = [10, 50, 100, 250, 500, 1000] as const;
/** --quick sweeps two small steps: 1,000 TLS handshakes alone take longer than a 1 s round. */
const QUICK_SWEEP = [10, 50] as const;

export const DEFAULT_SETTINGS: BenchSettings = { rounds: 3, durationSec: 10, warmupSec: 2, connections: 50, h2Requests: 100_000, quick: false, workers: null, sweep: SWEEP_CONNECTIONS, only: null };
export const QUICK_SETTINGS: BenchSettings = { rounds: 1, durationSec: 1, warmupSec: 1, connections: 50, h2Requests: 10_000, quick: true, workers: null, sweep: QUICK_SWEEP, only: null };
/** Streams per HTTP/2 connection where a scenario multiplexes. */
export const H2_STREAMS = 10;
/** Connections of the h2 runs that compare compression and reference proxies (h2load -c10 -m10). */
export const H2_CONNECTIONS = 10;

export interface MeasurementPlan {
  id: string;
  /** Short human label (charts, tables). */
  label: string;
  tool: "wrk" | "h2load";
  protocol: "h1" | "h2";
  target: TargetName;
  /** Path and query on the target. */
  path: string;
  connections: number;
  /** Concurrent streams per connection (h2). */
  streams: number;
  headers: Record<string, string>;
  /** A fixed request count, run once after the rounds; absent: a timing-based run every round. */
  requests?: number;
}

export interface RoundFigures {
  reqPerSec: number;
  requests: number;
  failed: number;
  errored: number;
  timeout: number;
  httpErrors: number;
  p50Ms: number | null;
  p99Ms: number | null;
  wireBytesPerRequest: number | null;
  /** TCP connections the backend accepted during the round (null: not counted, e.g. --url). */
  backendConnections: number | null;
  /** CPU seconds of the server the load tool talks to (nginx with its workers, HAProxy, Caddy, or the backend when loaded directly) during the round. */
  serverCpuSeconds: number | null;
}

export interface Figures {
  reqPerSec: number | null;
  /** Half the range of req/s across rounds, relative to the median (0.03 = ±3%); null with one round. */
  reqPerSecSpread: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  wireBytesPerRequest: number | null;
  requests: number | null;
  /** Failures summed over all rounds (any failure counts). */
  failed: number;
  errored: number;
  timeout: number;
  httpErrors: number;
  backendConnections: number | null;
  /** Backend connections per proxied request, as a fraction. */
  backendConnectionsPerRequest: number | null;
  /** CPU milliseconds of that server per 1000 requests. */
  cpuMsPer1k: number | null;
}

export interface Probe {
  status: number;
  /** Content-Encoding of the response ("identity" when none). */
  encoding: string;
  /** Body bytes as sent (compressed when encoded). */
  bodyBytes: number;
}

export interface MeasurementResult extends MeasurementPlan {
  status: "ok" | "not-run" | "error";
  /** Why it did not run, or what went wrong. */
  reason?: string;
  /** The load command, as run (for the report). */
  command?: string;
  probe?: Probe;
  rounds: RoundFigures[];
  median: Figures;
}

/** Memory a server took for IDLE_CONNECTIONS idle keep-alive connections (each made one request first). */
export interface IdleMemoryResult {
  id: string;
  label: string;
  target: TargetName;
  protocol: "h1" | "h2";
  status: "ok" | "not-run" | "error";
  reason?: string;
  /** Connections opened, and still open when memory was read the second time. */
  opened: number;
  stillOpen: number;
  /** Resident memory of the server's processes (master and workers) before and with the idle connections, KiB. */
  rssBeforeKiB: number | null;
  rssAfterKiB: number | null;
  /** (after - before) scaled to 1,000 connections, MB (10^6 bytes). */
  mbPer1k: number | null;
}

export interface ScenarioResult {
  id: string;
  title: string;
  status: "ok" | "not-run" | "error";
  reason?: string;
  /** One line of the figures that matter, for the table. */
  figures: string;
  ratios: { label: string; value: number }[];
  target: string | null;
  /** null: no target, or it could not be judged. */
  met: boolean | null;
  /** Measurement ids this scenario compares (for the charts and the report). */
  measurements: string[];
}

const ACCEPT_GZIP = { "Accept-Encoding": "gzip" };
const ACCEPT_BR = { "Accept-Encoding": "br" };
const ACCEPT_ZSTD = { "Accept-Encoding": "zstd" };
/** The compression-off edge gets the same request as the others: only the server side differs. */
const ACCEPT_BOTH = { "Accept-Encoding": "gzip, br, zstd" };

/** Throughput at the sweep's last step at least this share of its peak ("flat or rising"). */
export const SWEEP_THROUGHPUT_TARGET = 0.9;

/**
 * The concurrency sweep against `target`: wrk (h1; h2load --h1 where wrk is not required, with
 * --url) and h2load (h2, one stream per connection, so both protocols have as many requests in
 * flight as connections) at each step of SWEEP_CONNECTIONS.
 */
export function sweepPlans(steps: readonly number[], target: TargetName, path: string, protocols: readonly ("h1" | "h2")[], h1Tool: "wrk" | "h2load" = "wrk"): MeasurementPlan[] {
  return protocols.flatMap((protocol) =>
    steps.map((connections): MeasurementPlan => ({
      id: sweepId(protocol, connections),
      label: `sweep ${protocol}, ${connections} conns`,
      tool: protocol === "h1" ? h1Tool : "h2load",
      protocol,
      target,
      path,
      connections,
      streams: 1,
      headers: {},
    })),
  );
}

export function sweepId(protocol: "h1" | "h2", connections: number): string {
  return `sweep-${protocol}-c${connections}`;
}

/** Load plans against the local stack (backend, edge and its variants, reference proxies). */
export function localPlans(s: BenchSettings, paths: { tools: string; cached: string; zstd?: boolean }): MeasurementPlan[] {
  const c = s.connections;
  const h1 = (id: string, label: string, target: TargetName, path: string): MeasurementPlan => ({ id, label, tool: "wrk", protocol: "h1", target, path, connections: c, streams: 1, headers: {} });
  const h2 = (id: string, label: string, target: TargetName, headers: Record<string, string>): MeasurementPlan => ({
    id,
    label,
    tool: "h2load",
    protocol: "h2",
    target,
    path: paths.tools,
    connections: H2_CONNECTIONS,
    streams: H2_STREAMS,
    headers,
  });
  return [
    h1("direct-h1", "backend direct, h1", "backend", paths.tools),
    h1("edge-h1", "edge h1 (pool on)", "edge", paths.tools),
    h1("edge-h1-pool-off", "edge h1, pool off", "edge-pool-off", paths.tools),
    { id: "edge-h1-h2load", label: "edge h1 (h2load)", tool: "h2load", protocol: "h1", target: "edge", path: paths.tools, connections: c, streams: 1, headers: {} },
    { id: "edge-h2", label: "edge h2 (h2load)", tool: "h2load", protocol: "h2", target: "edge", path: paths.tools, connections: Math.max(1, Math.round(c / H2_STREAMS)), streams: H2_STREAMS, headers: {} },
    h2("edge-identity", "edge h2, compression off", "edge-compression-off", ACCEPT_BOTH),
    h2("edge-gzip", "edge h2 + gzip (nginx)", "edge", ACCEPT_GZIP),
    h2("edge-br", "edge h2 + br", "edge", ACCEPT_BR),
    ...(paths.zstd ? [h2("edge-zstd", "edge h2 + zstd", "edge", ACCEPT_ZSTD)] : []),
    h1("cached-edge", "edge h1, micro-cached", "edge", paths.cached),
    h1("cached-direct", "backend direct, same route", "backend", paths.cached),
    h2("haproxy-gzip", "HAProxy h2 + gzip", "haproxy", ACCEPT_GZIP),
    h2("caddy-gzip", "Caddy h2 + gzip", "caddy", ACCEPT_GZIP),
    { ...h2("h2-reliability", "edge h2, fixed count", "edge", {}), requests: s.h2Requests },
    ...sweepPlans(s.sweep, "edge", paths.tools, ["h1", "h2"]),
  ];
}

/** Load plans against a running edge the user points to (`--url`). */
export function urlPlans(s: BenchSettings, url: URL): MeasurementPlan[] {
  const path = `${url.pathname}${url.search}`;
  const https = url.protocol === "https:";
  const c = s.connections;
  const compressed = (id: string, label: string, headers: Record<string, string>): MeasurementPlan =>
    https
      ? { id, label, tool: "h2load", protocol: "h2", target: "url", path, connections: H2_CONNECTIONS, streams: H2_STREAMS, headers }
      : { id, label, tool: "h2load", protocol: "h1", target: "url", path, connections: H2_CONNECTIONS, streams: 1, headers };
  const plans: MeasurementPlan[] = [
    { id: "edge-h1-h2load", label: "edge h1 (h2load)", tool: "h2load", protocol: "h1", target: "url", path, connections: c, streams: 1, headers: {} },
  ];
  if (https) plans.push({ id: "edge-h2", label: "edge h2 (h2load)", tool: "h2load", protocol: "h2", target: "url", path, connections: Math.max(1, Math.round(c / H2_STREAMS)), streams: H2_STREAMS, headers: {} });
  plans.push(compressed("edge-identity", "edge, no Accept-Encoding", {}), compressed("edge-gzip", "edge + gzip", ACCEPT_GZIP), compressed("edge-br", "edge + br", ACCEPT_BR), compressed("edge-zstd", "edge + zstd", ACCEPT_ZSTD));
  if (https) plans.push({ id: "h2-reliability", label: "edge h2, fixed count", tool: "h2load", protocol: "h2", target: "url", path, connections: H2_CONNECTIONS, streams: H2_STREAMS, headers: {}, requests: s.h2Requests });
  plans.push(...sweepPlans(s.sweep, "url", path, https ? ["h1", "h2"] : ["h1"], "h2load"));
  return plans;
}

/** Medians across rounds (failures: summed, so one bad round shows). */
export function summarise(rounds: readonly RoundFigures[]): Figures {
  const perRequest = rounds.map((r) => (r.backendConnections !== null && r.requests > 0 ? r.backendConnections / r.requests : null));
  const rates = rounds.map((r) => r.reqPerSec);
  const reqPerSec = medianOf(rounds, (r) => r.reqPerSec);
  return {
    reqPerSec,
    reqPerSecSpread: rates.length > 1 && reqPerSec ? (Math.max(...rates) - Math.min(...rates)) / 2 / reqPerSec : null,
    p50Ms: medianOf(rounds, (r) => r.p50Ms),
    p99Ms: medianOf(rounds, (r) => r.p99Ms),
    wireBytesPerRequest: medianOf(rounds, (r) => r.wireBytesPerRequest),
    requests: medianOf(rounds, (r) => r.requests),
    failed: rounds.reduce((a, r) => a + r.failed, 0),
    errored: rounds.reduce((a, r) => a + r.errored, 0),
    timeout: rounds.reduce((a, r) => a + r.timeout, 0),
    httpErrors: rounds.reduce((a, r) => a + r.httpErrors, 0),
    backendConnections: medianOf(rounds, (r) => r.backendConnections),
    backendConnectionsPerRequest: medianOf(perRequest, (v) => v),
    cpuMsPer1k: medianOf(rounds, (r) => (r.serverCpuSeconds !== null && r.requests > 0 ? (r.serverCpuSeconds * 1e6) / r.requests : null)),
  };
}

/** One round's figures from a tool's result plus the counters read around it. */
export function roundFigures(load: LoadResult, backendConnections: number | null, serverCpuSeconds: number | null): RoundFigures {
  const us = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? null : v / 1000);
  return {
    reqPerSec: load.reqPerSec,
    requests: load.requests,
    failed: load.failed,
    errored: load.errored,
    timeout: load.timeout,
    httpErrors: load.httpErrors,
    p50Ms: us(load.latencyUs?.p50),
    p99Ms: us(load.latencyUs?.p99),
    wireBytesPerRequest: load.requests > 0 ? load.bytesRead / load.requests : null,
    backendConnections,
    serverCpuSeconds,
  };
}

// ---------------------------------------------------------------------------
// Scenarios

export const CACHE_TARGET = 1.5;
/** HTTP/1.1 through the edge (TLS) against the backend direct (plain HTTP). */
export const EDGE_TARGET = 0.6;
/** Compressed JSON at most this share of its identity size (75% smaller). */
export const COMPRESSION_TARGET = 0.25;
/** nginx's CPU per request against HAProxy's on TLS + h2 + gzip, with bodies no larger. */
export const REFERENCE_CPU_TARGET = 0.9;
/** The edge's CPU per micro-cache hit against the backend's own CPU per response of the same route. */
export const CACHE_CPU_TARGET = 0.5;
/** Memory the edge may take per 1,000 idle keep-alive connections (h1 and h2), in MB. */
export const IDLE_MEMORY_TARGET_MB = 10;
/** Idle keep-alive connections opened for the memory measurement. */
export const IDLE_CONNECTIONS = 1000;
export const POOL_TARGET = 0.01;

const NEEDS_BACKEND = "needs the local backend (runs without --url)";

export const fmt = {
  int: (n: number | null | undefined) => (n == null || !Number.isFinite(n) ? "–" : Math.round(n).toLocaleString("en-US")),
  ms: (n: number | null | undefined) => (n == null || !Number.isFinite(n) ? "–" : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)),
  pct: (n: number | null | undefined) => (n == null || !Number.isFinite(n) ? "–" : `${(n * 100).toFixed(n < 0.001 ? 3 : n < 0.1 ? 2 : 1)}%`),
  x: (n: number | null | undefined) => (n == null || !Number.isFinite(n) ? "–" : `${n.toFixed(2)}x`),
};

interface ScenarioDef {
  id: string;
  title: string;
  measurements: string[];
  /** Measurements that must have run for the scenario to say anything. */
  required: string[];
  /** Needs the local backend or edge variants: not run with --url. */
  localOnly: boolean;
  evaluate(m: (id: string) => MeasurementResult, has: (id: string) => boolean, memory: readonly IdleMemoryResult[]): Pick<ScenarioResult, "figures" | "ratios" | "target" | "met">;
}

const rps = (m: MeasurementResult) => m.median.reqPerSec;
const ratios = (...pairs: [string, number | null][]) => pairs.filter((p): p is [string, number] => p[1] !== null).map(([label, value]) => ({ label, value }));

export function scenarioDefs(settings: BenchSettings): ScenarioDef[] {
  const c = settings.connections;
  return [
    {
      id: "direct-vs-edge",
      localOnly: true,
      title: `Backend direct vs through the edge (HTTP/1.1, wrk -c${c})`,
      measurements: ["direct-h1", "edge-h1"],
      required: ["direct-h1", "edge-h1"],
      evaluate: (m) => ({
        figures: `direct ${fmt.int(rps(m("direct-h1")))} req/s, p99 ${fmt.ms(m("direct-h1").median.p99Ms)} ms · edge (TLS) ${fmt.int(rps(m("edge-h1")))} req/s, p99 ${fmt.ms(m("edge-h1").median.p99Ms)} ms`,
        ratios: ratios(["edge/direct", ratio(rps(m("edge-h1")), rps(m("direct-h1")))]),
        target: `edge ≥ ${EDGE_TARGET}x backend direct`,
        met: ((r) => (r === null ? null : r >= EDGE_TARGET))(ratio(rps(m("edge-h1")), rps(m("direct-h1")))),
      }),
    },
    {
      id: "h1-vs-h2",
      localOnly: false,
      title: `HTTP/1.1 vs HTTP/2 through the edge (h2load, ${c} requests in flight)`,
      measurements: ["edge-h1-h2load", "edge-h2"],
      required: ["edge-h1-h2load", "edge-h2"],
      evaluate: (m) => ({
        figures: `h1 ${m("edge-h1-h2load").connections} conns ${fmt.int(rps(m("edge-h1-h2load")))} req/s, p99 ${fmt.ms(m("edge-h1-h2load").median.p99Ms)} ms · h2 ${m("edge-h2").connections} conns × ${m("edge-h2").streams} streams ${fmt.int(rps(m("edge-h2")))} req/s, p99 ${fmt.ms(m("edge-h2").median.p99Ms)} ms`,
        ratios: ratios(["h2/h1", ratio(rps(m("edge-h2")), rps(m("edge-h1-h2load")))]),
        target: null,
        met: null,
      }),
    },
    {
      id: "pool",
      localOnly: true,
      title: `Upstream keep-alive pool on vs off (wrk -c${c}, backend connections counted)`,
      measurements: ["edge-h1", "edge-h1-pool-off"],
      required: ["edge-h1", "edge-h1-pool-off"],
      evaluate: (m) => {
        const on = m("edge-h1").median;
        const off = m("edge-h1-pool-off").median;
        const share = on.backendConnectionsPerRequest;
        return {
          figures: `on ${fmt.int(on.reqPerSec)} req/s, ${fmt.int(on.backendConnections)} backend conns (${fmt.pct(share)} of requests) · off ${fmt.int(off.reqPerSec)} req/s, ${fmt.int(off.backendConnections)} conns (${fmt.pct(off.backendConnectionsPerRequest)})`,
          ratios: ratios(["on/off", ratio(on.reqPerSec, off.reqPerSec)]),
          target: `pool on: backend connections ≤ ${POOL_TARGET * 100}% of requests`,
          met: share === null ? null : share <= POOL_TARGET,
        };
      },
    },
    {
      id: "compression",
      localOnly: false,
      title: "gzip / br / zstd vs compression off (h2, -c10 -m10, ~7 KB JSON)",
      measurements: ["edge-identity", "edge-gzip", "edge-br", "edge-zstd"],
      required: ["edge-identity", "edge-gzip"],
      evaluate: (m, has) => {
        const off = m("edge-identity");
        const encodings = (
          [
            ["gzip", "edge-gzip"],
            ["br", "edge-br"],
            ["zstd", "edge-zstd"],
          ] as const
        ).flatMap(([name, id]) => (has(id) ? [{ name, x: m(id) }] : []));
        const body = (x: MeasurementResult, name?: string) => (x.probe ? `${fmt.int(x.probe.bodyBytes)} B${name && x.probe.encoding !== name ? ` (sent ${x.probe.encoding})` : ""}` : "–");
        const share = (x: MeasurementResult) => (x.probe && off.probe ? ` (${fmt.pct(x.probe.bodyBytes / off.probe.bodyBytes)})` : "");
        const names = ["off", ...encodings.map((e) => e.name)].join(" / ");
        const all = [off, ...encodings.map((e) => e.x)];
        return {
          figures:
            `body: off ${body(off)}${encodings.map((e) => ` · ${e.name} ${body(e.x, e.name)}${share(e.x)}`).join("")}; ` +
            `req/s ${names} ${all.map((x) => fmt.int(rps(x))).join(" / ")}` +
            (off.median.cpuMsPer1k !== null ? `; nginx CPU ms per 1k req ${names} ${all.map((x) => fmt.ms(x.median.cpuMsPer1k)).join(" / ")}` : ""),
          ratios: ratios(
            ...encodings.map((e): [string, number | null] => [`${e.name}/off req/s`, ratio(rps(e.x), rps(off))]),
            ...encodings.map((e): [string, number | null] => [`${e.name}/off CPU per request`, ratio(e.x.median.cpuMsPer1k, off.median.cpuMsPer1k)]),
          ),
          target: `JSON ≥ ${Math.round((1 - COMPRESSION_TARGET) * 100)}% smaller with each encoding offered`,
          met: (() => {
            const sizes = encodings.map((e) => (e.x.probe && off.probe && e.x.probe.encoding !== "identity" ? e.x.probe.bodyBytes / off.probe.bodyBytes : null));
            return sizes.some((x) => x === null) ? null : sizes.every((x) => (x as number) <= COMPRESSION_TARGET);
          })(),
        };
      },
    },
    {
      id: "cache",
      localOnly: true,
      title: `Micro-cached route: the edge's CPU per hit vs the backend's own CPU per response (wrk -c${c})`,
      measurements: ["cached-edge", "cached-direct"],
      required: ["cached-edge", "cached-direct"],
      evaluate: (m) => {
        const edge = m("cached-edge").median;
        const direct = m("cached-direct").median;
        const cpu = ratio(edge.cpuMsPer1k, direct.cpuMsPer1k);
        return {
          figures:
            `CPU ms per 1k: edge (cache hits) ${fmt.ms(edge.cpuMsPer1k)} · backend direct ${fmt.ms(direct.cpuMsPer1k)}; ` +
            `cached ${fmt.int(edge.reqPerSec)} req/s, p99 ${fmt.ms(edge.p99Ms)} ms · direct ${fmt.int(direct.reqPerSec)} req/s, p99 ${fmt.ms(direct.p99Ms)} ms (${m("cached-edge").path})`,
          ratios: ratios(["edge/backend CPU per response", cpu], ["cached/direct req/s", ratio(edge.reqPerSec, direct.reqPerSec)]),
          target: `edge CPU per hit ≤ ${CACHE_CPU_TARGET}x the backend's per response`,
          met: cpu === null ? null : cpu <= CACHE_CPU_TARGET,
        };
      },
    },
    {
      id: "h2-reliability",
      localOnly: false,
      title: `${settings.h2Requests.toLocaleString("en-US")} HTTP/2 requests over ${H2_CONNECTIONS} connections (h2load -n${settings.h2Requests} -c${H2_CONNECTIONS} -m${H2_STREAMS})`,
      measurements: ["h2-reliability"],
      required: ["h2-reliability"],
      evaluate: (m) => {
        const r = m("h2-reliability").median;
        const lost = r.failed + r.timeout;
        return {
          figures: `${fmt.int(r.requests)} done, ${fmt.int(r.failed)} failed, ${fmt.int(r.errored)} errored, ${fmt.int(r.timeout)} timeout; ${fmt.int(r.reqPerSec)} req/s`,
          ratios: [],
          target: "0 failed, 0 errored",
          met: lost === 0 && r.errored === 0 && r.requests === settings.h2Requests,
        };
      },
    },
    {
      id: "reference",
      localOnly: true,
      title: "nginx vs HAProxy vs Caddy: CPU per 1,000 requests (TLS + h2 + gzip, h2load -c10 -m10, ~7 KB JSON)",
      measurements: ["edge-gzip", "haproxy-gzip", "caddy-gzip"],
      required: ["edge-gzip"],
      evaluate: (m, has) => {
        const row = (id: string, name: string) => {
          if (!has(id)) return `${name} ${m(id).reason ?? "not run"}`;
          const x = m(id);
          return `${name} ${fmt.ms(x.median.cpuMsPer1k)} CPU ms/1k, ${fmt.int(rps(x))} req/s, p99 ${fmt.ms(x.median.p99Ms)} ms, ${x.probe ? `${fmt.int(x.probe.bodyBytes)} B` : "–"}`;
        };
        const nginx = m("edge-gzip");
        const cpuVs = (id: string) => (has(id) ? ratio(nginx.median.cpuMsPer1k, m(id).median.cpuMsPer1k) : null);
        const vsHaproxy = cpuVs("haproxy-gzip");
        const bodies = has("haproxy-gzip") && nginx.probe && m("haproxy-gzip").probe ? nginx.probe.bodyBytes <= (m("haproxy-gzip").probe as Probe).bodyBytes : null;
        return {
          figures: [row("edge-gzip", "nginx"), row("haproxy-gzip", "HAProxy"), row("caddy-gzip", "Caddy")].join(" · "),
          ratios: ratios(
            ["nginx/HAProxy CPU per request", vsHaproxy],
            ["nginx/Caddy CPU per request", cpuVs("caddy-gzip")],
            ["nginx/HAProxy req/s", has("haproxy-gzip") ? ratio(rps(nginx), rps(m("haproxy-gzip"))) : null],
          ),
          target: `nginx CPU per request ≤ ${REFERENCE_CPU_TARGET}x HAProxy's, body no larger`,
          met: vsHaproxy === null || bodies === null ? null : vsHaproxy <= REFERENCE_CPU_TARGET && bodies,
        };
      },
    },
    {
      id: "sweep",
      localOnly: false,
      title: `Concurrency sweep through the edge: ${settings.sweep.join(", ")} client connections (h1, h2 with one stream per connection)`,
      measurements: (["h1", "h2"] as const).flatMap((p) => settings.sweep.map((n) => sweepId(p, n))),
      required: [sweepId("h1", settings.sweep[0] as number), sweepId("h1", settings.sweep.at(-1) as number)],
      evaluate: (m, has) => {
        const first = settings.sweep[0] as number;
        const last = settings.sweep.at(-1) as number;
        const verdicts: boolean[] = [];
        const parts: string[] = [];
        const out: [string, number | null][] = [];
        for (const protocol of ["h1", "h2"] as const) {
          const steps = settings.sweep.filter((n) => has(sweepId(protocol, n))).map((n) => ({ n, f: m(sweepId(protocol, n)).median }));
          if (steps.length < 2 || steps.at(-1)?.n !== last || steps[0]?.n !== first) continue;
          const peak = Math.max(...steps.map((x) => x.f.reqPerSec ?? 0));
          const end = steps.at(-1)!.f;
          const start = steps[0]!.f;
          const flat = ratio(end.reqPerSec, peak);
          // p99 growth relative to the growth in connections: below 1 is sublinear.
          const p99Growth = start.p99Ms && end.p99Ms ? end.p99Ms / start.p99Ms / (last / first) : null;
          parts.push(`${protocol}: ${steps.map((x) => `${x.n} ${fmt.int(x.f.reqPerSec)} req/s p99 ${fmt.ms(x.f.p99Ms)}`).join(" · ")}`);
          out.push([`${protocol} req/s at ${last} / peak`, flat], [`${protocol} p99 growth / connection growth`, p99Growth]);
          if (flat !== null) verdicts.push(flat >= SWEEP_THROUGHPUT_TARGET);
          if (p99Growth !== null) verdicts.push(p99Growth < 1);
        }
        return {
          figures: parts.join("; "),
          ratios: ratios(...out),
          target: `req/s at ${last} conns ≥ ${SWEEP_THROUGHPUT_TARGET}x the peak; p99 grows less than connections (< 1)`,
          met: verdicts.length === 0 ? null : verdicts.every(Boolean),
        };
      },
    },
    {
      id: "idle-memory",
      localOnly: true,
      title: `Memory per ${IDLE_CONNECTIONS.toLocaleString("en-US")} idle keep-alive connections (TLS, h1 and h2, one request each first)`,
      measurements: [],
      required: [],
      evaluate: (_m, _has, memory) => {
        const row = (x: IdleMemoryResult) => `${x.label} ${x.status === "ok" ? `${fmt.ms(x.mbPer1k)} MB (${fmt.int(x.stillOpen)} of ${fmt.int(x.opened)} still open)` : (x.reason ?? x.status)}`;
        const edge = memory.filter((x) => x.target === "edge");
        const judged = edge.filter((x) => x.status === "ok" && x.mbPer1k !== null);
        return {
          figures: memory.length === 0 ? "not measured" : memory.map(row).join(" · "),
          ratios: ratios(...memory.filter((x) => x.target !== "edge" && x.status === "ok").flatMap((x): [string, number | null][] => {
            const mine = edge.find((e) => e.protocol === x.protocol);
            return mine?.mbPer1k != null && x.mbPer1k ? [[`nginx/${x.label}`, ratio(mine.mbPer1k, x.mbPer1k)]] : [];
          })),
          target: `edge ≤ ${IDLE_MEMORY_TARGET_MB} MB per ${IDLE_CONNECTIONS.toLocaleString("en-US")} idle connections, h1 and h2`,
          met: judged.length < 2 ? null : judged.every((x) => (x.mbPer1k as number) <= IDLE_MEMORY_TARGET_MB && x.stillOpen === x.opened),
        };
      },
    },
  ];
}

/** The plans the selected scenarios (settings.only) need; all of them without a selection. */
export function selectPlans(settings: BenchSettings, plans: readonly MeasurementPlan[]): MeasurementPlan[] {
  if (settings.only === null) return [...plans];
  const wanted = new Set(scenarioDefs(settings).filter((d) => settings.only?.includes(d.id)).flatMap((d) => d.measurements));
  return plans.filter((p) => wanted.has(p.id));
}

/** Scenario ids, in report order (for --only). */
export function scenarioIds(): string[] {
  return scenarioDefs(DEFAULT_SETTINGS).map((d) => d.id);
}

/** Turns measurement results into scenario verdicts; a scenario whose measurements did not run says why. */
export function evaluateScenarios(settings: BenchSettings, results: readonly MeasurementResult[], mode: "local" | "url", memory: readonly IdleMemoryResult[] = []): ScenarioResult[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const has = (id: string) => byId.get(id)?.status === "ok";
  const m = (id: string): MeasurementResult =>
    byId.get(id) ?? { id, label: id, tool: "h2load", protocol: "h2", target: "url", path: "", connections: 0, streams: 0, headers: {}, status: "not-run", reason: "not run", rounds: [], median: summarise([]) };
  return scenarioDefs(settings).filter((def) => settings.only === null || settings.only.includes(def.id)).map((def): ScenarioResult => {
    const base = { id: def.id, title: def.title, measurements: def.measurements.filter((id) => byId.has(id)), ratios: [], target: null, met: null };
    if (mode === "url" && def.localOnly) return { ...base, status: "not-run", reason: NEEDS_BACKEND, figures: NEEDS_BACKEND };
    const missing = def.required.filter((id) => !has(id));
    if (missing.length > 0) {
      const errors = missing.map((id) => byId.get(id)).filter((x): x is MeasurementResult => x?.status === "error");
      const reason =
        errors.length > 0
          ? errors.map((x) => `${x.label}: ${x.reason}`).join("; ")
          : missing.some((id) => !byId.has(id))
            ? "needs HTTP/2, which needs an https:// URL"
            : missing.map((id) => `${m(id).label}: ${m(id).reason ?? "not run"}`).join("; ");
      return { ...base, status: errors.length > 0 ? "error" : "not-run", reason, figures: reason };
    }
    if (def.id === "idle-memory" && memory.length === 0) return { ...base, status: "not-run", reason: "not measured", figures: "not measured" };
    return { ...base, status: "ok", ...def.evaluate(m, has, memory) };
  });
}
