import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { planEdge } from "../../../src/plan/index.js";
import { renderTargets } from "../../../src/targets/index.js";
import { allSpecFiles, REPO, spec, specFromFile } from "../../support/specs.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." };

describe("promtool accepts every generated prometheus.yml", () => {
  it.each(allSpecFiles().filter((f) => specFromFile(join(REPO, f)).metrics.enabled))("%s", async (file) => {
    const dir = mkdtempSync(join(tmpdir(), "edgekit-prom-"));
    try {
      const content = renderTargets(planEdge(specFromFile(join(REPO, file)), OPTIONS)).find((f) => f.path === "prometheus.yml")!.content;
      writeFileSync(join(dir, "prometheus.yml"), content);
      const result = await execa("promtool", ["check", "config", join(dir, "prometheus.yml")], { reject: false, all: true });
      expect(result.all).toMatch(/SUCCESS/);
      expect(result.exitCode).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("scrape jobs", () => {
  it("scrapes Prometheus, the exporter, and each backend container by DNS (not through the edge)", () => {
    const prom = parse(renderTargets(planEdge(spec({ backend: { replicas: 3 } }), OPTIONS)).find((f) => f.path === "prometheus.yml")!.content);
    expect(prom.scrape_configs.map((j: { job_name: string }) => j.job_name)).toEqual(["prometheus", "nginx", "backend"]);
    expect(prom.scrape_configs[1].static_configs[0].targets).toEqual(["nginx-exporter:9113"]);
    expect(prom.scrape_configs[2].dns_sd_configs[0]).toMatchObject({ names: ["backend"], type: "A", port: 3000 });
  });
  it("has no backend job when the backend is not part of the stack", () => {
    const prom = parse(renderTargets(planEdge(spec({ backend: { enabled: false } }), OPTIONS)).find((f) => f.path === "prometheus.yml")!.content);
    expect(prom.scrape_configs.map((j: { job_name: string }) => j.job_name)).toEqual(["prometheus", "nginx"]);
  });
});
