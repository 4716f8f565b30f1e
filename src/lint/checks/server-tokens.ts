import { finding, type LintCheck } from "../check.js";
import { httpDirectives, own, walk } from "../../nginx-syntax/tree.js";

export const serverTokens: LintCheck = {
  id: "server-tokens",
  severity: "warning",
  summary: "server_tokens should be off at http level; nginx's default (on) announces its exact version in headers and error pages.",
  check(tree) {
    const fix = "set server_tokens off; in the http block";
    const explicit = httpDirectives(tree, "server_tokens")
      .filter((l) => l.directive.args[0] !== "off")
      .map((l) => finding(l, `server_tokens ${l.directive.args[0] ?? ""} announces the nginx version in the Server header and on error pages`, fix));
    const missing = walk(tree)
      .filter((l) => l.directive.name === "http" && l.directive.block && own(l.directive, "server_tokens").length === 0)
      .map((l) => finding(l, "no server_tokens off at http level: nginx's default (on) announces its version in the Server header and on error pages", fix));
    return [...explicit, ...missing];
  },
};
