import { finding, type LintCheck } from "../check.js";
import { httpDirectives, locationMatch, own } from "../../nginx-syntax/tree.js";

export const aliasPathTraversal: LintCheck = {
  id: "alias-path-traversal",
  severity: "error",
  summary: "A prefix location and its alias must both end in \"/\" or neither: /static../ otherwise escapes the directory.",
  check(tree) {
    return httpDirectives(tree, "location").flatMap((l) => {
      const { modifier, path } = locationMatch(l.directive);
      if ((modifier !== "" && modifier !== "^~") || path.startsWith("@")) return [];
      return own(l.directive, "alias").flatMap((alias) => {
        const target = alias.args[0] ?? "";
        if (target.includes("$")) return [];
        if (!path.endsWith("/") && target.endsWith("/")) {
          return [
            finding(
              l,
              `location ${path} (no trailing "/") maps to alias ${target} (with one): a request for ${path}../ becomes ${target}../ and reads the directory above (path traversal)`,
              `end both with "/": location ${path}/ { alias ${target}; }`,
              alias,
            ),
          ];
        }
        if (path.endsWith("/") && !target.endsWith("/")) {
          return [
            finding(
              l,
              `location ${path} ends with "/" but alias ${target} does not: ${path}x maps to ${target}x, so sibling paths that start with the same name (${target}-old/, ${target}.bak) are served`,
              `end both with "/": alias ${target}/;`,
              alias,
            ),
          ];
        }
        return [];
      });
    });
  },
};
