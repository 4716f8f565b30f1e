// The benchmark's outputs, built from a BenchRun: the stdout table, bench/report.md, and the
// JSON figures. Pure text builders; the CLI writes the files.
import { commentText } from "../model/header.js";
import type { BenchRun } from "./run.js";
import { fmt, type IdleMemoryResult, type MeasurementResult, type ScenarioResult } from "./scenarios.js";

export const TUNING_START = "<!-- edgekit:tuning:start -->";
export const TUNING_END = "<!-- edgekit:tuning:end -->";
export const TUNING_PLACEHOLDER = [
  "> **Placeholder (to be filled by the lead).** This section summarises the nginx performance-tuning",
  "> measurements made separately from this run. Put its text in `tuning.md` next to this report",
  "> (`bench/tuning.md`): `edgekit bench` copies that file here on every run. Text written between the two",
  "> `edgekit:tuning` markers of this file is also kept when there is no `tuning.md`.",
].join("\n");

const metText = (s: ScenarioResult) => (s.status !== "ok" ? s.status : s.met === null ? "–" : s.met ? "yes" : "NO");
const ratioText = (s: ScenarioResult) => (s.ratios.length === 0 ? "–" : s.ratios.map((r) => `${r.label} ${fmt.x(r.value)}`).join(", "));

/** Targets that were judged and missed. */
export function missedTargets(run: BenchRun): ScenarioResult[] {
  return run.scenarios.filter((s) => s.met === false);
}

// ---------------------------------------------------------------------------
// stdout

function wrap(text: string, width: number): string[] {
  const words = text.split(" ");
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}

