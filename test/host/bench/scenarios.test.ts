// Plans and verdicts: which measurements each mode runs, how medians and targets are judged, and
// what a scenario says when it could not run.
import { describe, expect, it } from "vitest";
import {
  CACHE_TARGET,
  DEFAULT_SETTINGS,
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
    expect(byId["edge-identity"]?.headers).toEqual(byId["edge-gzip"]?.headers["Accept-Encoding"] ? { "Accept-Encoding": "gzip, br" } : {});
    expect(byId["cached-edge"]?.path).toBe("/api/v1/config");
    expect(byId["cached-direct"]).toMatchObject({ target: "backend", path: "/api/v1/config" });
  });

  it("--url over http: no h2 runs", () => {
    expect(urlPlans(DEFAULT_SETTINGS, new URL("http://127.0.0.1:8080/x?y=1")).map((p) => [p.id, p.protocol, p.path])).toEqual([
      ["edge-h1-h2load", "h1", "/x?y=1"],
      ["edge-identity", "h1", "/x?y=1"],
      ["edge-gzip", "h1", "/x?y=1"],
      ["edge-br", "h1", "/x?y=1"],
    ]);
  });
});

describe("evaluateScenarios", () => {
  const plans = localPlans(DEFAULT_SETTINGS, { tools: "/api/tools", cached: "/api/v1/config" });

  it("judges the targets: edge ≥ 0.6x direct, pool ≤ 1%, cache ≥ 1.5x, zero failures, nginx ≥ HAProxy", () => {
    const ok = evaluateScenarios(
      DEFAULT_SETTINGS,
      results(plans, {
        "edge-h1": { backendConnections: 5, requests: 10000 },
        "edge-h1-pool-off": { backendConnections: 10000, requests: 10000, reqPerSec: 400 },
        "cached-edge": { reqPerSec: 1500 },
        "h2-reliability": { requests: 100_000 },
      }),
      "local",
    );
    const by = Object.fromEntries(ok.map((s) => [s.id, s]));
    expect(by.pool).toMatchObject({ met: true, ratios: [{ label: "on/off", value: 2.5 }] });
    expect(by.pool?.figures).toContain("(0.050% of requests)");
    expect(by.cache).toMatchObject({ met: true, ratios: [{ label: "cached/direct", value: CACHE_TARGET }] });
    expect(by["h2-reliability"]?.met).toBe(true);
    expect(by["direct-vs-edge"]).toMatchObject({ met: true, target: "edge ≥ 0.6x backend direct" });
    expect(by.reference).toMatchObject({ met: true, target: "nginx ≥ 1x HAProxy, p99 no worse" });
    expect(by.compression?.met).toBeNull(); // these probes weren't compressed: nothing to judge

    const bad = evaluateScenarios(
      DEFAULT_SETTINGS,
      results(plans, {
        "edge-h1": { backendConnections: 200, requests: 10000, reqPerSec: 500 },
        "cached-edge": { reqPerSec: 1400 },
        "h2-reliability": { requests: 100_000, failed: 1 },
        "haproxy-gzip": { reqPerSec: 2000 },
      }),
      "local",
    );
    expect(bad.filter((s) => s.met === false).map((s) => s.id)).toEqual(["direct-vs-edge", "pool", "cache", "h2-reliability", "reference"]);
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
    ]);
    expect(s[0]?.reason).toMatch(/needs the local backend/);
    const http = evaluateScenarios(DEFAULT_SETTINGS, results(urlPlans(DEFAULT_SETTINGS, new URL("http://127.0.0.1:8080/")), {}), "url");
    expect(http.find((x) => x.id === "h1-vs-h2")?.reason).toMatch(/https/);
  });
});
