import { finding, type LintCheck } from "../check.js";
import { httpDirectives, locationMatch, own, type Located } from "../../nginx-syntax/tree.js";

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

/** Start offsets of the capturing groups of a PCRE pattern, in group order (named groups count; (?:...) and lookarounds don't). */
function groupStarts(pattern: string): number[] {
  const out: number[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(" && (pattern[i + 1] !== "?" || /^\?(P?<[A-Za-z_]|')/.test(pattern.slice(i + 1)))) out.push(i);
  }
  return out;
}

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

/** The text of the group opening at `start`, up to its closing parenthesis. */
function groupBody(pattern: string, start: number): string {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return pattern.slice(start + 1, i);
  }
  return pattern.slice(start + 1);
}

/** Whether a group body can match "..": an unescaped ".", a negated class, \S, \W, or a class with a dot. */
function canMatchDots(body: string): boolean {
  return /(^|[^\\])\./.test(body.replace(/\[[^\]]*\]/g, "")) || /\[\^/.test(body) || /\\[SWD]/.test(body) || /\[[^\]]*\.[^\]]*\]/.test(body);
}
