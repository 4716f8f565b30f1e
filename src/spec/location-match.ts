// How a route's path is matched: a prefix, the exact path, or an anchored regular expression. A
// regex route's path is a PCRE pattern that nginx compiles; the schema accepts only a subset that
// means the same in PCRE and JavaScript's RegExp (so this validator's compile is a real check):
// anchored at ^/, no capturing groups (nothing of the URI can reach a directive through $1), no
// lookbehind, and only the escapes both dialects read alike.
import { z } from "zod";
import { locationPath } from "./values.js";

export const ROUTE_MATCHES = ["prefix", "exact", "regex"] as const;
export type RouteMatch = (typeof ROUTE_MATCHES)[number];

export const routeMatch = () =>
  z
    .enum(ROUTE_MATCHES)
    .default("prefix")
    .describe(
      "prefix matches the path and everything under it (a path without a trailing slash also matches longer names: /api/upload matches /api/uploads, rule route-prefix-boundary); exact only the path itself; regex makes the path an anchored PCRE pattern (^/...), matched case-sensitively against the decoded, normalised URI. nginx tries exact paths first, then remembers the longest prefix, then tries regex routes in spec order and takes the first that matches: a regex route wins over any prefix route, so it can take requests away from a prefix route's access list or rate limit.",
    );

/** Escapes that mean the same in PCRE and in JavaScript's unicode-mode RegExp. */
const SAFE_ESCAPE = /^\\[dDwWsSbB.\/\-\\^$|?*+()[\]{}]/;
const MAX_PATTERN = 512;

/**
 * Why `pattern` is not a regex route path, or null when it is one: anchored at ^/, within the shared
 * subset of PCRE and JavaScript, without capturing groups, and compiling.
 */
export function regexPathProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN) return `at most ${MAX_PATTERN} characters`;
  if (!pattern.startsWith("^/")) return "an anchored pattern starting with ^/ (such as ^/api/v[0-9]+/users$)";
  if (/[\x00-\x20\x7f-\uffff"'`;#]/.test(pattern)) return "printable ASCII without spaces, quotes, ';' or '#'";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      if (!SAFE_ESCAPE.test(pattern.slice(i, i + 2))) return `the escape '${pattern.slice(i, i + 2)}' is not one of \\d \\D \\w \\W \\s \\S \\b \\B or an escaped punctuation character`;
      i++;
    } else if (c === "(") {
      const head = pattern.slice(i + 1, i + 3);
      if (head !== "?:" && head !== "?=" && head !== "?!") {
        return "no capturing groups: write (?:...) (a capture of the decoded URI is never handed on to the backend)";
      }
    } else if (c === "[" && pattern[i + 1] === "[" && /^\[[:.=]/.test(pattern.slice(i + 1))) {
      return "no POSIX classes ([[:alpha:]]): write the characters out";
    }
  }
  try {
    new RegExp(pattern, "u");
  } catch (error) {
    return `a valid regular expression (${(error as Error).message.replace(/^Invalid regular expression: /, "")})`;
  }
  return null;
}

/**
 * A route's path: a URL path (prefix and exact routes) or, starting with ^, a regex pattern (see
 * regexPathProblem). Which one a route needs is checked with its match, on the route.
 */
export const routePath = () =>
  z
    .string()
    .max(1024)
    .superRefine((v, ctx) => {
      if (v.startsWith("^")) {
        const problem = regexPathProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
        return;
      }
      const url = locationPath().safeParse(v);
      if (!url.success) for (const issue of url.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
    });
