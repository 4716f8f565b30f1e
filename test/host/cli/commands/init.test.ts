// `edgekit init` (the program-level behaviour of the binary is in test/host/cli/main.test.ts).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBackendBundle } from "../../../support/package.js";
import { binPath, GENERATED_FILES, listTree, readText, repoRoot, runCli, snapshotTree, tempDir, writeFile } from "../../../support/run-cli.js";

describe("edgekit init", () => {
  beforeAll(ensureBackendBundle);

  it("scaffolds a project whose spec validate accepts and generate renders, and lists the next steps", async () => {
    const dir = tempDir();
    const init = await runCli(["init", "--domain", "my.example.com"], { cwd: dir });

    expect(init.stderr).toBe("");
    expect(init.exitCode).toBe(0);
    expect(filesIn(dir)).toEqual(SCAFFOLD); // and no temp file left beside them
    for (const path of SCAFFOLD) expect(init.stdout).toMatch(new RegExp(`^wrote ${path.replaceAll(".", "\\.")} +\\S`, "m"));
    // Run from a clone (not installed in the project): the launcher's path, and a copy of the schema.
    expect(init.stdout).toContain(`next steps:\n  node ${binPath} validate --nginx`);
    const spec = readText(dir, "spec.yaml");
    expect(spec).toMatch(/^domain: my\.example\.com$/m);
    expect(spec.split("\n")[0]).toBe("# yaml-language-server: $schema=./schema/spec.schema.json");
    expect(readText(dir, "schema/spec.schema.json")).toBe(readText(repoRoot, "schema/spec.schema.json"));

    const validate = await runCli(["validate", "-s", "spec.yaml"], { cwd: dir });
    expect(validate.stderr).toBe("");
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout.trim()).toBe("spec.yaml: valid");

    const generate = await runCli(["generate", "-s", "spec.yaml"], { cwd: dir });
    expect(generate.exitCode).toBe(0);
    for (const f of GENERATED_FILES) expect(generate.stdout).toMatch(new RegExp(`^wrote\\s+${f.replace(".", "\\.")}$`, "m"));
    expect(readText(dir, "nginx/nginx.conf")).toMatch(/^\s*server_name my\.example\.com localhost;$/m);
    // Every build context the compose file names exists in the project.
    const compose = parseYaml(readText(dir, "docker-compose.prod.yml")) as { services: Record<string, { build?: { context: string; dockerfile: string } }> };
    const contexts = Object.values(compose.services).flatMap((s) => (s.build ? [join(s.build.context, s.build.dockerfile)] : []));
    expect(contexts.sort()).toEqual(["deploy/backend/Dockerfile", "deploy/nginx/Dockerfile"]);
    for (const c of contexts) expect(existsSync(join(dir, c)), c).toBe(true);
  });

  it("a spec elsewhere in the project: every step names it", async () => {
    const dir = tempDir();
    const init = await runCli(["init", "-o", "edge/spec.yaml", "--domain", "my.example.com"], { cwd: dir });
    expect(init.exitCode).toBe(0);
    expect(readText(dir, "edge/spec.yaml").split("\n")[0]).toBe("# yaml-language-server: $schema=../schema/spec.schema.json");
    expect(init.stdout).toMatch(/validate -s edge\/spec\.yaml --nginx/);
    expect(readText(dir, ".github/workflows/edgekit.yml")).toContain("npx edgekit generate --check -s edge/spec.yaml");
  });

  it("refuses when any file it would write exists (exit 1), names each, and writes nothing unless --force", async () => {
    const dir = tempDir();
    writeFile(dir, "spec.yaml", "# my precious spec\n");
    writeFile(dir, ".gitignore", "dist/\n");
    const before = snapshotTree(dir);

    const refused = await runCli(["init", "--domain", "my.example.com"], { cwd: dir });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("spec.yaml already exists; use --force to replace it");
    expect(refused.stderr).toContain(".gitignore already exists; use --force to replace it");
    expect(refused.stderr).toContain(`init: wrote nothing (2 of ${SCAFFOLD.length} files exist)`);
    expect(snapshotTree(dir)).toEqual(before);

    const forced = await runCli(["init", "--domain", "my.example.com", "--force"], { cwd: dir });
    expect(forced.exitCode).toBe(0);
    expect(readText(dir, "spec.yaml")).toMatch(/^domain: my\.example\.com$/m);
    expect(filesIn(dir)).toEqual(SCAFFOLD);
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

  it.each(["../spec.yaml", "/tmp/spec.yaml", "spec.json", "a b.yaml", "x\nenv: 1.yaml", "-s.yaml", "./spec.yaml"])(
    "rejects --out %j with exit 2 and writes nothing",
    async (out) => {
      const dir = tempDir();
      const result = await runCli(["init", "-o", out], { cwd: dir });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain("--out must be a relative path ending in .yaml or .yml");
      expect(listTree(dir)).toEqual([]);
    },
  );
});

const filesIn = (dir: string) => Object.entries(snapshotTree(dir)).flatMap(([path, entry]) => (entry.kind === "file" ? [path] : []));

/** Every file init writes in a directory without edgekit installed, sorted as listTree sorts. */
const SCAFFOLD = [
  ".github/workflows/edgekit.yml",
  ".gitignore",
  "certs/README.md",
  "deploy/backend/Dockerfile",
  "deploy/backend/dist/server.mjs",
  "deploy/nginx/Dockerfile",
  "deploy/nginx/nginx-version-check.sh",
  "schema/spec.schema.json",
  "spec.yaml",
];
