// `edgekit validate`: human and --json output, and --nginx running the real nginx -t.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureNginxImage } from "../../../../src/nginx-check/images.js";
import { installedNginxVersion } from "../../../../src/nginx-check/nginx-test.js";
import { hasFeature, TESTED_RELEASES } from "../../../../src/nginx-features/index.js";
import { MINIMAL_SPEC, listTree, runCli, tempDir, writeFile } from "../../../support/run-cli.js";

/** The minimal spec for an nginx that resolves names once (the host's 1.22): the operator says it reloads after scaling. */
const RELOADED_SPEC = "domain: app.example.com\nupstreams: {app: {servers: [{host: backend}], resolve: {enabled: false}}}\n";

interface JsonReport {
  valid: boolean;
  diagnostics: { severity: string; code: string; path: (string | number)[]; message: string; file?: string; position?: { line: number; column: number } }[];
  nginx?: { ok: boolean; output: string };
}

function specDir(spec: string, name = "spec.yaml"): string {
  const dir = tempDir();
  writeFile(dir, name, spec);
  return dir;
}

describe("edgekit validate", () => {
  it("--json on a bad spec prints valid:false with positioned diagnostics and exits 2", async () => {
    const dir = specDir("domain: app.example.com\nlisten:\n  httpPort: 70000\nupstreams: {app: {servers: [{host: backend}]}}\nroutes:\n  - kind: static\n    path: /s\n");
    const result = await runCli(["validate", "--json"], { cwd: dir });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.valid).toBe(false);
    expect(report.nginx).toBeUndefined();
    // Schema errors stop before the rules, so only the port is reported.
    expect(report.diagnostics).toEqual([
      {
        severity: "error",
        code: "schema",
        path: ["listen", "httpPort"],
        message: "must be at most 65535; got number 70000",
        file: "spec.yaml",
        position: { line: 3, column: 13 },
      },
    ]);
  });

  it("--json reports a rule finding with its rule id, fix and position", async () => {
    const dir = specDir(`${MINIMAL_SPEC}routes:\n  - kind: static\n    path: /s\n`);
    const result = await runCli(["validate", "--json"], { cwd: dir });

    expect(result.exitCode).toBe(2);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.valid).toBe(false);
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({
      severity: "error",
      code: "static-path-shape",
      path: ["routes", 0, "path"],
      position: { line: 5, column: 11 },
    });
  });

  it("--json on a valid spec prints valid:true and no diagnostics", async () => {
    const result = await runCli(["validate", "--json"], { cwd: specDir(MINIMAL_SPEC) });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ valid: true, diagnostics: [] });
  });

  it("--json on a missing spec file: valid:false, exit 2", async () => {
    const result = await runCli(["validate", "--json", "-s", "missing.yaml"], { cwd: tempDir() });
    expect(result.exitCode).toBe(2);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.valid).toBe(false);
    expect(report.diagnostics[0]).toMatchObject({ code: "io", file: "missing.yaml" });
  });

  it("human output: file:line:col, path, message and a count on stderr; exit 2", async () => {
    const dir = specDir("domain: app.example.com\nupstreams: {app: {servers: [{host: backend}]}}\nnginx: {workerConnections: true}\n", "edge.yaml");
    const result = await runCli(["validate", "-s", "edge.yaml"], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trimEnd().split("\n")).toEqual(["edge.yaml:3:28  nginx.workerConnections  expected number, got boolean true", "1 error, 0 warnings"]);
  });

  it("--nginx: the host's nginx -t accepts a spec for its version (exit 0), and nothing is left behind", async () => {
    const host = await installedNginxVersion();
    const dir = specDir(`${RELOADED_SPEC}nginx: {version: ${host}}\n`);
    const result = await runCli(["validate", "--nginx"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(`spec.yaml: valid (nginx -t accepts the rendered config: nginx ${host}, nginx on this host (nginx))`);
    expect(listTree(dir)).toEqual(["spec.yaml"]);
  });

  it("--nginx --json includes nginx's verdict and which nginx gave it", async () => {
    const host = await installedNginxVersion();
    const result = await runCli(["validate", "--nginx", "--json"], { cwd: specDir(`${RELOADED_SPEC}nginx: {version: ${host}}\n`) });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: true,
      diagnostics: [],
      nginx: { ok: true, output: "", ranOn: { label: "nginx on this host (nginx)", version: host }, notes: [] },
    });
  });

  // Proves that --nginx really runs nginx: a spec the schema and rules accept but nginx refuses
  // (the brotli module is not where the spec says).
  it("--nginx: exits 1 with nginx's own message when nginx -t rejects the config", async () => {
    const dir = specDir(`${MINIMAL_SPEC}nginx: {version: ${await installedNginxVersion()}, modulesDir: /nonexistent/modules}\n`);
    const plain = await runCli(["validate"], { cwd: dir });
    expect(plain.exitCode).toBe(0);

    const result = await runCli(["validate", "--nginx"], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/nginx: \[emerg\] .*\/nonexistent\/modules\/ngx_http_brotli_filter_module\.so/);
    expect(result.stderr).toContain("nginx -t rejects the rendered config");
    expect(result.stdout).toBe("");
  });

  it("--nginx on a spec for another nginx than the host's: runs that release's image, and says so", async () => {
    const host = await installedNginxVersion();
    const other = TESTED_RELEASES.find((r) => r.version !== host)!;
    // The image is built once beforehand (minutes on a fresh machine); this test is about the choice.
    await ensureNginxImage(other);
    const result = await runCli(["validate", "--nginx"], { cwd: specDir(`${MINIMAL_SPEC}nginx: {version: ${other.version}}\n`), timeoutMs: 120_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(`spec.yaml: valid (nginx -t accepts the rendered config: nginx ${other.version}, edgekit-nginx:${other.version} in a container)`);
    expect(result.stderr).toContain(`note: this host's nginx is ${host}; used edgekit-nginx:${other.version}, the image of the spec's nginx ${other.version}`);
  }, 600_000);

  it("--nginx --nginx-runner host on a spec for another nginx: the mismatch is named, with what to set", async () => {
    const host = await installedNginxVersion();
    const other = TESTED_RELEASES.find((r) => r.version !== host && hasFeature(r.version, "http2-directive") !== hasFeature(host!, "http2-directive"))!;
    const result = await runCli(["validate", "--nginx", "--nginx-runner", "host"], { cwd: specDir(`${MINIMAL_SPEC}nginx: {version: ${other.version}}\n`) });
    expect(result.stderr).toContain(`note: the spec targets nginx ${other.version} but this host's nginx is ${host}: set nginx.version: ${host} to render for the nginx you run`);
    expect(result.exitCode).toBe(3);
  });

  it("--nginx without nginx on PATH exits 3 (an environment problem, not a bad spec)", async () => {
    const result = await runCli(["validate", "--nginx"], { cwd: specDir(MINIMAL_SPEC), env: { PATH: "/nonexistent" } });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/nginx is not installed/);
  });
});

