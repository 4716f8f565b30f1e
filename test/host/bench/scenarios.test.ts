// Plans and verdicts: which measurements each mode runs, how medians and targets are judged, and
// what a scenario says when it could not run.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SETTINGS,
  QUICK_SETTINGS,
  SWEEP_CONNECTIONS,
  sweepId,
  type IdleMemoryResult,
  evaluateScenarios,
  localPlans,
  roundFigures,
  summarise,
  urlPlans,
  type MeasurementPlan,
  type MeasurementResult,
  type RoundFigures,
} from "../../../src/bench/scenarios.js";
import { median, percentile, ratio } from "../../../src/bench/stats.js";

const fig = (o: Partial<RoundFigures>): RoundFigures => ({
  reqPerSec: 1000,
  requests: 10000,
  failed: 0,
  errored: 0,
  timeout: 0,
  httpErrors: 0,
  p50Ms: 1,
  p99Ms: 5,
  wireBytesPerRequest: 7300,
  backendConnections: 0,
  serverCpuSeconds: 0.2,
  ...o,
});

function results(plans: MeasurementPlan[], overrides: Record<string, Partial<RoundFigures> | "not-run">): MeasurementResult[] {
  return plans.map((p) => {
    const o = overrides[p.id];
    if (o === "not-run") return { ...p, status: "not-run", reason: "not installed", rounds: [], median: summarise([]) };
    const rounds = [fig(o ?? {})];
    return { ...p, status: "ok", rounds, median: summarise(rounds), probe: { status: 200, encoding: "identity", bodyBytes: 7131 } };
  });
}

describe("stats", () => {
  it("median, nearest-rank percentile, ratio", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
  });

  it("summarise: medians of rates, sums of failures, connection share per round", () => {
    const s = summarise([fig({ reqPerSec: 10, failed: 1, backendConnections: 10, requests: 1000 }), fig({ reqPerSec: 30 }), fig({ reqPerSec: 20, timeout: 2 })]);
    expect(s.reqPerSec).toBe(20);
    expect(s.reqPerSecSpread).toBe(0.5); // (30 - 10) / 2 / 20
    expect(summarise([fig({})]).reqPerSecSpread).toBeNull();
    expect(s.failed).toBe(1);
    expect(s.timeout).toBe(2);
    expect(s.backendConnectionsPerRequest).toBe(0);
    expect(s.cpuMsPer1k).toBeCloseTo(20);
  });

  it("roundFigures: µs to ms, unknown percentiles as null", () => {
    const r = roundFigures({ tool: "h2load", protocol: "h2", requests: 100, failed: 0, errored: 0, timeout: 0, httpErrors: 0, reqPerSec: 50, bytesRead: 1000, latencyUs: { p50: 1500, p99: Number.NaN, mean: 1, max: 2 }, output: "" }, 3, 0.1);
    expect(r).toMatchObject({ p50Ms: 1.5, p99Ms: null, wireBytesPerRequest: 10, backendConnections: 3, serverCpuSeconds: 0.1 });
  });
});

