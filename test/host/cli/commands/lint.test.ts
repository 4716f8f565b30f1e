// `edgekit lint` through the real binary: output format, exit codes, --json, --strict, --include-root.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MINIMAL_SPEC, repoRoot, runCli, tempDir, writeFile } from "../../../support/run-cli.js";

const SEED = readFileSync(join(repoRoot, "test", "host", "lint", "fixtures", "seed-002-nginx.conf"), "utf8");

interface JsonReport {
  ok: boolean;
  parsed: boolean;
  errors: number;
  warnings: number;
  diagnostics: { severity: string; code: string; path: string[]; message: string; fix?: string; file: string; position: { line: number; column: number } }[];
}

describe("edgekit lint", () => {
  it("lints nginx/nginx.conf by default: what `generate` writes is clean (exit 0)", async () => {
    const dir = tempDir();
    writeFile(dir, "spec.yaml", MINIMAL_SPEC);
    expect((await runCli(["generate"], { cwd: dir })).exitCode).toBe(0);
    const result = await runCli(["lint"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^nginx\/nginx\.conf: no findings \(\d+ checks\)\n?$/);
    expect(result.exitCode).toBe(0);
  });

  it("prints file:line:col  context  message; fix  [check-id] and a summary, exit 1 on errors", async () => {
    const dir = tempDir();
    writeFile(dir, "proxy.conf", SEED);
    const result = await runCli(["lint", "proxy.conf"], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(7);
    expect(lines[5]).toMatch(
      /^proxy\.conf:204:13 {2}http\.server\.location \/static\/ {2}add_header here replaces the 6 headers .*; fix: .* \[add-header-inheritance\]$/,
    );
    expect(lines[6]).toBe("3 errors, 3 warnings");
  });

  it("--json prints the findings for CI, with the same exit code", async () => {
    const dir = tempDir();
    writeFile(dir, "proxy.conf", SEED);
    const result = await runCli(["lint", "proxy.conf", "--json"], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report).toMatchObject({ ok: false, parsed: true, errors: 3, warnings: 3 });
    expect(report.diagnostics[0]).toMatchObject({ severity: "warning", code: "server-tokens", path: ["http"], file: "proxy.conf", position: { line: 15, column: 1 } });
  });

  it("warnings alone exit 0; --strict makes them fail", async () => {
    const dir = tempDir();
    writeFile(dir, "w.conf", "http {\n  server { listen 80; }\n}\n");
    const plain = await runCli(["lint", "w.conf"], { cwd: dir });
    expect(plain.exitCode).toBe(0);
    expect(plain.stderr).toContain("w.conf:1:1  http  warning: no server_tokens off at http level");
    expect((await runCli(["lint", "w.conf", "--strict"], { cwd: dir })).exitCode).toBe(1);
  });

  it("exit 2 for a syntax error (positioned) and for a file that cannot be read", async () => {
    const dir = tempDir();
    writeFile(dir, "bad.conf", "http {\n  server {\n    listen 80\n  }\n}\n");
    const bad = await runCli(["lint", "bad.conf"], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('bad.conf:4:3  http.server  unexpected "}": directive "listen" is missing its ";" [nginx-syntax]');

    const missing = await runCli(["lint", "nope.conf", "--json"], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect((JSON.parse(missing.stdout) as JsonReport).diagnostics[0]).toMatchObject({ code: "io", message: "cannot read the nginx config: no such file" });
  });

  it("a file that cannot be read is labelled with its path, not (spec); a device is refused unread", async () => {
    const dir = tempDir();
    const missing = await runCli(["lint", "nope.conf"], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("nope.conf  nope.conf  cannot read the nginx config: no such file");
    expect(missing.stderr).not.toContain("(spec)");
    const device = await runCli(["lint", "/dev/zero"], { cwd: dir, timeoutMs: 10_000 });
    expect(device.exitCode).toBe(2);
    expect(device.stderr).toContain("/dev/zero  /dev/zero  cannot read the nginx config: not a regular file (a device or socket)");
  });

  it("8,000 nested blocks, which nginx accepts, lint without a stack overflow", async () => {
    const dir = tempDir();
    const depth = 8_000;
    writeFile(dir, "deep.conf", `http {\n  server_tokens off;\n  server {\n${"location /a/ {\n".repeat(depth)}return 200;\n${"}\n".repeat(depth)}  }\n}\n`);
    const result = await runCli(["lint", "deep.conf"], { cwd: dir, timeoutMs: 60_000 });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  }, 70_000);

  it("--include-root follows includes relative to it; a missing include is a warning", async () => {
    const dir = tempDir();
    writeFile(dir, "etc/nginx.conf", "http {\n  server_tokens off;\n  include conf.d/*.conf;\n  include extra.conf;\n}\n");
    writeFile(dir, "etc/conf.d/site.conf", "server {\n  location /static { alias /srv/static/; }\n}\n");
    const followed = await runCli(["lint", "etc/nginx.conf", "--include-root", "etc"], { cwd: dir });
    expect(followed.exitCode).toBe(1);
    expect(followed.stderr).toContain("etc/nginx.conf:4:3  http  warning: included file etc/extra.conf cannot be read");
    expect(followed.stderr).toContain("etc/conf.d/site.conf:2:22  http.server.location /static  location /static (no trailing");
    expect(followed.stderr).toContain("[alias-path-traversal]");

    const notFollowed = await runCli(["lint", "etc/nginx.conf"], { cwd: dir });
    expect(notFollowed.exitCode).toBe(0);
  });
});
