import { finding, type LintCheck } from "../check.js";
import { httpDirectives } from "../../nginx-syntax/tree.js";

export const xAccelRequestHeader: LintCheck = {
  id: "x-accel-request-header",
  severity: "warning",
  summary: "X-Accel-* are response headers nginx reads from the upstream; sending one upstream with proxy_set_header does nothing.",
  check(tree) {
    return httpDirectives(tree, "proxy_set_header", "grpc_set_header").flatMap((l) => {
      const name = l.directive.args[0] ?? "";
      if (!name.toLowerCase().startsWith("x-accel-")) return [];
      const buffering = name.toLowerCase() === "x-accel-buffering";
      return [
        finding(
          l,
          `${l.directive.name} ${name} sends it to the upstream, which ignores it; nginx only acts on ${name} when the upstream sends it in a response`,
          buffering ? "use proxy_buffering off; in this location (or have the upstream send X-Accel-Buffering: no)" : "remove it, or have the upstream send it in its response",
        ),
      ];
    });
  },
};
