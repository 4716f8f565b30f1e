import { coversEveryone } from "../spec/values.js";
import type { Rule, RuleFinding } from "./rule.js";

export const statusNotPublic: Rule = {
  id: "status-not-public",
  severity: "error",
  summary: "stub_status and metrics routes reveal traffic and internals; their allow lists must not include everyone.",
  check(spec) {
    const findings: RuleFinding[] = [];
    if (spec.metrics.enabled && spec.metrics.allow.some(coversEveryone)) {
      findings.push({ path: ["metrics", "allow"], message: "the stub_status page is open to every address", fix: "allow only the exporter's and operators' networks" });
    }
    spec.routes.forEach((route, i) => {
      if (route.kind === "metrics" && route.access?.allow.some(coversEveryone)) {
        findings.push({ path: ["routes", i, "access", "allow"], message: `metrics route '${route.path}' is open to every address`, fix: "allow only Prometheus's network" });
      }
    });
    return findings;
  },
};
