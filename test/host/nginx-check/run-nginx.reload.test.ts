// Reloads under keep-alive load, on each release that has keepalive_min_timeout (1.27.4): with the
// spec's default (1s), wrk's keep-alive clients lose no request across 20 reloads; without it, the
// old workers close idle connections on which a client has just sent its next request, and wrk
// counts those as read errors. The control is what makes the first assertion mean something.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWrk, WRK_REPORT_LUA } from "../../../src/bench/tools.js";
import { ensureNginxImage } from "../../../src/nginx-check/images.js";
import { releaseNginx } from "../../../src/nginx-check/runner.js";
import { hasFeature, TESTED_RELEASES } from "../../../src/nginx-features/index.js";
import type { Spec } from "../../../src/spec/schema.js";
import { startNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";
import { startTestBackend, type TestBackend } from "../../support/test-backend.js";

const RELOADS = 20;
const SECONDS = 8;

describe.each(TESTED_RELEASES.filter((r) => hasFeature(r.version, "keepalive-min-timeout")))("nginx $version reloaded under keep-alive load", (release) => {
  const runner = releaseNginx(release);
  let backend: TestBackend;
  const dir = mkdtempSync(join(tmpdir(), "edgekit-reload-"));
  const script = join(dir, "report.lua");
  writeFileSync(script, WRK_REPORT_LUA);

  beforeAll(async () => {
    await ensureNginxImage(release);
    backend = await startTestBackend();
  }, 600_000);
  afterAll(async () => {
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const edge = (minTimeout: string | null): Spec =>
    spec({
      nginx: { version: release.version, workerProcesses: 2 },
      client: { keepalive: { minTimeout } },
      upstreams: { app: { servers: [{ host: "127.0.0.1", port: backend.port }] } },
      routes: [{ kind: "api", path: "/api/" }],
    });

  /** wrk -c50 for SECONDS while the master is sent SIGHUP RELOADS times; wrk's figures. */
  async function loadWithReloads(s: Spec) {
    const nginx = await startNginx(s, { runner });
    try {
      const wrk = execa("wrk", ["-t2", "-c50", `-d${SECONDS}s`, "--timeout", "5s", "-s", script, `https://127.0.0.1:${nginx.httpsPort}/api/x`], { reject: false, all: true });
      await new Promise((r) => setTimeout(r, 500));
      for (let i = 0; i < RELOADS; i++) {
        process.kill(nginx.pid, "SIGHUP");
        await new Promise((r) => setTimeout(r, ((SECONDS - 1.5) * 1000) / RELOADS));
      }
      const result = parseWrk(String((await wrk).all ?? ""));
      expect(result.requests, "wrk made requests").toBeGreaterThan(1000);
      return { result, config: nginx.config };
    } finally {
      await nginx.stop();
    }
  }

  it(`keepalive_min_timeout 1s (the default): 0 failed requests across ${RELOADS} reloads; without it, some fail`, async () => {
    const withIt = await loadWithReloads(edge("1s"));
    expect(withIt.config).toContain("keepalive_min_timeout 1s;");
    const without = await loadWithReloads(edge(null));
    expect(without.config).not.toContain("keepalive_min_timeout");
    console.log(`nginx ${release.version}, ${RELOADS} reloads in ${SECONDS} s under wrk -c50: with keepalive_min_timeout 1s ${withIt.result.failed} failed of ${withIt.result.requests}; without ${without.result.failed} failed of ${without.result.requests}`);
    expect(withIt.result.failed).toBe(0);
    expect(without.result.errored).toBeGreaterThan(0);
  }, 120_000);
});
