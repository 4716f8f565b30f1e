// `edgekit bench` as a real process: the loopback rule, argument errors and missing tools, all
// decided before any load is sent.
import { describe, expect, it } from "vitest";
import { checkTarget, isLoopbackHost } from "../../../../src/bench/target.js";
import { benchSettings, parseSeconds } from "../../../../src/cli/commands/bench.js";
import { DEFAULT_SETTINGS, QUICK_SETTINGS } from "../../../../src/bench/scenarios.js";
import { EXIT } from "../../../../src/cli/exit-codes.js";
import { repoRoot, runCli, tempDir } from "../../../support/run-cli.js";

describe("the loopback rule", () => {
  it.each(["localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1", "[::ffff:127.0.0.1]", "localhost."])("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(["example.com", "10.0.0.1", "192.168.1.1", "0.0.0.0", "[::]", "[2001:db8::1]", "localhost.example.com", "127.0.0.1.nip.io", "[::ffff:10.0.0.1]"])("%s is not loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it("refuses a remote URL unless the user owns the host; rejects non-HTTP schemes", () => {
    expect(checkTarget("https://example.com/", false)).toMatchObject({ ok: false, message: expect.stringContaining("--i-own-this-host") });
    expect(checkTarget("https://example.com/", true)).toMatchObject({ ok: true, loopback: false });
    expect(checkTarget("https://127.0.0.1:8443/api/tools", false)).toMatchObject({ ok: true, loopback: true });
    expect(checkTarget("ftp://127.0.0.1/", true)).toMatchObject({ ok: false });
    expect(checkTarget("not a url", true)).toMatchObject({ ok: false });
  });
});

describe("settings", () => {
  it("defaults, --quick, and explicit options over --quick", () => {
    expect(benchSettings({ spec: "spec.yaml", out: "x" })).toEqual({ settings: DEFAULT_SETTINGS });
    expect(benchSettings({ spec: "spec.yaml", out: "x", quick: true })).toEqual({ settings: QUICK_SETTINGS });
    expect(benchSettings({ spec: "spec.yaml", out: "x", quick: true, rounds: "2", duration: "1m", warmup: "0s" })).toEqual({
      settings: { ...QUICK_SETTINGS, rounds: 2, durationSec: 60, warmupSec: 0 },
    });
  });

  it("names the option and the value it refuses", () => {
    expect(benchSettings({ spec: "s", out: "x", rounds: "0" })).toEqual({ error: expect.stringMatching(/^--rounds.*got "0"$/) });
    expect(benchSettings({ spec: "s", out: "x", duration: "500ms" })).toEqual({ error: expect.stringMatching(/^--duration/) });
    expect(benchSettings({ spec: "s", out: "x", connections: "1" })).toEqual({ error: expect.stringMatching(/^--connections/) });
    expect(benchSettings({ spec: "s", out: "x", workers: "0" })).toEqual({ error: expect.stringMatching(/^--workers/) });
    expect(benchSettings({ spec: "s", out: "x", workers: "1" })).toEqual({ settings: { ...DEFAULT_SETTINGS, workers: 1 } });
    expect(parseSeconds("10", 1)).toBe(10);
    expect(parseSeconds("0s", 1)).toBeNull();
  });
});

describe("edgekit bench (the real binary)", () => {
  it("refuses a non-loopback --url with exit 2 and says how to allow it", async () => {
    const r = await runCli(["bench", "--url", "https://example.com/"], { cwd: repoRoot });
    expect(r.exitCode).toBe(EXIT.invalid);
    expect(r.stderr).toContain("refusing to load example.com: it is not a loopback address");
    expect(r.stderr).toContain("--i-own-this-host");
    expect(r.stdout).toBe("");
  });

  it("accepts --i-own-this-host: the target passes and the next check (a bad option) speaks", async () => {
    const r = await runCli(["bench", "--url", "https://example.com/", "--i-own-this-host", "--rounds", "0"], { cwd: repoRoot });
    expect(r.exitCode).toBe(EXIT.invalid);
    expect(r.stderr).toContain("--rounds");
    expect(r.stderr).not.toContain("refusing");
  });

  it("exits 3 naming what to install when the load tools are missing (no load sent)", async () => {
    const cwd = tempDir("edgekit-bench-cli-");
    const r = await runCli(["bench", "--url", "https://example.com/", "--i-own-this-host", "-o", `${cwd}/r.md`], { cwd: repoRoot, env: { PATH: "/nonexistent" } });
    expect(r.exitCode).toBe(EXIT.environment);
    expect(r.stderr).toMatch(/needs h2load.*apt-get install nghttp2-client/);
  });

  it("exits 3 for the local benchmark too, before starting anything: no nginx here and no Docker for the spec's image", async () => {
    const r = await runCli(["bench", "-s", "spec.yaml", "--quick", "-o", "/nonexistent/r.md"], { cwd: repoRoot, env: { PATH: "/nonexistent" } });
    expect(r.exitCode).toBe(EXIT.environment);
    expect(r.stderr).toMatch(/nginx is not installed on this host, and edgekit's image of nginx \S+ can't be used: Docker is not available/);
  });

  it("--runner host: this host's nginx, whatever the spec's version, and exit 3 without it", async () => {
    const r = await runCli(["bench", "-s", "spec.yaml", "--quick", "--runner", "host", "-o", "/nonexistent/r.md"], { cwd: repoRoot, env: { PATH: "/nonexistent" } });
    expect(r.exitCode).toBe(EXIT.environment);
    expect(r.stderr).toMatch(/nginx is not installed on this host/);
    const bad = await runCli(["bench", "-s", "spec.yaml", "--runner", "vm"], { cwd: repoRoot });
    expect(bad.exitCode).toBe(EXIT.invalid);
    expect(bad.stderr).toContain("--runner: auto, host or container");
  });

  it("exits 2 on an invalid spec, with the file:line diagnostics", async () => {
    const dir = tempDir("edgekit-bench-cli-");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${dir}/spec.yaml`, "domain: 'a b'\nupstreams: {}\n");
    const r = await runCli(["bench", "-s", "spec.yaml"], { cwd: dir });
    expect(r.exitCode).toBe(EXIT.invalid);
    expect(r.stderr).toMatch(/spec\.yaml:1:\d+\s+domain/);
  });

  it("documents its options and defaults in --help", async () => {
    const r = await runCli(["bench", "--help"], { cwd: repoRoot });
    expect(r.exitCode).toBe(EXIT.ok);
    for (const option of ["--rounds", "--duration", "--warmup", "--connections", "--quick", "--out", "--json", "--fail-on-target", "--i-own-this-host", "--runner"]) expect(r.stdout).toContain(option);
    expect(r.stdout).toContain("default: 3");
    expect(r.stdout).toContain("Example");
  });
});
