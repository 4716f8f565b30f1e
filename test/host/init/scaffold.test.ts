// What `edgekit init` plans to write, as a pure function of the project layout: the schema reference
// follows an installed package (node_modules) and is a copy otherwise; the starter spec is valid,
// passes every rule and routes `/`; the next steps name the spec where it is not the default.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextSteps, scaffold } from "../../../src/init/scaffold.js";
import { validateSpecText } from "../../../src/pipeline.js";
import { specSchema } from "../../../src/spec/schema.js";
import { ensureBackendBundle } from "../../support/package.js";
import { repoRoot } from "../../support/run-cli.js";

let dir: string;
beforeAll(async () => {
  await ensureBackendBundle();
  dir = mkdtempSync(join(tmpdir(), "edgekit-scaffold-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (files: ReturnType<typeof scaffold>, path: string) => files.find((f) => f.path === path)!.content.toString("utf8");

describe("scaffold", () => {
  it("an installed package: the spec names the schema in node_modules, and no copy is written", () => {
    mkdirSync(join(dir, "installed", "node_modules"), { recursive: true });
    symlinkSync(repoRoot, join(dir, "installed", "node_modules", "edgekit"));
    const files = scaffold({ dir: join(dir, "installed"), specPath: "spec.yaml", domain: "app.example.com", command: "npx edgekit", packageRoot: join(dir, "installed", "node_modules", "edgekit") });
    expect(text(files, "spec.yaml").split("\n")[0]).toBe("# yaml-language-server: $schema=./node_modules/edgekit/schema/spec.schema.json");
    expect(files.map((f) => f.path)).not.toContain("schema/spec.schema.json");
  });

  it("no installed package: the schema is copied and named relative to the spec, wherever the spec sits", () => {
    for (const [specPath, reference] of [["spec.yaml", "./schema/spec.schema.json"], ["edge/prod/spec.yaml", "../../schema/spec.schema.json"]] as const) {
      const files = scaffold({ dir: join(dir, "plain"), specPath, domain: "app.example.com", command: "edgekit", packageRoot: repoRoot });
      expect(text(files, specPath).split("\n")[0]).toBe(`# yaml-language-server: $schema=${reference}`);
      expect(JSON.parse(text(files, "schema/spec.schema.json")).$schema).toMatch(/json-schema\.org/);
    }
  });

  it("the starter spec is valid, passes every rule, routes / and serves localhost too", () => {
    const files = scaffold({ dir: join(dir, "plain"), specPath: "spec.yaml", domain: "shop.example.org", command: "npx edgekit", packageRoot: repoRoot });
    const spec = specSchema.parse(parseYaml(text(files, "spec.yaml")));
    expect(spec.domain).toBe("shop.example.org");
    expect(spec.aliases).toEqual(["localhost"]);
    expect(spec.routes!.some((r) => r.path === "/" && r.match === "prefix")).toBe(true);
    expect(validateSpecText(text(files, "spec.yaml"), "spec.yaml").diagnostics).toEqual([]); // not even a warning
  });

  it("writes the build contexts the generated compose file builds, the certs README, .gitignore and CI", () => {
    const files = scaffold({ dir: join(dir, "plain"), specPath: "spec.yaml", domain: "app.example.com", command: "npx edgekit", packageRoot: repoRoot });
    const paths = files.map((f) => f.path);
    for (const p of ["deploy/nginx/Dockerfile", "deploy/nginx/nginx-version-check.sh", "deploy/backend/Dockerfile", "deploy/backend/dist/server.mjs", "certs/README.md", ".gitignore", ".github/workflows/edgekit.yml"]) expect(paths).toContain(p);
    expect(files.find((f) => f.path === "deploy/nginx/nginx-version-check.sh")!.mode).toBe(0o755);
    expect(text(files, ".gitignore")).toMatch(/^certs\/\*\.pem$/m);
    const workflow = parseYaml(text(files, ".github/workflows/edgekit.yml")) as { jobs: { edge: { steps: Array<{ run?: string }> } } };
    const runs = workflow.jobs.edge.steps.flatMap((s) => (s.run ? [s.run] : []));
    expect(runs).toEqual(["npm ci", "npx edgekit generate --check -s spec.yaml", "npx edgekit validate --nginx -s spec.yaml"]);
  });

  it("next steps: the default spec needs no -s; another path is named in every edgekit command", () => {
    expect(nextSteps({ specPath: "spec.yaml", command: "npx edgekit" }).filter((s) => s.includes(" -s "))).toEqual([]);
    const steps = nextSteps({ specPath: "edge/spec.yaml", command: "npx edgekit" });
    for (const step of steps.filter((s) => s.startsWith("npx edgekit") && !s.includes("verify"))) expect(step).toContain("-s edge/spec.yaml");
    expect(steps.find((s) => s.includes("verify"))).toContain("--spec edge/spec.yaml");
  });
});
