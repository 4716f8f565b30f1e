import { finding, type LintCheck } from "../check.js";
import { httpDirectives, usesVariable } from "../../nginx-syntax/tree.js";
import { isIfCondition } from "../variables.js";

export const corsOriginReflection: LintCheck = {
  id: "cors-origin-reflection",
  severity: "error",
  summary: "Access-Control-Allow-Origin must not echo $http_origin unchecked: that lets every website read the responses.",
  check(tree) {
    return httpDirectives(tree, "add_header").flatMap((l) => {
      const [name, value] = l.directive.args;
      if (name?.toLowerCase() !== "access-control-allow-origin" || !usesVariable(value ?? "", "http_origin")) return [];
      if (l.ancestors.some((a) => isIfCondition(a, "http_origin"))) return [];
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
