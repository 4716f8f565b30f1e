import { addressSetOf, fullFamilies } from "../spec/address-set.js";
import type { Rule, RuleFinding } from "./rule.js";
import { allRoutes } from "../spec/sites.js";

/** " (0.0.0.0/1, 128.0.0.0/1 together cover every IPv4 address)" for a list that lets everyone in, else undefined. */
function openToAll(allow: readonly string[]): string | undefined {
  const families = fullFamilies(addressSetOf(allow));
  if (families.length === 0) return undefined;
  const alone = allow.find((c) => fullFamilies(addressSetOf([c])).length > 0);
  return `${alone ? `${alone} covers` : `${allow.join(", ")} together cover`} every ${families.join(" and every ")} address`;
}

export const statusNotPublic: Rule = {
  id: "status-not-public",
  severity: "error",
  summary: "stub_status and metrics routes reveal traffic and internals; their allow lists must not include everyone.",
  check(spec) {
    const findings: RuleFinding[] = [];
    const status = spec.metrics.enabled ? openToAll(spec.metrics.allow) : undefined;
    if (status) {
      findings.push({ path: ["metrics", "allow"], message: `the stub_status page is open to every address: ${status}`, fix: "allow only the exporter's and operators' networks" });
    }
    allRoutes(spec).forEach(({ route, path }) => {
      const open = route.kind === "metrics" && route.access ? openToAll(route.access.allow) : undefined;
      if (open) {
        findings.push({ path: [...path, "access", "allow"], message: `metrics route '${route.path}' is open to every address: ${open}`, fix: "allow only Prometheus's network" });
      }
    });
    return findings;
  },
};
