// The text outputs: the stdout table, report.md (with its preserved Tuning section) and progress.
import { describe, expect, it } from "vitest";
import { Progress, progressLine } from "../../../src/bench/progress.js";
import { formatTable, inlineCode, renderReport, TUNING_END, TUNING_PLACEHOLDER, TUNING_START, tuningBody } from "../../../src/bench/report.js";
import type { BenchRun } from "../../../src/bench/run.js";
import { DEFAULT_SETTINGS, evaluateScenarios, localPlans, summarise, type MeasurementResult } from "../../../src/bench/scenarios.js";

function run(): BenchRun {
  const plans = localPlans(DEFAULT_SETTINGS, { tools: "/api/tools", cached: "/api/v1/config" });
  const measurements: MeasurementResult[] = plans.map((p) => {
    if (p.id === "caddy-gzip") return { ...p, status: "not-run", reason: "not installed", rounds: [], median: summarise([]) };
    const rounds = [{ reqPerSec: 1234.5, requests: 12345, failed: 0, errored: 0, timeout: 0, httpErrors: 0, p50Ms: 1.2, p99Ms: 9.87, wireBytesPerRequest: 7300, backendConnections: 3, serverCpuSeconds: 0.3 }];
    return { ...p, status: "ok", command: `${p.tool} -c${p.connections} url`, rounds, median: summarise(rounds), probe: { status: 200, encoding: p.id.endsWith("gzip") ? "gzip" : "identity", bodyBytes: 700 } };
  });
  return {
    settings: DEFAULT_SETTINGS,
    mode: "local",
    subject: "spec.yaml",
    environment: { date: "2026-01-01T00:00:00.000Z", cpuModel: "Test CPU", cores: 2, kernel: "6.1.0", node: "v24.0.0", versions: { nginx: "1.22.1", h2load: "1.52.0", wrk: "debian/4.1.0" }, toolchain: "this host's binaries", ticksPerSecond: 100 },
    workers: 2,
    notes: ["route /api/ (prefix): rate limit 100r/s burst 200 removed"],
    specText: "domain: a.example.com\n",
    benchSpecYaml: "domain: a.example.com\n",
    referenceConfigs: [{ name: "haproxy.cfg", text: "global\n    nbthread 2\n" }],
    backend: "the bundle",
    measurements,
    scenarios: evaluateScenarios(DEFAULT_SETTINGS, measurements, "local"),
    memory: [],
    cleanupProblems: [],
  };
}

describe("formatTable", () => {
  it("one block per scenario, columns aligned, long figures wrapped", () => {
    const table = formatTable(run().scenarios);
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^scenario\s+\| figures \(medians\)\s+\| ratio\s+\| target\s+\| met$/);
    for (const id of ["direct-vs-edge", "h1-vs-h2", "pool", "compression", "cache", "h2-reliability", "reference"]) expect(table).toMatch(new RegExp(`^${id}\\s+\\|`, "m"));
    const bars = lines.filter((l) => l.includes("|")).map((l) => [...l].flatMap((c, i) => (c === "|" ? [i] : [])).join(","));
    expect(new Set(bars.filter((b) => b.split(",").length === 4)).size).toBe(1);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(150);
    expect(table).toContain("Caddy not installed");
  });
});

describe("renderReport", () => {
  it("has the results, charts, medians, commands, notes, the spec, the environment and the Tuning section", () => {
    const md = renderReport(run(), { throughputChart: "charts/throughput.svg", latencyChart: "charts/latency.svg" }, "tuned.");
    for (const heading of ["# edgekit bench", "## Results", "## Measurements (median of 3 rounds)", "## How it was measured", "## The spec", "## Environment", "## Tuning"]) expect(md).toContain(heading);
    expect(md).toContain("![Throughput per scenario](charts/throughput.svg)");
    expect(md).toContain("| 1,235 | 1.20 | 9.87 | 700 (gzip) |");
    expect(md).toContain("| Caddy h2 + gzip | h2load h2 | caddy | `/api/tools` | not-run: not installed |");
    expect(md).toContain("rate limit 100r/s burst 200 removed");
    expect(md).toContain("| CPU | Test CPU, 2 cores |");
    expect(md).toContain("| HAProxy | not installed |");
    expect(md).toContain("<details><summary>haproxy.cfg</summary>\n\n```\nglobal\n    nbthread 2\n```");
    expect(md).toContain(`${TUNING_START}\ntuned.\n${TUNING_END}`);
  });

  it("the Tuning section: tuning.md wins, else what the last report held between the markers, else the placeholder", () => {
    const previous = `# old\n## Tuning\n${TUNING_START}\nmeasured by hand\n${TUNING_END}\n`;
    expect(tuningBody("from tuning.md\n", previous)).toBe("from tuning.md");
    expect(tuningBody(null, previous)).toBe("measured by hand");
    expect(tuningBody(null, `${TUNING_START}\n${TUNING_PLACEHOLDER}\n${TUNING_END}`)).toBe(TUNING_PLACEHOLDER);
    expect(tuningBody("  \n", null)).toBe(TUNING_PLACEHOLDER);
    expect(TUNING_PLACEHOLDER).toMatch(/Placeholder/);
  });
});

describe("progress", () => {
  it("plain lines when stderr is not a terminal", () => {
    const out: string[] = [];
    let now = 0;
    const p = new Progress({ isTTY: false, write: (s) => out.push(s) }, 2, () => now);
    p.next("edge h1 · round 1/3");
    now = 65_000;
    p.next("edge h2 · round 1/3");
    p.done();
    expect(out).toEqual(["[1/2] edge h1 · round 1/3 · 00:00\n", "[2/2] edge h2 · round 1/3 · 01:05\n"]);
  });

  it("one line rewritten in place, with a bar, on a terminal", () => {
    const out: string[] = [];
    const p = new Progress({ isTTY: true, write: (s) => out.push(s) }, 4, () => 0);
    p.next("warm-up");
    p.note("a note");
    p.done();
    expect(out[0]).toBe(`\r\x1b[2K${progressLine(1, 4, "warm-up", 0, true)}`);
    expect(out[0]).toContain("█████░░░░░");
    expect(out.slice(1)).toEqual(["\r\x1b[2K", "a note\n"]);
  });
});

describe("the spec path in report.md", () => {
  it.each(["x`\n# Injected heading\n<script>alert(1)</script>`", "a\r\n---\nb", "ls\u2028# h", "``tick``", "bidi\u202Etxt"])("%j stays one code span on its line", (subject) => {
    const report = renderReport({ ...run(), subject }, { throughputChart: "charts/throughput.svg", latencyChart: "charts/latency.svg" }, "tuned.");
    const lines = report.split("\n");
    expect(lines.filter((l) => /^#+ (Injected|h)\b/.test(l) || l === "---" || l.startsWith("<script>"))).toEqual([]);
    const code = inlineCode(subject);
    expect(report).toContain(`${code}, as given:`);
    expect(code).not.toMatch(/[\n\r\u2028\u202E]/);
    // The fence is longer than any run of backticks inside, so the span ends only at the fence.
    const fence = /^`+/.exec(code)![0];
    expect(code.slice(fence.length, -fence.length)).not.toContain(fence);
  });
});