// Input the CLI must refuse before it costs time or memory: an unbounded device, a FIFO, a spec
// over 1 MiB, and a YAML alias bomb. Each is a spec error (exit 2) naming the file, not a crash.
describe("edgekit validate: bounded input", () => {
  it("refuses -s /dev/zero without reading it (it grew to 20 GB)", async () => {
    const result = await runCli(["validate", "-s", "/dev/zero"], { cwd: tempDir(), timeoutMs: 10_000 });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("/dev/zero  (spec)  cannot read the spec: not a regular file (a device or socket)");
  });

  it("refuses a FIFO instead of waiting for a writer", async () => {
    const dir = tempDir();
    execFileSync("mkfifo", [join(dir, "spec.yaml")]);
    const result = await runCli(["validate", "-s", "spec.yaml"], { cwd: dir, timeoutMs: 10_000 });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("spec.yaml  (spec)  cannot read the spec: not a regular file (a FIFO)");
  });

  it("refuses a spec over 1 MiB and takes one of just under 1 MiB", async () => {
    const dir = tempDir();
    const padding = (bytes: number) => `${MINIMAL_SPEC}# ${"x".repeat(bytes - MINIMAL_SPEC.length - 3)}\n`;
    writeFile(dir, "big.yaml", padding(1024 * 1024 + 1));
    writeFile(dir, "fits.yaml", padding(1024 * 1024));
    const big = await runCli(["validate", "-s", "big.yaml"], { cwd: dir });
    expect(big.exitCode).toBe(2);
    expect(big.stderr).toContain("big.yaml  (spec)  cannot read the spec: larger than the limit of 1 MiB");
    const fits = await runCli(["validate", "-s", "fits.yaml"], { cwd: dir });
    expect(fits.stderr).toBe("");
    expect(fits.exitCode).toBe(0);
  });

  it("an alias bomb is a spec error at the first alias (exit 2), not an unexpected error (exit 1)", async () => {
    const dir = tempDir();
    let bomb = `${MINIMAL_SPEC}x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`;
    for (let i = 1; i < 9; i++) bomb += `x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]\n`;
    writeFile(dir, "spec.yaml", bomb);
    const result = await runCli(["validate"], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^spec\.yaml:4:\d+ {2}\(spec\) {2}the aliases in this spec expand to more than 100 nodes/m);
  });
});
