import { describe, expect, it } from "vitest";
import { runRules } from "../../../src/rules/index.js";
import type { SpecInput } from "../../../src/spec/schema.js";
import { spec } from "../../support/specs.js";

const findings = (input: Partial<SpecInput>) => runRules(spec(input as Record<string, unknown>), () => ({ line: 1, column: 1 })).filter((d) => d.code === "kubernetes-service-name");

describe("rule kubernetes-service-name", () => {
  it("refuses a backend service name Kubernetes cannot take, only when the manifests are written", () => {
    const input = { backend: { service: "my_api" }, upstreams: { app: { servers: [{ host: "my_api" }] } } };
    expect(findings({ ...input, kubernetes: { enabled: true } } as Partial<SpecInput>)).toEqual([
      expect.objectContaining({ severity: "error", path: ["backend", "service"], fix: expect.stringContaining("myapi") }),
    ]);
    expect(findings(input as Partial<SpecInput>)).toEqual([]);
    expect(findings({ kubernetes: { enabled: true } } as Partial<SpecInput>)).toEqual([]);
  });
});
