// One real `edgekit bench --quick` on the default spec: real nginx (three variants) of the spec's
// version, the reference backend, h2load and wrk, and HAProxy and Caddy. The default spec targets
// nginx 1.30 and this host's nginx is older, so everything but the backend runs in containers of
// Debian forky (edgekit-nginx:1.30.6 and edgekit-bench:forky, built when missing). In CI (CI=true) a
// missing tool or Docker fails this test; locally it skips with the message the CLI printed.
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { IdleMemoryResult, MeasurementResult, ScenarioResult } from "../../../src/bench/scenarios.js";
import { DEFAULT_NGINX_VERSION, TESTED_RELEASES } from "../../../src/nginx-features/index.js";
import { EXIT } from "../../../src/cli/exit-codes.js";
import { repoRoot, runCli, tempDir } from "../../support/run-cli.js";
import { assertWellFormed } from "../../support/xml.js";

const CI = process.env.CI === "true";
/** Command lines of running processes that contain `text`. */
function processesMentioning(text: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      if (cmd.includes(text)) out.push(cmd);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const benchDirs = () => new Set(readdirSync(tmpdir()).filter((n) => n.startsWith("edgekit-bench-run-")));

describe("edgekit bench --quick (real tools)", () => {
  it("measures every scenario, writes the report and charts, and leaves nothing behind", { timeout: 300_000 }, async ({ skip }) => {
    const out = tempDir("edgekit-bench-smoke-");
    const before = benchDirs();
    const r = await runCli(["bench", "--quick", "--json", "-s", "spec.yaml", "-o", join(out, "report.md")], { cwd: repoRoot, timeoutMs: 290_000 });
    if (r.exitCode === EXIT.environment) {
      if (CI) throw new Error(`CI installs every tool the benchmark needs, yet:\n${r.stderr}`);
      skip(r.stderr.trim());
    }
    expect(r.exitCode, r.stderr).toBe(EXIT.ok);
    const json = JSON.parse(r.stdout) as {
      measurements: MeasurementResult[];
      memory: IdleMemoryResult[];
      scenarios: ScenarioResult[];
      environment: { versions: Record<string, string>; toolchain: string };
      files: { report: string; charts: string[] };
    };
    const m = Object.fromEntries(json.measurements.map((x) => [x.id, x]));

    // The spec's nginx and the peers released with it, from the same Debian suite.
    const release = TESTED_RELEASES.find((x) => x.version === DEFAULT_NGINX_VERSION)!;
    expect(json.environment.versions.nginx).toBe(DEFAULT_NGINX_VERSION);
    expect(json.environment.toolchain).toContain(`Debian ${release.suite}`);
    expect(json.environment.versions.haproxy).toMatch(/^3\.2\./);
    expect(json.environment.versions.caddy).toMatch(/^2\.11\./);

    // Every measurement ran, HAProxy and Caddy included, with non-zero throughput.
    for (const x of json.measurements) {
      expect(x.status, `${x.id}: ${x.reason}`).toBe("ok");
      expect(x.median.reqPerSec, x.id).toBeGreaterThan(0);
      if (["edge", "haproxy", "caddy", "backend"].includes(x.target)) expect(x.median.cpuMsPer1k, `${x.id}: CPU per request`).toBeGreaterThan(0);
    }
    for (const s of json.scenarios) expect(s.status, `${s.id}: ${s.reason}`).toBe("ok");
    expect(json.measurements.filter((x) => x.id.startsWith("sweep-")).map((x) => `${x.protocol} ${x.connections}`)).toEqual(["h1 10", "h1 50", "h2 10", "h2 50"]);

    // Idle memory of nginx, HAProxy and Caddy, h1 and h2: every connection still open when it was read.
    expect(json.memory.map((x) => x.id).sort()).toEqual(["idle-h1-caddy", "idle-h1-edge", "idle-h1-haproxy", "idle-h2-caddy", "idle-h2-edge", "idle-h2-haproxy"]);
    for (const x of json.memory) {
      expect(x.status, `${x.id}: ${x.reason}`).toBe("ok");
      expect(x.stillOpen, x.id).toBe(x.opened);
      expect(x.mbPer1k, x.id).not.toBeNull();
    }

    // Zero failures in the h2 run, and it did all of its requests.
    const h2 = m["h2-reliability"]?.median;
    expect(h2).toMatchObject({ failed: 0, errored: 0, timeout: 0, requests: 10_000 });

    // The pool: a handful of backend connections with it, about one per request without it.
    const on = m["edge-h1"]?.median;
    const off = m["edge-h1-pool-off"]?.median;
    expect(on?.backendConnections).not.toBeNull();
    expect(off?.backendConnectionsPerRequest).toBeGreaterThan(0.9);
    expect((on?.backendConnections ?? Infinity) * 20).toBeLessThan(off?.backendConnections ?? 0);

    // Compression shrinks the ~7 KB JSON.
    expect(m["edge-gzip"]?.probe).toMatchObject({ status: 200, encoding: "gzip" });
    expect(m["edge-gzip"]?.probe?.bodyBytes).toBeLessThan((m["edge-identity"]?.probe?.bodyBytes ?? 0) / 3);
    // zstd too: the default spec's zstd is on with nginx 1.30's image.
    expect(m["edge-zstd"]?.probe).toMatchObject({ status: 200, encoding: "zstd" });

    // The report and the charts, next to it in charts/.
    const report = readFileSync(join(out, "report.md"), "utf8");
    for (const heading of ["## Results", "## Measurements", "## Environment", "## Tuning"]) expect(report).toContain(heading);
    expect(report).toContain("rate limit 100r/s burst 200 removed");
    for (const chart of ["throughput.svg", "latency.svg"]) {
      const svg = readFileSync(join(out, "charts", chart), "utf8");
      assertWellFormed(svg);
      expect(svg).toContain("edge h1 (pool on)");
    }
    expect(json.files.charts).toHaveLength(2);

    // Nothing left behind: no temp dir of this run, no process (HAProxy, Caddy, a load tool) started with a path in one.
    expect([...benchDirs()].filter((d) => !before.has(d))).toEqual([]);
    expect(processesMentioning("edgekit-bench-run-").filter((cmd) => ![...before].some((d) => cmd.includes(d)))).toEqual([]);
  });
});
