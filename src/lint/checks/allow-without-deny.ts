import { finding, type LintCheck } from "../check.js";
import { allowedBy, fullFamilies, type AccessRule } from "../../spec/address-set.js";
import type { Directive } from "../../nginx-syntax/parse.js";
import { effective, levelsOf, walk } from "../../nginx-syntax/tree.js";

/** A block's allow/deny lines as ordered access rules. */
export function accessRules(directives: readonly Directive[]): AccessRule[] {
  return directives.map((d) => ({ action: d.name as "allow" | "deny", target: d.args[0] ?? "" }));
}

export const allowWithoutDeny: LintCheck = {
  id: "allow-without-deny",
  severity: "error",
  summary: "allow lines restrict nothing when the ordered allow/deny list still lets every address in (no \"deny all\" after them, or an earlier allow covers everyone).",
  check(tree) {
    return walk(tree).flatMap((l) => {
      const rules = (l.directive.block ?? []).filter((d) => d.name === "allow" || d.name === "deny");
      const allows = rules.filter((d) => d.name === "allow");
      if (allows.length === 0) return [];
      // An explicit, lone "allow all" (no deny) opens the block on purpose.
      if (rules.every((d) => d.name === "allow") && allows.some((d) => d.args[0] === "all")) return [];
      // satisfy any + authentication: clients no rule matches must still authenticate.
      const chain = levelsOf(l);
      const authenticated = ["auth_basic", "auth_request", "auth_jwt"].some((name) => {
        const d = effective(chain, name);
        return d !== undefined && d.args[0] !== "off";
      });
      if (effective(chain, "satisfy")?.args[0] === "any" && authenticated) return [];
      const list = accessRules(rules);
      const open = fullFamilies(allowedBy(list));
      const denyAll = rules.findIndex((d) => d.name === "deny" && d.args[0] === "all");
      if (open.length > 0) {
        const why = denyAll === -1
          ? `clients that match no rule are allowed and no "deny all" follows`
          : `nginx applies the first rule that matches, and the rules before "deny all" (line ${rules[denyAll]!.line}) already allow them`;
        return [finding(l, `this allow/deny list lets every ${open.join(" and every ")} address in (${why}), so this block is open to everyone`, `allow only the networks that need access, then add "deny all;" after the last allow line`, allows[0])];
      }
      if (denyAll === -1 || denyAll > rules.lastIndexOf(allows.at(-1)!)) return [];
      return [finding(l, `"deny all" (line ${rules[denyAll]!.line}) comes before allow lines; nginx applies the first rule that matches, so those allow lines are never reached`, `move "deny all;" after the last allow line`, allows[0])];
    });
  },
};
