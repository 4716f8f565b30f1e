// The npm package holds what the CLI loads at run time and nothing else: every compiled module of
// src/, every template, the JSON Schema, the build contexts it builds or copies (edgekit's nginx
// image, the reference backend with its bundle, the bench toolchain), and no tests, fixtures,
// sources, source maps or bench runs.
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { BACKEND_BUNDLE, packedFiles } from "../support/package.js";
import { repoRoot } from "../support/run-cli.js";

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [relative(repoRoot, join(dir, e.name))]));
}

describe("the npm package", () => {
  let files: string[];
  const having = async () => (files ??= await packedFiles());

  it("holds the compiled CLI: one dist/*.js for every src/*.ts, and the launcher", async () => {
    const packed = new Set(await having());
    const modules = walk(join(repoRoot, "src")).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/^src\//, "dist/").replace(/\.ts$/, ".js"));
    expect(modules.length).toBeGreaterThan(50);
    for (const m of modules) expect(packed.has(m), m).toBe(true);
    for (const f of ["bin/edgekit.js", "package.json", "README.md", "dist/cli/main.js"]) expect(packed.has(f), f).toBe(true);
  });

  it("holds every template, the schema and the build contexts the CLI builds or copies", async () => {
    const packed = new Set(await having());
    const templates = walk(join(repoRoot, "templates"));
    expect(templates.length).toBeGreaterThan(20);
    for (const t of templates) expect(packed.has(t), t).toBe(true);
    for (const f of ["schema/spec.schema.json", "deploy/nginx/Dockerfile", "deploy/nginx/nginx-version-check.sh", "deploy/backend/Dockerfile", BACKEND_BUNDLE, "deploy/bench/Dockerfile"]) {
      expect(packed.has(f), f).toBe(true);
    }
  });

  it("holds no tests, sources, source maps, examples, bench runs or the repository's own stack", async () => {
    const packed = await having();
    const stray = packed.filter(
      (f) =>
        /^(test|src|bench|examples|scripts|certs|nginx|\.ci|\.tmp|node_modules)\//.test(f) ||
        /\.(test|spec)\.[cm]?[jt]s$/.test(f) ||
        /\.map$/.test(f) ||
        (f.endsWith(".ts") && !f.endsWith(".d.ts")) ||
        ["spec.yaml", "docker-compose.prod.yml", "prometheus.yml", "tsconfig.json", "vitest.config.ts", "package-lock.json"].includes(f),
    );
    expect(stray).toEqual([]);
    console.log(`[figure] npm package: ${packed.length} files`);
  });
});
