// `edgekit verify` as a library: the checks in the order they run (rate limits last: their bursts
// empty this client's buckets), and the runner that turns any thrown error into a failed row.
import { alpnH2 } from "./checks/alpn-h2.js";
import { answers } from "./checks/answers.js";
import { cache } from "./checks/cache.js";
import { compression } from "./checks/compression.js";
import { cors } from "./checks/cors.js";
import { h2Multiplexing } from "./checks/h2-multiplexing.js";
import { httpRedirect } from "./checks/http-redirect.js";
import { keepaliveReuse } from "./checks/keepalive-reuse.js";
import { rateLimit } from "./checks/rate-limit.js";
import { securityHeadersCheck } from "./checks/security-headers.js";
import { sites } from "./checks/sites.js";
import { sse } from "./checks/sse.js";
import { statusEndpoints } from "./checks/status-endpoints.js";
import { tlsCertificate } from "./checks/tls-certificate.js";
import { tlsVersions } from "./checks/tls-versions.js";
import { errorText, row } from "./result.js";
import type { Check, CheckResult, Verdict, VerifyContext, VerifyReport } from "./types.js";

export const CHECKS: readonly Check[] = [
  tlsCertificate,
  tlsVersions,
  alpnH2,
  h2Multiplexing,
  httpRedirect,
  sites,
  keepaliveReuse,
  compression,
  securityHeadersCheck,
  cache,
  sse,
  statusEndpoints,
  cors,
  answers,
  rateLimit,
];

export type Progress = (step: { index: number; total: number; check: Check }) => void;

export async function verifyEdge(ctx: VerifyContext, options: { spec?: string | null; only?: readonly string[]; onProgress?: Progress } = {}): Promise<VerifyReport> {
  const started = performance.now();
  const checks = options.only ? CHECKS.filter((c) => options.only!.includes(c.id)) : CHECKS;
  const results: CheckResult[] = [];
  for (const [index, check] of checks.entries()) {
    options.onProgress?.({ index, total: checks.length, check });
    try {
      results.push(...(await check.run(ctx)));
    } catch (error) {
      results.push(row(check.id, check.title, "fail", "error", errorText(error)));
    }
  }
  const counts: Record<Verdict, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const r of results) counts[r.verdict] += 1;
  return { url: ctx.target.url.href, spec: options.spec ?? null, ok: counts.fail === 0, checks: results, counts, elapsedMs: Math.round(performance.now() - started) };
}

export { genericPlan, specPlan } from "./plan.js";
export { makeTarget, TargetError } from "./target.js";
export type { CheckResult, VerifyContext, VerifyReport } from "./types.js";
