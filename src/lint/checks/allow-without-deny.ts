import { finding, type LintCheck } from "../check.js";
import { effective, levelsOf, walk } from "../../nginx-syntax/tree.js";

export const allowWithoutDeny: LintCheck = {
  id: "allow-without-deny",
  severity: "error",
  summary: "allow lines restrict nothing unless a \"deny all\" follows them in the same block.",
  check(tree) {
    return walk(tree).flatMap((l) => {
      const rules = (l.directive.block ?? []).filter((d) => d.name === "allow" || d.name === "deny");
      const allows = rules.filter((d) => d.name === "allow");
      if (allows.length === 0 || allows.some((d) => d.args[0] === "all")) return [];
      const lastAllow = rules.lastIndexOf(allows.at(-1)!);
      const denyAll = rules.findIndex((d) => d.name === "deny" && d.args[0] === "all");
      if (denyAll > lastAllow) return [];
      // satisfy any + authentication: clients no rule matches must still authenticate.
      const chain = levelsOf(l);
      const authenticated = ["auth_basic", "auth_request", "auth_jwt"].some((name) => {
        const d = effective(chain, name);
        return d !== undefined && d.args[0] !== "off";
      });
      if (effective(chain, "satisfy")?.args[0] === "any" && authenticated) return [];
      if (denyAll === -1) {
        return [finding(l, `allow without a following "deny all": clients that match no rule are allowed, so this block is open to everyone`, `add "deny all;" after the last allow line`, allows[0])];
      }
      return [finding(l, `"deny all" (line ${rules[denyAll]!.line}) comes before allow lines; nginx applies the first rule that matches, so those allow lines are never reached`, `move "deny all;" after the last allow line`, allows[0])];
    });
  },
};
