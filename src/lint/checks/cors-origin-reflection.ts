import { finding, type LintCheck } from "../check.js";
import { httpDirectives, usesVariable } from "../../nginx-syntax/tree.js";
import type { Directive } from "../../nginx-syntax/parse.js";

export const corsOriginReflection: LintCheck = {
  id: "cors-origin-reflection",
  severity: "error",
  summary: "Access-Control-Allow-Origin must not echo $http_origin unchecked: that lets every website read the responses.",
  check(tree) {
    return httpDirectives(tree, "add_header").flatMap((l) => {
      const [name, value] = l.directive.args;
      if (name?.toLowerCase() !== "access-control-allow-origin" || !usesVariable(value ?? "", "http_origin")) return [];
      if (l.ancestors.some(checksOrigin)) return [];
      return [
        finding(
          l,
          "Access-Control-Allow-Origin echoes $http_origin unchecked: any website can read these responses from a visitor's browser (with their cookies when credentials are allowed)",
          'map $http_origin to an allow-list (map $http_origin $cors_origin { default ""; "https://app.example.com" $http_origin; }) and send $cors_origin',
        ),
      ];
    });
  },
};

/**
 * An `if` that lets only listed origins through: `$http_origin = "https://app.example.com"`, or a
 * regex anchored at both ends whose dots are escaped and with no open-ended part (.* or .+), e.g.
 * `~ ^https://(app|admin)\.example\.com$`. `if ($http_origin)`, `!= ""` or `~ example.com` check
 * nothing: evil-example.com and example.com.evil.net pass them.
 */
export function checksOrigin(block: Directive): boolean {
  if (block.name !== "if") return false;
  const args = block.args.map((a, i) => (i === 0 ? a.replace(/^\(/, "") : i === block.args.length - 1 ? a.replace(/\)$/, "") : a));
  const [variable, operator, value] = args;
  if (!/^\$(http_origin|\{http_origin\})$/.test(variable ?? "") || value === undefined) return false;
  if (operator === "=") return value !== "" && !value.includes("$");
  if (operator !== "~" && operator !== "~*") return false;
  const pattern = value.replace(/^"(.*)"$/, "$1");
  // An unescaped dot outside [...] matches any character (.* and .+ included).
  const wildcard = /(^|[^\\])\./.test(pattern.replace(/\[[^\]]*\]/g, ""));
  return pattern.startsWith("^") && pattern.endsWith("$") && !wildcard;
}
