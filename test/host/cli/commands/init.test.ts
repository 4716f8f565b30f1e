// `edgekit init` (the program-level behaviour of the binary is in test/host/cli/main.test.ts).
import { describe, expect, it } from "vitest";
import { GENERATED_FILES, listTree, readText, runCli, snapshotTree, tempDir, writeFile } from "../../../support/run-cli.js";

describe("edgekit init", () => {
  it("writes a starter spec that validate accepts and generate renders", async () => {
    const dir = tempDir();
    const init = await runCli(["init", "-o", "spec.yaml", "--domain", "my.example.com"], { cwd: dir });

    expect(init.exitCode).toBe(0);
    expect(init.stderr).toBe("");
    expect(init.stdout).toContain("wrote spec.yaml");
    expect(listTree(dir)).toEqual(["spec.yaml"]); // no temp file left beside it
    const spec = readText(dir, "spec.yaml");
    expect(spec).toMatch(/^domain: my\.example\.com$/m);
    expect(spec.startsWith("# yaml-language-server: $schema=")).toBe(true);

    const validate = await runCli(["validate", "-s", "spec.yaml"], { cwd: dir });
    expect(validate.stderr).toBe("");
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout.trim()).toBe("spec.yaml: valid");

    const generate = await runCli(["generate", "-s", "spec.yaml"], { cwd: dir });
    expect(generate.exitCode).toBe(0);
    for (const f of GENERATED_FILES) expect(generate.stdout).toMatch(new RegExp(`^wrote\\s+${f.replace(".", "\\.")}$`, "m"));
    expect(readText(dir, "nginx/nginx.conf")).toMatch(/^\s*server_name my\.example\.com;$/m);
  });

  it("refuses to overwrite an existing file (exit 1) unless --force", async () => {
    const dir = tempDir();
    writeFile(dir, "spec.yaml", "# my precious spec\n");
    const before = snapshotTree(dir);

    const refused = await runCli(["init", "--domain", "my.example.com"], { cwd: dir });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("spec.yaml already exists; use --force to replace it");
    expect(snapshotTree(dir)).toEqual(before);

    const forced = await runCli(["init", "--domain", "my.example.com", "--force"], { cwd: dir });
    expect(forced.exitCode).toBe(0);
    expect(readText(dir, "spec.yaml")).toMatch(/^domain: my\.example\.com$/m);
  });

  it.each(["bad domain", "Upper.Example.com", "a;b.example.com", "-lead.example.com"])(
    "rejects --domain %j with exit 2 and writes nothing",
    async (domain) => {
      const dir = tempDir();
      const result = await runCli(["init", "-o", "spec.yaml", "--domain", domain], { cwd: dir });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`--domain must be a lower-case DNS name such as example.com; got ${JSON.stringify(domain)}`);
      expect(listTree(dir)).toEqual([]);
    },
  );
});