/** A plain-text table: scenario, figures, ratio, target, met (long cells wrap inside their column). */
export function formatTable(scenarios: readonly ScenarioResult[]): string {
  const columns = [
    { title: "scenario", width: 15, cell: (s: ScenarioResult) => s.id },
    { title: "figures (medians)", width: 62, cell: (s: ScenarioResult) => s.figures },
    { title: "ratio", width: 22, cell: ratioText },
    { title: "target", width: 24, cell: (s: ScenarioResult) => s.target ?? "–" },
    { title: "met", width: 7, cell: metText },
  ];
  const rule = columns.map((c) => "-".repeat(c.width)).join("-+-");
  const row = (cells: string[][]) => {
    const height = Math.max(...cells.map((c) => c.length));
    const out: string[] = [];
    for (let i = 0; i < height; i++) out.push(columns.map((c, j) => (cells[j]?.[i] ?? "").padEnd(c.width)).join(" | ").trimEnd());
    return out;
  };
  const lines = [...row(columns.map((c) => [c.title])), rule];
  for (const s of scenarios) {
    lines.push(...row(columns.map((c) => wrap(c.cell(s), c.width))));
    lines.push(rule);
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------
// report.md

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function scenarioTable(run: BenchRun): string[] {
  return [
    "| Scenario | Figures (medians) | Ratio | Target | Met |",
    "| --- | --- | --- | --- | --- |",
    ...run.scenarios.map((s) => `| ${cell(s.title)} | ${cell(s.figures)} | ${cell(ratioText(s))} | ${cell(s.target ?? "–")} | ${s.met === false ? "**NO**" : metText(s)} |`),
  ];
}

function measurementTable(measurements: readonly MeasurementResult[]): string[] {
  const rows = measurements.map((m) => {
    if (m.status !== "ok") return `| ${cell(m.label)} | ${m.tool} ${m.protocol} | ${m.target} | \`${cell(m.path)}\` | ${m.status}: ${cell(m.reason ?? "")} |||||||||`;
    const x = m.median;
    const body = m.probe ? `${fmt.int(m.probe.bodyBytes)}${m.probe.encoding === "identity" ? "" : ` (${m.probe.encoding})`}` : "–";
    const conns = m.target === "url" ? "–" : `${fmt.int(x.backendConnections)}${x.backendConnectionsPerRequest !== null && m.target !== "backend" ? ` (${fmt.pct(x.backendConnectionsPerRequest)})` : ""}`;
    const failed = x.failed + x.timeout === 0 ? "0" : `**${fmt.int(x.failed)}** (${fmt.int(x.errored)} errored, ${fmt.int(x.timeout)} timeout, ${fmt.int(x.httpErrors)} 4xx/5xx)`;
    return `| ${cell(m.label)} | ${m.tool} ${m.protocol} | ${m.target} | \`${cell(m.path)}\` | ${m.connections}${m.protocol === "h2" ? ` × ${m.streams}` : ""} | ${fmt.int(x.reqPerSec)}${x.reqPerSecSpread !== null ? ` ±${(x.reqPerSecSpread * 100).toFixed(0)}%` : ""} | ${fmt.ms(x.p50Ms)} | ${fmt.ms(x.p99Ms)} | ${body} | ${fmt.int(x.wireBytesPerRequest)} | ${conns} | ${fmt.ms(x.cpuMsPer1k)} | ${failed} |`;
  });
  return [
    "| Measurement | Tool | Target | Path | Conns × streams | req/s | p50 ms | p99 ms | Body bytes | Wire bytes/req | Backend conns | Server CPU ms/1k req | Failed |",
    "| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows,
  ];
}

function memoryTable(memory: readonly IdleMemoryResult[]): string[] {
  return [
    "| Server | Protocol | Idle connections (still open) | RSS before KiB | RSS with them KiB | MB per 1,000 |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...memory.map((x) =>
      x.status !== "ok"
        ? `| ${cell(x.label)} | ${x.protocol} | ${x.status}: ${cell(x.reason ?? "")} ||||`
        : `| ${cell(x.label)} | ${x.protocol} | ${fmt.int(x.opened)} (${fmt.int(x.stillOpen)}) | ${fmt.int(x.rssBeforeKiB)} | ${fmt.int(x.rssAfterKiB)} | ${fmt.ms(x.mbPer1k)} |`,
    ),
  ];
}

function environmentTable(run: BenchRun): string[] {
  const e = run.environment;
  const v = (name: keyof typeof e.versions) => e.versions[name] ?? "not installed";
  return [
    "| | |",
    "| --- | --- |",
    `| Date | ${e.date} |`,
    `| CPU | ${cell(e.cpuModel)}, ${e.cores} cores |`,
    `| Kernel | Linux ${cell(e.kernel)} |`,
    `| Ran on | ${cell(e.toolchain)} |`,
    `| nginx | ${v("nginx")}${run.workers !== null ? ` (${run.workers} worker processes)` : ""} |`,
    `| HAProxy | ${v("haproxy")}${run.workers !== null && e.versions.haproxy ? ` (nbthread ${run.workers})` : ""} |`,
    `| Caddy | ${v("caddy")}${run.workers !== null && e.versions.caddy ? ` (GOMAXPROCS ${run.workers})` : ""} |`,
    `| h2load | nghttp2 ${v("h2load")} |`,
    `| wrk | ${v("wrk")} |`,
    `| OpenSSL (development certificate) | ${v("openssl")} |`,
    `| Node | ${e.node}${run.backend ? `; backend: ${cell(run.backend)}` : ""} |`,
    `| Settings | ${run.settings.rounds} round${run.settings.rounds === 1 ? "" : "s"} of ${run.settings.durationSec} s per measurement after a ${run.settings.warmupSec} s warm-up; ${run.settings.connections} HTTP/1.1 connections; ${run.settings.h2Requests.toLocaleString("en-US")} requests in the HTTP/2 reliability run${run.settings.quick ? " (--quick: a smoke run, not figures to quote)" : ""} |`,
  ];
}

/** tuning.md's headings two levels down, under the report's "## Tuning" (code blocks untouched). */
export function nestHeadings(markdown: string): string {
  let fenced = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (/^(```|~~~)/.test(line)) fenced = !fenced;
      return !fenced && /^#{1,4} /.test(line) ? `##${line}` : line;
    })
    .join("\n");
}

/** The Tuning section's body: bench/tuning.md when it exists, else what the previous report held, else the placeholder. */
export function tuningBody(tuningFile: string | null, previousReport: string | null): string {
  if (tuningFile !== null && tuningFile.trim() !== "") return nestHeadings(tuningFile.trim());
  if (previousReport !== null) {
    const start = previousReport.indexOf(TUNING_START);
    const end = previousReport.indexOf(TUNING_END);
    if (start >= 0 && end > start) {
      const kept = previousReport.slice(start + TUNING_START.length, end).trim();
      if (kept !== "" && kept !== TUNING_PLACEHOLDER) return kept;
    }
  }
  return TUNING_PLACEHOLDER;
}

export interface ReportFiles {
  throughputChart: string;
  latencyChart: string;
}

export function renderReport(run: BenchRun, charts: ReportFiles, tuning: string): string {
  const measured = run.measurements;
  const commands = measured.filter((m) => m.command).map((m) => `- ${m.label}: \`${m.command}\``);
  const lines = [
    "# edgekit bench",
    "",
    `<!-- Written by \`edgekit bench\`; run it again rather than editing this file. The Tuning section comes from tuning.md. -->`,
    "",
    run.mode === "local"
      ? `The edge rendered from ${inlineCode(run.subject)}, run on loopback (${run.environment.toolchain}) with the reference backend on this host, measured against the backend itself, against variants of the same spec, and against HAProxy and Caddy configured the same way. Every ratio compares figures from this one run.`
      : `The running edge at ${inlineCode(run.subject)}, measured from this host. Scenarios that need the local backend were not run.`,
    "",
    "## Results",
    "",
    ...scenarioTable(run),
    "",
    `![Throughput per scenario](${charts.throughputChart})`,
    "",
    `![p50 and p99 latency per scenario](${charts.latencyChart})`,
    "",
    `## Measurements (median of ${run.settings.rounds} round${run.settings.rounds === 1 ? "" : "s"})`,
    "",
    ...measurementTable(measured),
    "",
    "Body bytes: one probe request with the same headers (compressed size when encoded). Wire bytes/req: what the load tool read, headers and framing included. Backend conns: TCP connections the reference backend accepted during a round (its `backend_tcp_connections_accepted_total`), and their share of the requests. Server CPU: user + system CPU of the process the load tool talks to (nginx: master and workers) from `/proc/<pid>/stat`, per 1000 requests. Failed sums every round. ±: half the spread of req/s between the slowest and the fastest round, relative to the median.",
    "",
    "Commands (per round; the warm-up runs the same for the warm-up time):",
    "",
    ...commands,
    "",
    ...(run.memory.length > 0
      ? [
          "## Memory of idle keep-alive connections",
          "",
          ...memoryTable(run.memory),
          "",
          "Each row on a fresh instance of the server (memory a process has freed stays in its heap and would hide the next row's), after 50 connections opened and closed to warm it. Each connection: a TLS handshake, one GET of the JSON route read to its end, then left open (HTTP/1.1 keep-alive, or an HTTP/2 session). RSS: VmRSS of the server's processes (nginx: master and workers) from `/proc/<pid>/status`, read before the first connection and 1 s after the last.",
          "",
        ]
      : []),
    "## How it was measured",
    "",
    "- Everything runs on this host over loopback: the load generator shares the CPU with the server it loads, so absolute figures are lower than on separate machines; the ratios are what to read.",
    "- Each measurement is warmed up once, then run once per round; rounds interleave the measurements so drift hits them alike. Figures are medians across rounds.",
    `- HTTP/1.1 vs HTTP/2 keeps the same number of requests in flight: ${run.settings.connections} HTTP/1.1 connections against ${Math.max(1, Math.round(run.settings.connections / 10))} HTTP/2 connections of 10 streams each, both with h2load.`,
    "- wrk speaks HTTP/1.1 only; its latency percentiles come from wrk itself, h2load's from its per-request log.",
    ...run.notes.map((n) => `- ${n.charAt(0).toUpperCase()}${n.slice(1)}`),
    "",
  ];
  if (run.benchSpecYaml !== null) {
    lines.push(
      "## The spec",
      "",
      `${inlineCode(run.subject)}, as given:`,
      "",
      "<details><summary>spec</summary>",
      "",
      "```yaml",
      (run.specText ?? "").trimEnd(),
      "```",
      "",
      "</details>",
      "",
      "The spec the edge ran (after the changes listed above; defaults filled in):",
      "",
      "<details><summary>bench spec</summary>",
      "",
      "```yaml",
      run.benchSpecYaml.trimEnd(),
      "```",
      "",
      "</details>",
      "",
    );
  }
  if (run.referenceConfigs.length > 0) {
    lines.push("## Reference proxy configs", "", "Generated from the same spec for this run (temp paths):", "");
    for (const c of run.referenceConfigs) lines.push(`<details><summary>${c.name}</summary>`, "", "```", c.text.trimEnd(), "```", "", "</details>", "");
  }
  lines.push("## Environment", "", ...environmentTable(run), "", "## Tuning", "", TUNING_START, tuning, TUNING_END, "");
  if (run.cleanupProblems.length > 0) lines.push("## Problems while stopping", "", ...run.cleanupProblems.map((p) => `- ${p}`), "");
  return lines.join("\n");
}

/** The figures as JSON (for --json): no raw tool output. */
export function toJson(run: BenchRun, files: { report: string; charts: string[] } | null): unknown {
  return {
    mode: run.mode,
    subject: run.subject,
    settings: run.settings,
    environment: run.environment,
    workers: run.workers,
    notes: run.notes,
    scenarios: run.scenarios,
    measurements: run.measurements,
    memory: run.memory,
    targetsMissed: missedTargets(run).map((s) => s.id),
    files,
  };
}

/**
 * A command-line value (the spec path) as one Markdown code span: line breaks and invisible
 * characters escaped (commentText), fenced with more backticks than it holds, so it can't end the
 * span, start a heading or carry HTML.
 */
export function inlineCode(value: string): string {
  const text = commentText(value);
  const fence = "`".repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}
