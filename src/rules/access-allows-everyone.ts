import { addressSetOf, fullFamilies } from "../spec/address-set.js";
import type { Rule, RuleFinding } from "./rule.js";
import { allRoutes } from "../spec/sites.js";

/** "0.0.0.0/0 covers them all", or "a, b together cover them all" when no block does alone. */
function coverage(list: readonly string[]): string {
  const alone = list.find((c) => fullFamilies(addressSetOf([c])).length > 0);
  return alone ? `${alone} covers them all` : `${list.join(", ")} together cover them all`;
}

export const accessAllowsEveryone: Rule = {
  id: "access-allows-everyone",
  severity: "error",
  summary: "A route's access list that together covers every IPv4 or every IPv6 address (0.0.0.0/1 + 128.0.0.0/1 is everyone) restricts nothing for that family.",
  check(spec) {
    const findings: RuleFinding[] = [];
    allRoutes(spec).forEach(({ route, path }) => {
      // Metrics routes are rule status-not-public's.
      if (route.kind === "metrics" || !route.access) return;
      const families = fullFamilies(addressSetOf(route.access.allow));
      if (families.length === 0) return;
      const list = route.access.allow;
      findings.push({
        path: [...path, "access", "allow"],
        message: `route '${route.path}' lets every ${families.join(" and every ")} address in: ${coverage(list)}`,
        fix: "allow only the networks that need the route, or leave access out to make it public",
      });
    });
    return findings;
  },
};
