// `edgekit verify` against the running stack: every check passes on the edge the stack spec
// renders; on a deliberately weakened edge (HTTP/2 off, no compression on the probed route) the
// library reports exactly those failures and the CLI exits 1 with a clear line for each.
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { genericPlan, makeTarget, specPlan, verifyEdge, type VerifyReport } from "../../src/verify/index.js";
import { REPO, STACK_SPEC } from "./support/constants.js";
import { stackSpec, withNginxVariant } from "./support/nginx-config.js";
import { httpsUrl, noStack, stack } from "./support/stack.js";

const PROBE = "/api/tools";

async function verifyStack(withLoad: boolean): Promise<VerifyReport> {
  const spec = stackSpec();
  const target = makeTarget(httpsUrl(PROBE), { ca: stack().caCert, specPorts: spec.listen });
  return verifyEdge({ target, plan: specPlan(spec, target.url), withLoad, timeoutMs: 10_000, sseWatchMs: 3500 }, { spec: STACK_SPEC });
}

const verdicts = (report: VerifyReport) => Object.fromEntries(report.checks.map((c) => [`${c.id} ${c.title}`, c.verdict]));

function cli(...args: string[]) {
  return execa(process.execPath, [join(REPO, "bin/edgekit.js"), "verify", httpsUrl(PROBE), "--spec", STACK_SPEC, "--ca", "test/containers/certs/ca.pem", ...args], { cwd: REPO, reject: false });
}

describe.skipIf(noStack)("edgekit verify", () => {
  it("passes every check on the stack's edge, rate limits included (--with-load)", async () => {
    const report = await verifyStack(true);
    for (const c of report.checks) console.log(`[figure] verify ${c.verdict} ${c.id}: ${c.title}: ${c.figure}`);
    expect(report.checks.filter((c) => c.verdict !== "pass"), "every check passes").toEqual([]);
    const ids = new Set(report.checks.map((c) => c.id));
    for (const id of ["tls-certificate", "tls-versions", "alpn-h2", "h2-multiplexing", "http-redirect", "keepalive-reuse", "compression-gzip", "compression-br", "vary-accept-encoding", "hsts", "security-headers", "cache", "sse", "status-closed", "rate-limit"]) {
      expect(ids, id).toContain(id);
    }
    expect(report.checks.filter((c) => c.id === "cache")).toHaveLength(2); // /api/v1/config and /api/cacheable
    expect(report.checks.filter((c) => c.id === "rate-limit")).toHaveLength(2); // /api/ and /api/slow
    expect(report.ok).toBe(true);
  });

  it("generic mode (no spec, routes named on the command line) passes on the same edge", async () => {
    const target = makeTarget(httpsUrl(PROBE), { ca: stack().caCert, httpPort: stack().httpPort });
    const plan = genericPlan(target.url, { cachePaths: ["/api/cacheable"], ssePaths: ["/api/v1/sse"] });
    const report = await verifyEdge({ target, plan, withLoad: false, timeoutMs: 10_000, sseWatchMs: 3500 });
    expect(report.checks.filter((c) => c.verdict === "fail" || c.verdict === "warn")).toEqual([]);
    // Without a spec there are no sites to probe over SNI, and bursts are opt-in.
    expect(report.checks.filter((c) => c.verdict === "skip").map((c) => c.id)).toEqual(["sites", "rate-limit"]);
    expect(report.checks.find((c) => c.id === "cache")?.figure).toMatch(/^MISS → HIT; Authorization: BYPASS/);
  });

  it("the CLI exits 0 and prints the table on the stack's edge", async () => {
    const result = await cli();
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(result.stdout).toMatch(/^PASS\s+ALPN negotiates HTTP\/2\s+ALPN h2/m);
    expect(result.stdout).toMatch(/^ok: \d+ passed, 0 failed/m);
  });

  it("fails, with a clear line each, against a weakened edge: HTTP/2 off and no compression", async () => {
    const weaken = (spec: ReturnType<typeof stackSpec>) => ({
      ...spec,
      http2: { ...spec.http2, enabled: false },
      routes: spec.routes!.map((r) => (r.kind === "api" && r.path === PROBE ? { ...r, compression: false } : r)),
    });
    const { report, text, json } = await withNginxVariant(weaken, async () => ({ report: await verifyStack(true), text: await cli(), json: await cli("--json") }));

    const failed = report.checks.filter((c) => c.verdict === "fail").map((c) => c.id);
    expect(failed.sort()).toEqual(["alpn-h2", "compression-br", "compression-gzip", "compression-zstd", "h2-multiplexing"]);
    expect(verdicts(report)["tls-versions TLS 1.2/1.3 only (1.0 and 1.1 refused)"]).toBe("pass"); // the rest still holds
    expect(report.ok).toBe(false);

    expect(text.exitCode).toBe(1);
    console.log(`[figure] verify on the weakened edge:\n${text.stdout}`);
    expect(text.stdout).toMatch(/^FAIL\s+ALPN negotiates HTTP\/2\s+ALPN http\/1\.1/m);
    expect(text.stdout).toMatch(/└ the edge does not offer h2/);
    expect(text.stdout).toMatch(/^FAIL\s+gzip shrinks the response\s+7131 B sent uncompressed/m);
    expect(text.stdout).toMatch(/^FAIL\s+brotli shrinks the response/m);
    expect(text.stdout).toMatch(/^FAIL\s+zstd shrinks the response/m);
    expect(text.stdout).toMatch(/^FAILED: \d+ passed, 5 failed/m);

    expect(json.exitCode).toBe(1);
    const parsed = JSON.parse(String(json.stdout)) as VerifyReport;
    expect(parsed.ok).toBe(false);
    expect(parsed.counts.fail).toBe(5);
  });
});
