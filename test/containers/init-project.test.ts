// edgekit outside its own repository, as a new user meets it: the repository is packed, the
// tarball installed into a fresh project (`npm install ./edgekit-*.tgz`, as from the registry),
// and the README's commands run there with `npx edgekit`: init, certs, validate --nginx, generate,
// `docker compose up --build` of the scaffolded stack (built from the project's own deploy/), then
// `edgekit verify` against it. The only edit to the scaffolded spec is the one an operator makes
// when ports 80/443 are taken (here by the suite's own stack): other listen ports.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parseDocument } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/nginx-check/run-nginx.js";
import type { VerifyReport } from "../../src/verify/types.js";
import { packInto } from "../support/package.js";
import { noStack } from "./support/stack.js";

const PROJECT_NAME = "edgekitinit";

describe.skipIf(noStack)("a project outside the repository: pack, install, init, compose up, verify", () => {
  let root: string;
  let project: string;
  let tarball: string;
  let ports: { http: number; https: number; prometheus: number };
  const npx = (args: string[], timeout = 180_000) => execa("npx", ["--no-install", "edgekit", ...args], { cwd: project, reject: false, all: true, timeout, env: { NO_COLOR: "1" } });
  const compose = (args: string[]) => execa("docker", ["compose", "-p", PROJECT_NAME, "-f", "docker-compose.prod.yml", ...args], { cwd: project, reject: false, all: true, timeout: 600_000 });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "edgekit-init-"));
    project = join(root, "shop");
    mkdirSync(project);
    tarball = await packInto(root);
    ports = { http: await freePort(), https: await freePort(), prometheus: await freePort() };
  }, 300_000);

  afterAll(async () => {
    if (project) await compose(["down", "-v", "--remove-orphans"]);
    if (root) rmSync(root, { recursive: true, force: true });
  }, 120_000);

  it("the tarball installs into an empty project and `npx edgekit` runs", async () => {
    const size = statSync(tarball).size;
    console.log(`[figure] npm package: ${tarball.split("/").pop()} ${(size / 1024).toFixed(0)} KiB`);
    expect(size).toBeLessThan(2 * 1024 * 1024);
    await execa("npm", ["init", "-y"], { cwd: project });
    const install = await execa("npm", ["install", "--no-audit", "--no-fund", tarball], { cwd: project, reject: false, all: true, timeout: 300_000 });
    expect(install.exitCode, install.all).toBe(0);
    const version = await npx(["--version"]);
    expect(version.exitCode, version.all).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(project, "node_modules/edgekit/package.json"), "utf8")).version);
  }, 360_000);

  it("init scaffolds the project and prints the commands that work there", async () => {
    const init = await npx(["init", "--domain", "shop.example.com"]);
    expect(init.exitCode, init.all).toBe(0);
    expect(init.stdout).toContain("next steps:\n  npx edgekit validate --nginx");
    const spec = readFileSync(join(project, "spec.yaml"), "utf8");
    // The schema the first line names resolves from the project: the installed package's.
    expect(spec.split("\n")[0]).toBe("# yaml-language-server: $schema=./node_modules/edgekit/schema/spec.schema.json");
    expect(JSON.parse(readFileSync(join(project, "node_modules/edgekit/schema/spec.schema.json"), "utf8")).$schema).toMatch(/json-schema/);

    // The operator's one edit: ports 80/443 and 9090 are taken on this host.
    const doc = parseDocument(spec);
    doc.setIn(["listen", "httpPort"], ports.http);
    doc.setIn(["listen", "httpsPort"], ports.https);
    doc.setIn(["metrics", "prometheus", "port"], ports.prometheus);
    writeFileSync(join(project, "spec.yaml"), doc.toString());
  });

  it("certs, validate --nginx (the real nginx -t of the spec's release) and generate pass", async () => {
    for (const args of [["certs"], ["validate", "--nginx"], ["generate"], ["generate", "--check"]]) {
      const run = await npx(args);
      expect(run.exitCode, `edgekit ${args.join(" ")}: ${run.all}`).toBe(0);
    }
  }, 600_000);

  it("the scaffolded stack comes up with compose, builds from the project's deploy/, and passes edgekit verify", async () => {
    const up = await compose(["up", "-d", "--build"]);
    expect(up.exitCode, up.all).toBe(0);
    const url = `https://localhost:${ports.https}/`;
    let last = "";
    const deadline = Date.now() + 120_000;
    for (;;) {
      const verify = await npx(["verify", url, "--spec", "spec.yaml", "--ca", "certs/ca.pem", "--json"], 60_000);
      last = verify.all ?? "";
      if (verify.exitCode === 0) {
        const report = JSON.parse(verify.stdout) as VerifyReport;
        console.log(`[figure] verify of the scaffolded stack: ${JSON.stringify(report.counts)} (${report.checks.filter((c) => c.verdict === "pass").map((c) => c.id).join(", ")})`);
        expect(report.ok).toBe(true);
        expect(report.counts.fail).toBe(0);
        expect(report.counts.pass).toBeGreaterThanOrEqual(8);
        break;
      }
      if (Date.now() > deadline) throw new Error(`verify never passed; last run:\n${last}\n${(await compose(["ps"])).all}`);
      await new Promise((r) => setTimeout(r, 3000));
    }
  }, 900_000);
});
