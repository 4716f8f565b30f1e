// The verify table as text: one line per check (verdict, check, figure), the reason under a
// failing row, and a summary line.
import type { VerifyReport } from "./types.js";

const MARK = { pass: "PASS", fail: "FAIL", warn: "WARN", skip: "SKIP" } as const;

export function formatReport(report: VerifyReport): string[] {
  const width = Math.min(60, Math.max(...report.checks.map((c) => c.title.length), 5));
  const lines = [`edgekit verify ${report.url}${report.spec ? ` (spec ${report.spec})` : " (no spec: generic checks)"}`, ""];
  lines.push(`${"RESULT".padEnd(6)}  ${"CHECK".padEnd(width)}  FIGURE`);
  for (const c of report.checks) {
    const title = c.title.length > width ? `${c.title.slice(0, width - 1)}…` : c.title;
    lines.push(`${MARK[c.verdict].padEnd(6)}  ${title.padEnd(width)}  ${c.figure}`);
    if (c.detail && c.verdict !== "pass") lines.push(`${" ".repeat(8)}└ ${c.detail}`);
  }
  const { pass, fail, warn, skip } = report.counts;
  lines.push("", `${fail === 0 ? "ok" : "FAILED"}: ${pass} passed, ${fail} failed, ${warn} warnings, ${skip} skipped in ${(report.elapsedMs / 1000).toFixed(1)} s`);
  return lines;
}
