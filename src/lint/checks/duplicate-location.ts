import { finding, type LintCheck } from "../check.js";
import type { Directive } from "../../nginx-syntax/parse.js";
import { locationMatch, walk } from "../../nginx-syntax/tree.js";

/** Locations nginx treats as the same: `/a` and `^~ /a` share the prefix tree; regexes compare as written. */
function key(location: Directive): string {
  const { modifier, path } = locationMatch(location);
  if (path.startsWith("@")) return path;
  if (modifier === "" || modifier === "^~") return `prefix ${path}`;
  return `${modifier} ${path}`;
}

export const duplicateLocation: LintCheck = {
  id: "duplicate-location",
  severity: "error",
  summary: "Two locations with the same match in one block: nginx rejects prefix duplicates, and a repeated regex never matches.",
  check(tree) {
    return walk(tree).flatMap((parent) => {
      if (!parent.directive.block || (parent.directive.name !== "server" && parent.directive.name !== "location")) return [];
      const seen = new Map<string, Directive>();
      const ancestors = [...parent.ancestors, parent.directive];
      return parent.directive.block.flatMap((d) => {
        if (d.name !== "location") return [];
        const k = key(d);
        const first = seen.get(k);
        if (!first) {
          seen.set(k, d);
          return [];
        }
        const regex = k.startsWith("~");
        return [
          finding(
            { directive: d, ancestors },
            regex
              ? `location ${d.args.join(" ")} repeats the regex at line ${first.line}; nginx tries regexes in order, so this one never matches`
              : `location ${d.args.join(" ")} is already defined at line ${first.line} (nginx -t fails with "duplicate location")`,
            "merge the two blocks into one",
          ),
        ];
      });
    });
  },
};
