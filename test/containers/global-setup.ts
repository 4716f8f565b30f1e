// Starts the generated stack once for the containers project: builds the backend bundle, renders
// test/containers/stack.spec.yaml with the real CLI, makes dev certificates, and brings the
// compose file up with testcontainers (which drives `docker compose`, a v1 shim where v2 is
// missing; scripts/docker-ready.sh installs it). Container logs and the rendered files stay in
// test/containers/.stack/ for inspection after a failure.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { DockerComposeEnvironment, Wait, type StartedDockerComposeEnvironment } from "testcontainers";
import type { TestProject } from "vitest/node";
import { parse as parseYaml } from "yaml";
import { specSchema } from "../../src/spec/schema.js";
import { PROJECT, REPO, STACK_DIR, STACK_SPEC, type StackInfo } from "./support/constants.js";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo | null;
  }
}

let environment: StartedDockerComposeEnvironment | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true"; // the reaper image can't be pulled everywhere; teardown below cleans up
  const docker = await execa("docker", ["info", "--format", "{{.ServerVersion}}"], { reject: false });
  if (docker.exitCode !== 0) {
    const why = "no Docker engine answers (run scripts/docker-ready.sh)";
    if (process.env.CI === "true") throw new Error(`containers suite: ${why}; CI never skips it`);
    console.warn(`\n[containers] SKIPPED locally: ${why}\n`);
    project.provide("stack", null);
    return async () => {};
  }

  // EDGEKIT_IT_REUSE=1 (developers only): use the stack a previous run left up, and leave it up.
  const reuse = process.env.EDGEKIT_IT_REUSE === "1";
  const running = await execa("docker", ["ps", "-q", "--filter", `label=com.docker.compose.project=${PROJECT}`], { reject: false });
  if (reuse && String(running.stdout).trim().split("\n").filter(Boolean).length >= 5) {
    console.log(`[containers] reusing the running stack (project ${PROJECT})`);
    project.provide("stack", stackInfo());
    return async () => {};
  }

  const cli = (...args: string[]) => execa(process.execPath, [join(REPO, "bin/edgekit.js"), ...args], { cwd: REPO });
  await execa("npm", ["run", "-s", "build:backend"], { cwd: REPO });
  await cli("generate", "-s", STACK_SPEC, "-o", STACK_DIR, "--force");
  await cli("certs", "-s", STACK_SPEC, "--force");

  // A stack left over by an interrupted run would be reused as it is by `up --no-recreate`.
  await execa("docker-compose", ["-p", PROJECT, "-f", join(STACK_DIR, "docker-compose.prod.yml"), "down", "-v", "--remove-orphans"], { reject: false });
  const started = Date.now();
  environment = await new DockerComposeEnvironment(STACK_DIR, "docker-compose.prod.yml")
    .withProjectName(PROJECT)
    .withBuild()
    .withWaitStrategy(`${PROJECT}_nginx_1`, Wait.forHealthCheck())
    .withWaitStrategy(`${PROJECT}_backend_1`, Wait.forHealthCheck())
    .withWaitStrategy(`${PROJECT}_backend_2`, Wait.forHealthCheck())
    .withStartupTimeout(180_000)
    .up();
  console.log(`[containers] stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (project ${PROJECT}, files in ${STACK_DIR})`);

  project.provide("stack", stackInfo());

  return async () => {
    const logs = await execa("docker-compose", ["-p", PROJECT, "-f", join(STACK_DIR, "docker-compose.prod.yml"), "logs", "--no-color", "--timestamps"], { reject: false, all: true });
    writeFileSync(join(STACK_DIR, "compose.log"), String(logs.all ?? ""));
    if (!reuse) await environment?.down({ removeVolumes: true, timeout: 10_000 });
  };
}

/** Ports as the stack spec sets them (listen.*, metrics.prometheus.port). */
function stackInfo(): StackInfo {
  const spec = specSchema.parse(parseYaml(readFileSync(join(REPO, STACK_SPEC), "utf8")));
  return {
    httpPort: spec.listen.httpPort,
    httpsPort: spec.listen.httpsPort,
    prometheusPort: spec.metrics.prometheus.port,
    caCert: readFileSync(join(REPO, "test/containers/certs/ca.pem"), "utf8"),
  };
}
