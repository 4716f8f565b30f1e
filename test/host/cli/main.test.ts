// The program-level behaviour of the binary (src/cli/main.ts): help, version, bad arguments.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listTree, repoRoot, runCli, tempDir, writeFile } from "../../support/run-cli.js";

const COMMANDS = ["generate", "validate", "schema", "certs", "init"];

describe("the edgekit program", () => {
  it("--help exits 0 and lists every command", async () => {
    const result = await runCli(["--help"], { cwd: tempDir() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Usage: edgekit \[options\] \[command\]$/m);
    for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    expect(result.stdout).toMatch(/Exit codes: 0 ok; 1 a check failed .*\n2 invalid spec or arguments; 3 the environment lacks a tool/);
  });

  it("validate --help lists the rules", async () => {
    const result = await runCli(["validate", "--help"], { cwd: tempDir() });
    expect(result.exitCode).toBe(0);
    for (const rule of ["route-path-unique", "http3-needs-nginx-1-25", "backend-keepalive-outlives-nginx", "static-path-shape"]) {
      expect(result.stdout).toContain(rule);
    }
  });

  it("--version prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
    const result = await runCli(["--version"], { cwd: tempDir() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it("an unknown command exits 2", async () => {
    const result = await runCli(["frobnicate"], { cwd: tempDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
    expect(result.stdout).toBe("");
  });

  it("an unknown option exits 2 and does nothing", async () => {
    const dir = tempDir();
    writeFile(dir, "spec.yaml", "domain: app.example.com\nupstreams: {app: {servers: [{host: backend}]}}\n");
    const result = await runCli(["generate", "--frobnicate"], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown option '--frobnicate'");
    expect(listTree(dir)).toEqual(["spec.yaml"]);
  });

  it("an option missing its value exits 2", async () => {
    const result = await runCli(["generate", "--spec"], { cwd: tempDir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("option '-s, --spec <file>' argument missing");
  });
});
