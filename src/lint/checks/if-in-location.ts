import { finding, type LintCheck } from "../check.js";
import type { Directive } from "../../nginx-syntax/parse.js";
import { walk } from "../../nginx-syntax/tree.js";

/** Safe inside `if` in a location: directives that end processing or only set a variable. */
function safe(d: Directive): boolean {
  if (d.name === "return" || d.name === "set" || d.name === "break") return true;
  return d.name === "rewrite" && ["last", "break", "redirect", "permanent"].includes(d.args[2] ?? "");
}

export const ifInLocation: LintCheck = {
  id: "if-in-location",
  severity: "warning",
  summary: "Inside `if` in a location only return, rewrite ... last|break, set and break behave predictably (\"if is evil\").",
  check(tree) {
    return walk(tree).flatMap((l) => {
      if (l.directive.name !== "if" || l.ancestors.at(-1)?.name !== "location") return [];
      return (l.directive.block ?? [])
        .filter((d) => !safe(d))
        .map((d) =>
          finding(
            l,
            d.name === "rewrite"
              ? `rewrite without last or break inside "if" in a location: processing goes on in the if's own implicit location, with surprising results`
              : `${d.name} inside "if" in a location: nginx runs the if as its own implicit location, so ${d.name} there can be ignored, apply to the wrong request, or crash workers ("if is evil")`,
            "compute a variable with map {} and use it outside the if, or keep only return / rewrite ... last / set inside the if",
            d,
          ),
        );
    });
  },
};
