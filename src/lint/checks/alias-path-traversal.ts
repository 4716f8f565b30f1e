import { finding, type LintCheck } from "../check.js";
import { httpDirectives, locationMatch, own, type Located } from "../../nginx-syntax/tree.js";
import { canMatchDots, groupBody, groupStarts } from "../variables.js";

export const aliasPathTraversal: LintCheck = {
  id: "alias-path-traversal",
  severity: "error",
  summary: "A prefix location and its alias must both end in \"/\" or neither: /static../ otherwise escapes the directory.",
  check(tree) {
    return httpDirectives(tree, "location").flatMap((l) => {
      const { modifier, path } = locationMatch(l.directive);
      if (modifier === "~" || modifier === "~*") return regexAlias(l, path);
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
        if (!path.endsWith("/") && !target.endsWith("/")) {
          return [
            finding(
              l,
              `location ${path} and alias ${target} both lack a trailing "/": ${path}-old/x maps to ${target}-old/x and ${path}.bak to ${target}.bak, so every sibling of ${target} whose name starts the same way is served`,
              `end both with "/": location ${path}/ { alias ${target}/; }`,
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

/**
 * A regex location's alias that puts a capture right after a "/" while the capture itself doesn't
 * start after a "/" in the pattern: `location ~ ^/i(.*)$ { alias /data/img/$1; }` maps /i../etc to
 * /data/img/../etc (nginx normalises "/i/../" in the URI, but "i.." is no dot segment).
 */
function regexAlias(l: Located, pattern: string) {
  const starts = groupStarts(pattern);
  return own(l.directive, "alias").flatMap((alias) => {
    const target = alias.args[0] ?? "";
    const risky = [...target.matchAll(/\/\$([1-9])/g)].map((m) => Number(m[1])).filter((n) => {
      const start = starts[n - 1];
      return start !== undefined && pattern[start - 1] !== "/" && canMatchDots(groupBody(pattern, start));
    });
    if (risky.length === 0) return [];
    const n = risky[0]!;
    return [
      finding(
        l,
        `alias ${target} puts $${n} after a "/", but the location's group ${n} doesn't start after one: a request whose capture begins with "../" (e.g. ${pattern.replace(/^\^/, "").split("(")[0]}../etc/passwd) climbs out of the directory (path traversal)`,
        `put the "/" in the pattern before the group (location ~ ^/prefix/(.*)$) so the capture can't start with "..", or drop the "/" before $${n} in the alias`,
        alias,
      ),
    ];
  });
}

