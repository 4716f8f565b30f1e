// The target list: each target renders exactly the files it declares, the edge comes first in its
// fixed order, and the reference targets refuse a plan without a reference setup.
import { describe, expect, it } from "vitest";
import { planEdge } from "../../../src/plan/index.js";
import { EDGE_TARGETS, REFERENCE_TARGETS, renderTargets, TARGETS } from "../../../src/targets/index.js";
import { spec } from "../../support/specs.js";
import { benchSpec, referencePlan } from "../../support/reference-targets.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." } as const;

describe("TARGETS", () => {
  it("lists the edge first (nginx, compose, prometheus, kubernetes), then the reference proxies", () => {
    expect(TARGETS.map((t) => t.id)).toEqual(["nginx", "compose", "prometheus", "kubernetes", "haproxy", "caddy"]);
    expect(EDGE_TARGETS.map((t) => t.id)).toEqual(["nginx", "compose", "prometheus", "kubernetes"]);
    expect(TARGETS.map((t) => t.role)).toEqual(["edge", "edge", "edge", "edge", "reference", "reference"]);
    expect(REFERENCE_TARGETS.map((t) => t.id)).toEqual(["haproxy", "caddy"]);
  });

  it.each([
    ["the default spec", benchSpec],
    ["metrics off", spec({ metrics: { enabled: false } })],
  ])("every target renders exactly its declared paths (%s)", (_name, s) => {
    const plan = referencePlan(s, "/run/edgekit");
    for (const target of TARGETS) {
      const paths = target.render(plan).map((f) => f.path);
      expect(paths, target.id).toEqual(target.paths(plan));
    }
    expect(renderTargets(plan, TARGETS).map((f) => f.path)).toEqual(TARGETS.flatMap((t) => t.paths(plan)));
  });

  it("renders only the edge by default, so a plan without a reference setup still generates", () => {
    expect(renderTargets(planEdge(spec(), OPTIONS)).map((f) => f.path)).toEqual(EDGE_TARGETS.flatMap((t) => t.paths(planEdge(spec(), OPTIONS))));
  });

  it.each(REFERENCE_TARGETS.map((t) => [t.id, t] as const))("%s throws a clear error without plan.options.reference", (_id, target) => {
    expect(() => target.render(planEdge(spec(), OPTIONS))).toThrow(/needs plan\.options\.reference \(workers, stateDir, bindAddress\)/);
  });
});
