// edgekit verify against the real nginx on the host (no Docker): a spec's edge passes, the same
// edge with HTTP/2 and compression off fails exactly those checks, and the CLI says why it can't
// start (untrusted certificate, nothing listening) in one line with exit 1.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Spec } from "../../../src/spec/schema.js";
import { makeTarget, specPlan, verifyEdge, type VerifyReport } from "../../../src/verify/index.js";
import { runCli } from "../../support/run-cli.js";
import { freePort, startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";
import { startTestBackend, type TestBackend } from "../../support/test-backend.js";

let backend: TestBackend;
let dir: string;

beforeAll(async () => {
  backend = await startTestBackend();
  dir = mkdtempSync(join(tmpdir(), "edgekit-verify-"));
});

afterAll(async () => {
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

function edgeSpec(overrides: Record<string, unknown> = {}): Spec {
  return spec({
    upstreams: { app: { servers: [{ host: "127.0.0.1", port: backend.port }] } },
    routes: [
      { kind: "api", path: "/api/" },
      { kind: "api", path: "/cached", match: "exact", cache: {} },
      { kind: "api", path: "/limited", match: "exact", rateLimit: { rate: "1r/m", burst: 2 } },
      { kind: "sse", path: "/sse", match: "exact" },
      { kind: "metrics", path: "/metrics", match: "exact", access: { allow: ["10.0.0.0/8"] } },
      { kind: "api", path: "/private", match: "exact", rateLimit: { rate: "1r/m", burst: 1 }, access: { allow: ["10.0.0.0/8"] } },
    ],
    ...overrides,
  });
}

async function verifyLive(s: Spec, withLoad: boolean): Promise<{ report: VerifyReport; nginx: RunningNginx }> {
  const nginx = await startNginx(s);
  try {
    const target = makeTarget(`https://localhost:${nginx.httpsPort}/api/big`, { ca: nginx.caCert, httpPort: nginx.httpPort });
    // specPlan on the spec as run: the ports nginx really listens on.
    const report = await verifyEdge({ target, plan: specPlan(s, target.url), withLoad, timeoutMs: 5000, sseWatchMs: 1500 });
    return { report, nginx };
  } catch (error) {
    await nginx.stop();
    throw error;
  }
}

describe("edgekit verify on a live nginx", () => {
  it("passes on the spec's edge; the loopback-allowed stub_status can only be a warning from here", async () => {
    const { report, nginx } = await verifyLive(edgeSpec(), true);
    await nginx.stop();
    const notPassed = report.checks.filter((c) => c.verdict !== "pass").map((c) => `${c.verdict} ${c.id} ${c.title}`);
    // From loopback, /nginx_status rightly answers 200, and this spec doesn't trust X-Forwarded-For.
    expect(notPassed).toEqual(["warn status-closed /nginx_status (stub_status) closed to the public"]);
    // nginx applies limit_req (preaccess phase) before allow/deny (access phase): even a route that
    // denies this client shows its limit: the first request(s) get 403, the rest 429.
    const denied = report.checks.find((c) => c.title.startsWith("Rate limit /private"));
    expect(denied?.figure).toMatch(/^2\d × 429, [12] × 403 of 22 /);
    const figure = (id: string) => report.checks.find((c) => c.id === id)?.figure ?? "";
    expect(figure("compression-gzip")).toMatch(/smaller/);
    expect(figure("h2-multiplexing")).toMatch(/^10 streams on 1 connection/);
    expect(figure("rate-limit")).toMatch(/× 429/); // /limited, the first rate-limited route
    expect(figure("cache")).toMatch(/^MISS → HIT; Authorization: BYPASS/);
    expect(report.ok).toBe(true);
  });

  it("fails alpn-h2, h2-multiplexing and both compressions when HTTP/2 and compression are off", async () => {
    const weak = edgeSpec({ http2: { enabled: false }, compression: { gzip: { enabled: false }, brotli: { enabled: false } } });
    const { report, nginx } = await verifyLive(weak, false);
    await nginx.stop();
    // The plan expects what the full edge offers: verify the weak edge against the strong spec's plan.
    const failed = report.checks.filter((c) => c.verdict === "fail").map((c) => c.id);
    expect(failed.sort()).toEqual(["alpn-h2", "h2-multiplexing"]);
    const strong = await startNginx(weak);
    try {
      const target = makeTarget(`https://localhost:${strong.httpsPort}/api/big`, { ca: strong.caCert, httpPort: strong.httpPort });
      const against = await verifyEdge({ target, plan: specPlan(edgeSpec(), target.url), withLoad: false, timeoutMs: 5000, sseWatchMs: 1500 }, { only: ["alpn-h2", "compression"] });
      expect(against.checks.filter((c) => c.verdict === "fail").map((c) => c.id).sort()).toEqual(["alpn-h2", "compression-br", "compression-gzip"]);
      expect(against.checks.find((c) => c.id === "compression-gzip")?.figure).toMatch(/sent uncompressed$/);
    } finally {
      await strong.stop();
    }
  });

  it("the CLI: exit 1 with one line for an untrusted certificate, and exit 0 with --ca", async () => {
    const nginx = await startNginx(edgeSpec());
    try {
      const url = `https://localhost:${nginx.httpsPort}/api/big`;
      const untrusted = await runCli(["verify", url, "--only", "alpn-h2"], { cwd: dir });
      expect(untrusted.exitCode).toBe(1);
      expect(untrusted.stderr).toMatch(/certificate of localhost:\d+ is not trusted .*--ca FILE/);
      writeFileSync(join(dir, "ca.pem"), nginx.caCert);
      const trusted = await runCli(["verify", url, "--ca", "ca.pem", "--only", "alpn-h2,tls-versions", "--json"], { cwd: dir });
      expect(trusted.exitCode, trusted.stderr).toBe(0);
      const report = JSON.parse(trusted.stdout) as VerifyReport;
      expect(report.checks.map((c) => [c.id, c.verdict])).toEqual([
        ["tls-versions", "pass"],
        ["alpn-h2", "pass"],
      ]);
    } finally {
      await nginx.stop();
    }
  });

  it("the CLI: exit 1 when nothing listens, exit 2 for bad arguments", async () => {
    const port = await freePort();
    const closed = await runCli(["verify", `https://127.0.0.1:${port}/`], { cwd: dir });
    expect(closed.exitCode).toBe(1);
    expect(closed.stderr).toMatch(new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect((await runCli(["verify", "http://127.0.0.1/"], { cwd: dir })).exitCode).toBe(2);
    const unknown = await runCli(["verify", "https://127.0.0.1/", "--only", "nope"], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown check nope \(checks: tls-certificate, /);
    expect((await runCli(["verify", "https://127.0.0.1/", "--timeout", "0"], { cwd: dir })).exitCode).toBe(2);
  });
});
