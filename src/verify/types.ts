// The shapes every verify stage shares: what a check sees (the target and the probe plan), and
// what it returns (one row of the table: a verdict and the figure that backs it).
import type { ConnectionOptions } from "node:tls";
import type { ProbePlan } from "./plan.js";

export type Verdict = "pass" | "fail" | "warn" | "skip";

export interface CheckResult {
  /** Stable id, e.g. `alpn-h2` (JSON consumers key on it). */
  id: string;
  /** What was checked, in words. */
  title: string;
  verdict: Verdict;
  /** The measured figure behind the verdict, e.g. "7131 → 628 B (91.2% smaller)". */
  figure: string;
  /** Why it failed (or was skipped), and what to change. */
  detail?: string;
}

export interface Target {
  /** The https URL given; its path is the probe path for the protocol and compression checks. */
  url: URL;
  /** The plain-HTTP origin whose redirect is checked, or null when its port is unknown. */
  httpOrigin: URL | null;
  /** TLS options for every connection: trust (ca / insecure) and SNI. */
  tls: ConnectionOptions;
}

export interface VerifyContext {
  target: Target;
  plan: ProbePlan;
  /** Opt-in checks that send bursts (rate limits). */
  withLoad: boolean;
  /** Per-request timeout. */
  timeoutMs: number;
  /** How long an SSE stream is watched for events. */
  sseWatchMs: number;
}

export interface Check {
  id: string;
  title: string;
  /** A check may report several rows (one per route, per encoding). */
  run(ctx: VerifyContext): Promise<CheckResult[]>;
}

export interface VerifyReport {
  url: string;
  spec: string | null;
  ok: boolean;
  checks: CheckResult[];
  counts: Record<Verdict, number>;
  elapsedMs: number;
}
