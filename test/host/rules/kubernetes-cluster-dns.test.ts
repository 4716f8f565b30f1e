import { describe, expect, it } from "vitest";
import { runRules } from "../../../src/rules/index.js";
import type { SpecInput } from "../../../src/spec/schema.js";
import { spec } from "../../support/specs.js";

const findings = (input: Partial<SpecInput>) => runRules(spec(input as Record<string, unknown>), () => ({ line: 1, column: 1 })).filter((d) => d.code === "kubernetes-cluster-dns");

describe("rule kubernetes-cluster-dns", () => {
  it("warns when the Kubernetes pods would ask Docker's DNS for OCSP", () => {
    expect(findings({ kubernetes: { enabled: true }, tls: { ocspStapling: { enabled: true } } } as Partial<SpecInput>)).toEqual([
      expect.objectContaining({ severity: "warning", path: ["tls", "ocspStapling", "resolvers", 0], fix: expect.stringContaining("kube-dns") }),
    ]);
  });
  it("warns when the pods would ask Docker's DNS for the upstream names nginx follows", () => {
    expect(findings({ kubernetes: { enabled: true, dns: { resolver: "127.0.0.11" } } } as Partial<SpecInput>)).toEqual([
      expect.objectContaining({ severity: "warning", path: ["kubernetes", "dns", "resolver"], fix: expect.stringContaining("kube-dns") }),
    ]);
  });
  it("is silent with the cluster DNS address, without stapling, or without kubernetes", () => {
    expect(findings({ kubernetes: { enabled: true }, tls: { ocspStapling: { enabled: true, resolvers: ["10.96.0.10"] } } } as Partial<SpecInput>)).toEqual([]);
    expect(findings({ kubernetes: { enabled: true } } as Partial<SpecInput>)).toEqual([]);
    expect(findings({ tls: { ocspStapling: { enabled: true } } } as Partial<SpecInput>)).toEqual([]);
  });
});
