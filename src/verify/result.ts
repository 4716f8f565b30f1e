// Building rows of the verify table.
import type { ProbePlan } from "./plan.js";
import type { CheckResult, Verdict } from "./types.js";

export function row(id: string, title: string, verdict: Verdict, figure: string, detail?: string): CheckResult {
  return { id, title, verdict, figure, ...(detail ? { detail } : {}) };
}

/** Bytes, the way the table shows them: 628 B, 7.0 KB. */
export function bytes(n: number): string {
  return n < 10_000 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`;
}

export function ms(n: number): string {
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
}

/** "3 × 200, 17 × 429" from a list of statuses, most frequent first. */
export function statusCounts(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([s, n]) => `${n} × ${s === 0 ? "error" : s}`)
    .join(", ");
}

export function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code && !String(e.message).includes(e.code) ? `${e.code}: ${e.message}` : String(e?.message ?? error);
}

/** The skip row of a check with no route to probe: says whether the spec has none or none is known. */
export function noRouteRow(id: string, title: string, plan: ProbePlan, what: string, howToName: string): CheckResult {
  return plan.source === "spec" ? row(id, title, "skip", `no ${what} route in the spec`) : row(id, title, "skip", `no ${what} route known`, howToName);
}
