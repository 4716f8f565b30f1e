import { finding, type LintCheck } from "../check.js";
import { httpDirectives, usesVariable } from "../../nginx-syntax/tree.js";

/** Where a raw Host header does harm, and why (for *_set_header: only as the Host header itself). */
const WHERE: Record<string, string> = {
  proxy_set_header: "forwards the client's raw Host header: empty when the client sends none, never checked against server_name",
  grpc_set_header: "forwards the client's raw Host header: empty when the client sends none, never checked against server_name",
  return: "builds a redirect from the client's raw Host header: whoever sends the request picks the host in Location",
  rewrite: "builds a redirect from the client's raw Host header: whoever sends the request picks the host in Location",
  add_header: "puts the client's raw Host header into a response header",
  proxy_redirect: "rewrites Location with the client's raw Host header",
  proxy_cache_key: "keys the cache on the client's raw Host header: variants with ports or odd case poison and fragment the cache",
  fastcgi_cache_key: "keys the cache on the client's raw Host header: variants with ports or odd case poison and fragment the cache",
};

export const httpHostVariable: LintCheck = {
  id: "http-host-variable",
  severity: "warning",
  summary: "$http_host is the raw client header; $host is normalised and falls back to server_name.",
  check(tree) {
    return httpDirectives(tree, ...Object.keys(WHERE)).flatMap((l) =>
      l.directive.args.some((a) => usesVariable(a, "http_host")) && (!l.directive.name.endsWith("_set_header") || l.directive.args[0]?.toLowerCase() === "host")
        ? [finding(l, `${l.directive.name} uses $http_host: it ${WHERE[l.directive.name]}`, "use $host (it is lower-cased, has no port, and is server_name when the client sends no Host); append :$server_port if the port matters")]
        : [],
    );
  },
};
