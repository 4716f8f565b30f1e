// docker-compose.prod.yml: structure from the typed model, accepted by the real docker-compose.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { configFromEnv } from "../../../src/backend/config.js";
import { backendEnvironment, buildComposeModel } from "../../../src/model/compose.js";
import { planEdge } from "../../../src/plan/index.js";
import { renderTargets } from "../../../src/targets/index.js";
import { allSpecFiles, REPO, spec, specFromFile } from "../../support/specs.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." };
const outDirs: string[] = [];
afterAll(() => outDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("docker-compose config accepts every generated compose file", () => {
  it.each(allSpecFiles())("%s", async (file) => {
    const out = mkdtempSync(join(tmpdir(), "edgekit-compose-"));
    outDirs.push(out);
    // Examples are written to be copied to the project root as spec.yaml, so paths resolve from REPO.
    const specDirFromOutput = relative(out, REPO);
    for (const f of renderTargets(planEdge(specFromFile(join(REPO, file)), { specName: "spec.yaml", specDirFromOutput }))) {
      if (f.path === "docker-compose.prod.yml") writeFileSync(join(out, f.path), f.content);
    }
    const result = await execa("docker-compose", ["-f", join(out, "docker-compose.prod.yml"), "config", "-q"], { reject: false, all: true });
    expect(result.all).toBe("");
    expect(result.exitCode).toBe(0);
  });
});

describe("compose model", () => {
  const compose = parse(renderTargets(planEdge(spec(), OPTIONS)).find((f) => f.path === "docker-compose.prod.yml")!.content);
  it("has no top-level name or version (Compose v1 rejects name, v2 ignores version)", () => {
    expect(Object.keys(compose)).toEqual(["services", "volumes"]);
  });
  it("starts nginx only when the backend is healthy, and the exporter only when nginx is", () => {
    expect(compose.services.nginx.depends_on).toEqual({ backend: { condition: "service_healthy" } });
    expect(compose.services["nginx-exporter"].depends_on).toEqual({ nginx: { condition: "service_healthy" } });
  });
  it("gives every long-running service a restart policy and the main ones a healthcheck", () => {
    for (const [name, service] of Object.entries<Record<string, unknown>>(compose.services)) {
      expect(service.restart, name).toBe("unless-stopped");
    }
    for (const name of ["backend", "nginx", "prometheus"]) expect(compose.services[name].healthcheck.test[0]).toBe("CMD");
  });
  it("mounts configuration and certificates read-only", () => {
    const mounts: string[] = [...compose.services.nginx.volumes, ...compose.services.prometheus.volumes];
    for (const m of mounts.filter((v) => v.startsWith("."))) expect(m.endsWith(":ro"), m).toBe(true);
    expect(mounts).toContain("./nginx:/etc/nginx/edgekit:ro");
    expect(mounts).toContain("./certs:/etc/nginx/certs:ro");
  });
  it("publishes nginx's ports as strings (YAML 1.1 would read 80:80 as a number) and Prometheus on loopback only", () => {
    expect(compose.services.nginx.ports).toEqual(["80:80", "443:443"]);
    expect(compose.services.prometheus.ports).toEqual(["127.0.0.1:9090:9090"]);
  });
  it("hardens the backend container", () => {
    expect(compose.services.backend.read_only).toBe(true);
    expect(compose.services.backend.cap_drop).toEqual(["ALL"]);
  });
  it("passes the backend's timeouts from the spec; typed fields win over backend.env", () => {
    const env = backendEnvironment(spec({ backend: { keepAliveTimeout: "75s", headersTimeout: "76s", env: { EDGEKIT_KEEP_ALIVE_TIMEOUT_MS: "1", LOG_LEVEL: "debug" } } }));
    expect(env.EDGEKIT_KEEP_ALIVE_TIMEOUT_MS).toBe("75000");
    expect(env.EDGEKIT_HEADERS_TIMEOUT_MS).toBe("76000");
    expect(env.LOG_LEVEL).toBe("debug");
  });
  it("the backend's own fallbacks equal the spec's defaults (one source: the spec; the env carries it)", () => {
    const { NODE_ENV: _, ...env } = backendEnvironment(spec());
    expect(configFromEnv(env)).toEqual(configFromEnv({}));
  });
  it("resolves build contexts and host paths relative to the output directory", () => {
    const model = buildComposeModel(spec(), { specName: "spec.yaml", specDirFromOutput: "../project" });
    expect((model.services.backend as { build: { context: string } }).build.context).toBe("../project/deploy/backend");
    expect((model.services.nginx as { volumes: string[] }).volumes[0]).toBe("./nginx:/etc/nginx/edgekit:ro");
  });
  it("leaves out the metrics services and prometheus.yml when metrics are off", () => {
    const files = renderTargets(planEdge(spec({ metrics: { enabled: false } }), OPTIONS));
    expect(files.map((f) => f.path)).toEqual(["nginx/nginx.conf", "docker-compose.prod.yml"]);
    expect(Object.keys(parse(files[1]!.content).services)).toEqual(["backend", "nginx"]);
  });
});
