// Hand-built SVG charts for the report: horizontal bars grouped by scenario, with labels, units,
// a scale and the value printed on every bar. No dependency, and deterministic: the same figures
// give the same bytes (fixed layout, fixed number formatting, no dates or random ids).
import { fmt, type MeasurementResult, type ScenarioResult } from "./scenarios.js";

export interface ChartSeries {
  name: string;
  color: string;
}

export interface ChartRow {
  label: string;
  /** One value per series; null draws no bar and prints "n/a". */
  values: (number | null)[];
}

export interface ChartGroup {
  title: string;
  rows: ChartRow[];
}

export interface BarChart {
  title: string;
  subtitle?: string;
  /** Unit of the values, shown on the axis and after each value. */
  unit: string;
  series: ChartSeries[];
  groups: ChartGroup[];
  format(value: number): string;
}

const WIDTH = 960;
const LABEL_W = 300;
const VALUE_W = 110;
const PLOT_W = WIDTH - LABEL_W - VALUE_W - 20;
const BAR_H = 16;
const BAR_GAP = 3;
const ROW_GAP = 8;
const GROUP_H = 26;
const TOP = 64;

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about four intervals up to `max`. */
export function tickStep(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= raw) return step * magnitude;
  return 10 * magnitude;
}

/** Tick labels: thousands separated, at most two decimals, no trailing zeros. */
export function tickLabel(v: number): string {
  return Number(v.toFixed(2)).toLocaleString("en-US", { maximumFractionDigits: 2 });
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export function renderBarChart(chart: BarChart): string {
  const values = chart.groups.flatMap((g) => g.rows.flatMap((r) => r.values)).filter((v): v is number => v !== null && Number.isFinite(v));
  const step = tickStep(Math.max(0, ...values));
  const intervals = Math.max(1, Math.ceil(Math.max(0, ...values) / step));
  const max = step * intervals;
  const scale = (v: number) => (Math.max(0, v) / max) * PLOT_W;
  const rowH = chart.series.length * (BAR_H + BAR_GAP) - BAR_GAP + ROW_GAP;
  const body: string[] = [];
  let y = TOP;
  for (const group of chart.groups) {
    y += GROUP_H;
    body.push(`<text x="12" y="${y - 8}" class="group">${escapeXml(group.title)}</text>`);
    for (const row of group.rows) {
      body.push(`<text x="${LABEL_W - 10}" y="${y + (rowH - ROW_GAP) / 2 + 4}" class="label" text-anchor="end">${escapeXml(row.label)}</text>`);
      row.values.forEach((value, i) => {
        const series = chart.series[i];
        if (!series) return;
        const by = y + i * (BAR_H + BAR_GAP);
        if (value === null || !Number.isFinite(value)) {
          body.push(`<text x="${LABEL_W + 4}" y="${by + BAR_H - 4}" class="value">n/a</text>`);
          return;
        }
        const w = scale(value);
        body.push(`<rect x="${LABEL_W}" y="${by}" width="${num(Math.max(1, w))}" height="${BAR_H}" fill="${series.color}"><title>${escapeXml(`${row.label} ${series.name}: ${chart.format(value)} ${chart.unit}`)}</title></rect>`);
        body.push(`<text x="${num(LABEL_W + Math.max(1, w) + 6)}" y="${by + BAR_H - 4}" class="value">${escapeXml(`${chart.format(value)} ${chart.unit}`)}</text>`);
      });
      y += rowH;
    }
  }
  const plotBottom = y + 4;
  const height = plotBottom + 44;
  const ticks: string[] = [];
  for (let i = 0; i <= intervals; i++) {
    const v = step * i;
    const x = num(LABEL_W + scale(v));
    ticks.push(`<line x1="${x}" y1="${TOP + 6}" x2="${x}" y2="${plotBottom}" class="grid"/>`);
    ticks.push(`<text x="${x}" y="${plotBottom + 16}" class="tick" text-anchor="middle">${escapeXml(tickLabel(v))}</text>`);
  }
  const legend = chart.series
    .map((s, i) => {
      const x = LABEL_W + i * 120;
      return `<rect x="${x}" y="${plotBottom + 26}" width="12" height="12" fill="${s.color}"/><text x="${x + 18}" y="${plotBottom + 36}" class="tick">${escapeXml(s.name)}</text>`;
    })
    .join("");
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXml(chart.title)}">`,
    `<style>text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#1f2328}.title{font-size:18px;font-weight:600}.subtitle{font-size:12px;fill:#59636e}.group{font-size:13px;font-weight:600;paint-order:stroke;stroke:#ffffff;stroke-width:5px;stroke-linejoin:round}.label{font-size:12px}.value{font-size:11px;fill:#1f2328;paint-order:stroke;stroke:#ffffff;stroke-width:3px;stroke-linejoin:round}.tick{font-size:11px;fill:#59636e}.grid{stroke:#d1d9e0;stroke-width:1}</style>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="26" class="title">${escapeXml(chart.title)}</text>`,
    chart.subtitle ? `<text x="12" y="46" class="subtitle">${escapeXml(chart.subtitle)}</text>` : "",
    ...ticks,
    ...body,
    `<text x="${LABEL_W + PLOT_W}" y="${plotBottom + 16}" class="tick" text-anchor="end" dx="${VALUE_W - 8}">${escapeXml(chart.unit)}</text>`,
    legend,
    `</svg>`,
    "",
  ]
    .filter((l) => l !== "")
    .join("\n");
}

/** Groups of chart rows: one group per scenario, one row per measurement it compares (a measurement shared by two scenarios shows in both). */
function groups(scenarios: readonly ScenarioResult[], measurements: readonly MeasurementResult[], pick: (m: MeasurementResult) => (number | null)[]): ChartGroup[] {
  const byId = new Map(measurements.map((m) => [m.id, m]));
  const out: ChartGroup[] = [];
  for (const s of scenarios) {
    const rows = s.measurements
      .map((id) => byId.get(id))
      .filter((m): m is MeasurementResult => m !== undefined && m.status === "ok")
      .map((m) => ({ label: m.label, values: pick(m) }));
    if (rows.length > 0) out.push({ title: s.title, rows });
  }
  return out;
}

export function throughputChart(scenarios: readonly ScenarioResult[], measurements: readonly MeasurementResult[], subtitle: string): string {
  return renderBarChart({
    title: "Throughput per scenario (median of rounds, higher is better)",
    subtitle,
    unit: "req/s",
    series: [{ name: "requests per second", color: "#2f6feb" }],
    groups: groups(scenarios, measurements, (m) => [m.median.reqPerSec]),
    format: (v) => fmt.int(v),
  });
}

export function latencyChart(scenarios: readonly ScenarioResult[], measurements: readonly MeasurementResult[], subtitle: string): string {
  return renderBarChart({
    title: "Latency per scenario: p50 and p99 (median of rounds, lower is better)",
    subtitle,
    unit: "ms",
    series: [
      { name: "p50", color: "#54aeff" },
      { name: "p99", color: "#bc4c00" },
    ],
    groups: groups(scenarios, measurements, (m) => [m.median.p50Ms, m.median.p99Ms]),
    format: (v) => fmt.ms(v),
  });
}