describe("plans", () => {
  it("local: every scenario's measurements, h1 vs h2 at equal requests in flight, the fixed-count h2 run", () => {
    const plans = localPlans(DEFAULT_SETTINGS, { tools: "/api/tools", cached: "/api/v1/config" });
    const byId = Object.fromEntries(plans.map((p) => [p.id, p]));
    expect(byId["edge-h1-h2load"]).toMatchObject({ protocol: "h1", connections: 50 });
    expect(byId["edge-h2"]).toMatchObject({ protocol: "h2", connections: 5, streams: 10 });
    expect(byId["h2-reliability"]).toMatchObject({ requests: 100_000, connections: 10, streams: 10 });
    expect(byId["edge-identity"]?.target).toBe("edge-compression-off");
    expect(byId["edge-identity"]?.headers).toEqual({ "Accept-Encoding": "gzip, br, zstd" });
    // zstd only where the edge has it on (nginx 1.30 with edgekit's image).
    expect(byId["edge-zstd"]).toBeUndefined();
    expect(localPlans(DEFAULT_SETTINGS, { tools: "/api/tools", cached: "/c", zstd: true }).find((p) => p.id === "edge-zstd")).toMatchObject({ target: "edge", headers: { "Accept-Encoding": "zstd" } });
    expect(byId["cached-edge"]?.path).toBe("/api/v1/config");
    expect(byId["cached-direct"]).toMatchObject({ target: "backend", path: "/api/v1/config" });
  });

  it("--url over http: no h2 runs", () => {
    expect(urlPlans(DEFAULT_SETTINGS, new URL("http://127.0.0.1:8080/x?y=1")).map((p) => [p.id, p.protocol, p.path])).toEqual([
      ["edge-h1-h2load", "h1", "/x?y=1"],
      ["edge-identity", "h1", "/x?y=1"],
      ["edge-gzip", "h1", "/x?y=1"],
      ["edge-br", "h1", "/x?y=1"],
      ["edge-zstd", "h1", "/x?y=1"],
      ...SWEEP_CONNECTIONS.map((n) => [sweepId("h1", n), "h1", "/x?y=1"]),
    ]);
    // Without wrk (--url needs h2load only), the h1 sweep runs h2load --h1.
    expect(urlPlans(DEFAULT_SETTINGS, new URL("http://127.0.0.1:8080/")).filter((p) => p.id.startsWith("sweep-")).every((p) => p.tool === "h2load")).toBe(true);
  });

  it("the sweep: h1 and h2 at every step with one request in flight per connection; --quick two small steps", () => {
    const sweep = localPlans(DEFAULT_SETTINGS, { tools: "/api/tools", cached: "/c" }).filter((p) => p.id.startsWith("sweep-"));
    expect(sweep.map((p) => `${p.tool} ${p.protocol} ${p.connections}x${p.streams}`)).toEqual([
      ...SWEEP_CONNECTIONS.map((n) => `wrk h1 ${n}x1`),
      ...SWEEP_CONNECTIONS.map((n) => `h2load h2 ${n}x1`),
    ]);
    expect(SWEEP_CONNECTIONS[0]).toBe(10);
    expect(SWEEP_CONNECTIONS.at(-1)).toBe(1000);
    expect(localPlans(QUICK_SETTINGS, { tools: "/api/tools", cached: "/c" }).filter((p) => p.id.startsWith("sweep-")).map((p) => p.connections)).toEqual([10, 50, 10, 50]);
  });
});

