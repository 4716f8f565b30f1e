import { finding, type LintCheck } from "../check.js";
import { httpDirectives, variablesIn } from "../../nginx-syntax/tree.js";
import { expandSets, isDecodedUri, isUserInput, setValues, splitProxyUrl } from "../variables.js";

export const proxyPassUserInput: LintCheck = {
  id: "proxy-pass-user-input",
  severity: "error",
  summary: "proxy_pass must not take its host from the request (SSRF) or its URI from the decoded $uri (request splitting).",
  check(tree) {
    return httpDirectives(tree, "proxy_pass", "grpc_pass").flatMap((l) => {
      const raw = l.directive.args[0];
      if (raw === undefined || !raw.includes("$")) return [];
      const url = expandSets(raw, setValues(l));
      const via = url === raw ? "" : ` (via set: ${url})`;
      const { host, uri } = splitProxyUrl(url);
      const out = [];
      const fromRequest = [...new Set(variablesIn(host).filter(isUserInput))];
      if (fromRequest.length > 0) {
        out.push(
          finding(
            l,
            `${l.directive.name} ${raw}${via} picks the server from request input (${fromRequest.map((v) => `$${v}`).join(", ")}): a client can make nginx connect to any host, internal ones included (SSRF)`,
            "proxy to a fixed upstream; if the target must vary, map the input to a fixed list of upstreams (map ... { default safe_upstream; ... }) and proxy_pass to the map's variable",
          ),
        );
      }
      const decoded = [...new Set(variablesIn(uri).filter(isDecodedUri))];
      if (decoded.length > 0) {
        out.push(
          finding(
            l,
            `${l.directive.name} ${raw}${via} sends the decoded URI (${decoded.map((v) => `$${v}`).join(", ")}) upstream: %0D%0A in the path becomes a raw CRLF that splits the upstream request`,
            "use $request_uri (still percent-encoded), or give proxy_pass no URI part so nginx passes the request URI itself",
          ),
        );
      }
      return out;
    });
  },
};
