// The SVG charts: well-formed XML (checked by a small parser here, and by xmllint when installed),
// readable (labels, units, a value on every bar) and byte-for-byte deterministic.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { escapeXml, latencyChart, renderBarChart, throughputChart, tickStep } from "../../../src/bench/charts.js";
import { summarise, type MeasurementResult, type RoundFigures, type ScenarioResult } from "../../../src/bench/scenarios.js";
import { findExecutable } from "../../../src/bench/environment.js";
import { tempDir } from "../../support/run-cli.js";
import { assertWellFormed } from "../../support/xml.js";

function round(reqPerSec: number, p50Ms: number, p99Ms: number): RoundFigures {
  return { reqPerSec, requests: reqPerSec, failed: 0, errored: 0, timeout: 0, httpErrors: 0, p50Ms, p99Ms, wireBytesPerRequest: 7300, backendConnections: 0, serverCpuSeconds: 0.5 };
}

function measurement(id: string, label: string, rounds: RoundFigures[], status: MeasurementResult["status"] = "ok"): MeasurementResult {
  return { id, label, tool: "wrk", protocol: "h1", target: "edge", path: "/api/tools", connections: 50, streams: 1, headers: {}, status, rounds, median: summarise(rounds) };
}

const measurements = [
  measurement("direct-h1", "backend direct, h1", [round(45321, 1.06, 4.68), round(44000, 1.1, 4.9)]),
  measurement("edge-h1", "edge h1 <pool on> & \"TLS\"", [round(27677, 1.6, 4.97)]),
  measurement("caddy-gzip", "Caddy", [], "not-run"),
];
const scenarios: ScenarioResult[] = [
  { id: "direct-vs-edge", title: "Backend direct vs through the edge (HTTP/1.1, wrk -c50)", status: "ok", figures: "", ratios: [], target: null, met: null, measurements: ["direct-h1", "edge-h1"] },
  { id: "reference", title: "reference proxies", status: "ok", figures: "", ratios: [], target: null, met: null, measurements: ["edge-h1", "caddy-gzip"] },
];

describe("charts", () => {
  it("are well-formed SVG, with titles, units, labels (escaped) and a value on every bar", () => {
    const throughput = throughputChart(scenarios, measurements, "2 cores & a subtitle");
    const latency = latencyChart(scenarios, measurements, "subtitle");
    for (const svg of [throughput, latency]) {
      assertWellFormed(svg);
      expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).toContain("edge h1 &lt;pool on&gt; &amp; &quot;TLS&quot;");
      expect(svg).not.toContain(">Caddy</text>"); // not run: no row
    }
    expect(throughput).toContain("44,661 req/s"); // median of 45,321 and 44,000
    expect(throughput).toContain("27,677 req/s");
    expect(throughput).toContain("Backend direct vs through the edge (HTTP/1.1, wrk -c50)");
    expect(latency).toContain("4.97 ms");
    expect(latency).toContain(">p99</text>");
    // Both scenarios show the shared measurement: 3 bars in throughput, 6 in latency.
    expect(throughput.match(/<rect [^>]*><title>/g)).toHaveLength(3);
    expect(latency.match(/<rect [^>]*><title>/g)).toHaveLength(6);
  });

  it("are deterministic: the same figures give the same bytes", () => {
    expect(throughputChart(scenarios, measurements, "s")).toBe(throughputChart(scenarios, structuredClone(measurements), "s"));
    expect(latencyChart(scenarios, measurements, "s")).toBe(latencyChart(structuredClone(scenarios), measurements, "s"));
  });

  it("draw no bar for a missing value and survive an empty chart", () => {
    const svg = renderBarChart({ title: "t", unit: "ms", series: [{ name: "a", color: "#000" }], groups: [{ title: "g", rows: [{ label: "x", values: [null] }] }], format: String });
    assertWellFormed(svg);
    expect(svg).toContain(">n/a</text>");
    assertWellFormed(renderBarChart({ title: "empty", unit: "req/s", series: [], groups: [], format: String }));
  });

  it("scale to round ticks", () => {
    expect(tickStep(58202)).toBe(20000);
    expect(tickStep(21.4)).toBe(10);
    expect(tickStep(4.97)).toBe(2);
    expect(tickStep(0)).toBe(1);
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
  });

  it("the checker itself rejects broken XML", () => {
    expect(() => assertWellFormed("<svg><g></svg>")).toThrow();
    expect(() => assertWellFormed("<svg>a & b</svg>")).toThrow(/unescaped &/);
    expect(() => assertWellFormed('<svg a="1" a="2"/>')).toThrow(/duplicate/);
    expect(() => assertWellFormed("<svg/><svg/>")).toThrow(/2 root/);
  });

  // scripts/test installs xmllint (libxml2-utils) with the other Debian tools.
  it("xmllint agrees", () => {
    expect(findExecutable("xmllint"), "xmllint is missing: apt-get install libxml2-utils").not.toBeNull();
    const dir = tempDir("edgekit-charts-");
    const file = join(dir, "chart.svg");
    writeFileSync(file, latencyChart(scenarios, measurements, "s"));
    execFileSync("xmllint", ["--noout", file]);
  });
});