describe("evaluateScenarios", () => {
  const plans = localPlans(DEFAULT_SETTINGS, { tools: "/api/tools", cached: "/api/v1/config" });

  it("judges the targets: edge ≥ 0.6x direct, pool ≤ 1%, cache hit ≤ 0.5x backend CPU, zero failures, nginx CPU ≤ 0.9x HAProxy's", () => {
    const ok = evaluateScenarios(
      DEFAULT_SETTINGS,
      results(plans, {
        "edge-h1": { backendConnections: 5, requests: 10000 },
        "edge-h1-pool-off": { backendConnections: 10000, requests: 10000, reqPerSec: 400 },
        "cached-edge": { reqPerSec: 1500, serverCpuSeconds: 0.1 },
        "h2-reliability": { requests: 100_000 },
        "edge-gzip": { serverCpuSeconds: 0.18 },
      }),
      "local",
    );
    const by = Object.fromEntries(ok.map((s) => [s.id, s]));
    expect(by.pool).toMatchObject({ met: true, ratios: [{ label: "on/off", value: 2.5 }] });
    expect(by.pool?.figures).toContain("(0.050% of requests)");
    expect(by.cache).toMatchObject({ met: true, ratios: [{ label: "edge/backend CPU per response", value: 0.5 }, { label: "cached/direct req/s", value: 1.5 }] });
    expect(by["h2-reliability"]?.met).toBe(true);
    expect(by["direct-vs-edge"]).toMatchObject({ met: true, target: "edge ≥ 0.6x backend direct" });
    expect(by.reference).toMatchObject({ met: true, target: "nginx CPU per request ≤ 0.9x HAProxy's, body no larger" });
    expect(by.reference?.ratios[0]).toMatchObject({ label: "nginx/HAProxy CPU per request" });
    expect(by.reference?.ratios[0]?.value).toBeCloseTo(0.9);
    expect(by.compression?.met).toBeNull(); // these probes weren't compressed: nothing to judge

    const bad = evaluateScenarios(
      DEFAULT_SETTINGS,
      results(plans, {
        "edge-h1": { backendConnections: 200, requests: 10000, reqPerSec: 500 },
        "cached-edge": { reqPerSec: 1400, serverCpuSeconds: 0.11 },
        "h2-reliability": { requests: 100_000, failed: 1 },
        "edge-gzip": { serverCpuSeconds: 0.19 },
      }),
      "local",
    );
    expect(bad.filter((s) => s.met === false).map((s) => s.id)).toEqual(["direct-vs-edge", "pool", "cache", "h2-reliability", "reference"]);

    // Fewer CPU per request than HAProxy, but a larger body: not met (a cheaper, weaker compression is no win).
    const larger = results(plans, { "edge-gzip": { serverCpuSeconds: 0.1 } }).map((r) => (r.id === "edge-gzip" ? { ...r, probe: { status: 200, encoding: "gzip", bodyBytes: 900 } } : r.id === "haproxy-gzip" ? { ...r, probe: { status: 200, encoding: "gzip", bodyBytes: 800 } } : r));
    expect(evaluateScenarios(DEFAULT_SETTINGS, larger, "local").find((x) => x.id === "reference")?.met).toBe(false);
  });

  it("the sweep: met while throughput at 1,000 stays within 0.9x of its peak and p99 grows slower than connections", () => {
    const steps = (rate: (n: number) => number, p99: (n: number) => number) =>
      Object.fromEntries((["h1", "h2"] as const).flatMap((p) => SWEEP_CONNECTIONS.map((n) => [sweepId(p, n), { reqPerSec: rate(n), p99Ms: p99(n) }])));
    const judge = (o: Record<string, Partial<RoundFigures>>) => evaluateScenarios(DEFAULT_SETTINGS, results(plans, o), "local").find((x) => x.id === "sweep");
    const flat = judge(steps(() => 1000, (n) => 2 + n / 20));
    expect(flat).toMatchObject({ status: "ok", met: true });
    expect(flat?.ratios.find((r) => r.label === "h1 req/s at 1000 / peak")?.value).toBe(1);
    // p99 2.5 ms at 10 conns, 52 ms at 1,000: 20.8x for 100x the connections.
    expect(flat?.ratios.find((r) => r.label === "h1 p99 growth / connection growth")?.value).toBeCloseTo(0.208);
    expect(judge(steps((n) => (n >= 1000 ? 800 : 1000), () => 5))?.met).toBe(false); // throughput falls off
    expect(judge(steps(() => 1000, (n) => n))?.met).toBe(false); // p99 linear in connections
  });

  it("idle memory: the edge's MB per 1,000 connections against the target; HAProxy and Caddy as ratios", () => {
    const mem = (target: "edge" | "haproxy", protocol: "h1" | "h2", mbPer1k: number): IdleMemoryResult => ({
      id: `idle-${protocol}-${target}`, label: `${target} ${protocol}`, target, protocol, status: "ok", opened: 1000, stillOpen: 1000, rssBeforeKiB: 1, rssAfterKiB: 2, mbPer1k,
    });
    const judge = (memory: IdleMemoryResult[]) => evaluateScenarios(DEFAULT_SETTINGS, results(plans, {}), "local", memory).find((x) => x.id === "idle-memory");
    expect(judge([mem("edge", "h1", 4), mem("edge", "h2", 9), mem("haproxy", "h1", 8)])).toMatchObject({ met: true, ratios: [{ label: "nginx/haproxy h1", value: 0.5 }] });
    expect(judge([mem("edge", "h1", 4), mem("edge", "h2", 11)])?.met).toBe(false);
    expect(judge([mem("edge", "h1", 4), { ...mem("edge", "h2", 4), stillOpen: 990 }])?.met).toBe(false); // the server closed some: not idle memory
    expect(judge([])).toMatchObject({ status: "not-run" });
  });

  it("reference proxies that are not installed: the row says so; the scenario still compares what ran", () => {
    const s = evaluateScenarios(DEFAULT_SETTINGS, results(plans, { "haproxy-gzip": "not-run", "caddy-gzip": "not-run" }), "local").find((x) => x.id === "reference");
    expect(s?.status).toBe("ok");
    expect(s?.figures).toContain("HAProxy not installed");
    expect(s?.ratios).toEqual([]);
  });

  it("--url: scenarios that need the local backend are listed as not run", () => {
    const url = new URL("https://127.0.0.1:8443/api/tools");
    const s = evaluateScenarios(DEFAULT_SETTINGS, results(urlPlans(DEFAULT_SETTINGS, url), {}), "url");
    expect(s.map((x) => [x.id, x.status])).toEqual([
      ["direct-vs-edge", "not-run"],
      ["h1-vs-h2", "ok"],
      ["pool", "not-run"],
      ["compression", "ok"],
      ["cache", "not-run"],
      ["h2-reliability", "ok"],
      ["reference", "not-run"],
      ["sweep", "ok"],
      ["idle-memory", "not-run"],
    ]);
    expect(s[0]?.reason).toMatch(/needs the local backend/);
    const http = evaluateScenarios(DEFAULT_SETTINGS, results(urlPlans(DEFAULT_SETTINGS, new URL("http://127.0.0.1:8080/")), {}), "url");
    expect(http.find((x) => x.id === "h1-vs-h2")?.reason).toMatch(/https/);
  });
});
