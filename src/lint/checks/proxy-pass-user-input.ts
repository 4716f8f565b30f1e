import { finding, type LintCheck } from "../check.js";
import { httpDirectives, variablesIn } from "../../nginx-syntax/tree.js";
import { decodedUriCaptures, decodedUriVariables, expandSets, isInternal, isUserInput, setValues, splitProxyUrl } from "../variables.js";

export const proxyPassUserInput: LintCheck = {
  id: "proxy-pass-user-input",
  severity: "error",
  summary: "proxy_pass must not take its scheme or host from the request (SSRF) or its URI from the decoded $uri or URI captures (request splitting), nor the upstream Host header from request input.",
  check(tree) {
    const hosts = httpDirectives(tree, "proxy_set_header", "grpc_set_header").flatMap((l) => {
      const [name, value] = l.directive.args;
      if (name?.toLowerCase() !== "host" || value === undefined) return [];
      // $host is nginx's normalised name; $http_host is http-host-variable's finding.
      const picked = [...new Set(variablesIn(expandSets(value, setValues(l))).filter((v) => isUserInput(v) && v !== "host" && v !== "http_host"))];
      if (picked.length === 0) return [];
      return [
        finding(
          l,
          `${l.directive.name} Host ${value} sends upstream a Host the client picks (${picked.map((v) => `$${v}`).join(", ")}): the backend's virtual hosts, absolute links and password-reset URLs follow it`,
          "send $host (normalised, one of server_name when the client sends none) or a fixed name",
        ),
      ];
    });
    return [...hosts, ...httpDirectives(tree, "proxy_pass", "grpc_pass").flatMap((l) => {
      const raw = l.directive.args[0];
      if (raw === undefined || !raw.includes("$")) return [];
      const url = expandSets(raw, setValues(l));
      const via = url === raw ? "" : ` (via set: ${url})`;
      const { scheme, host, uri } = splitProxyUrl(url);
      const out = [];
      // In an internal location the URI (and so captures of it) is nginx's own; headers stay the client's.
      const internal = isInternal(l.ancestors);
      const captures = decodedUriCaptures(l, true);
      const clientInput = (v: string) => (isUserInput(v) || captures.has(v)) && !(internal && !/^(http|cookie)_/.test(v));
      const fromRequest = [...new Set(variablesIn(`${scheme}${host}`).filter(clientInput))];
      if (fromRequest.length > 0) {
        out.push(
          finding(
            l,
            `${l.directive.name} ${raw}${via} picks the server from request input (${fromRequest.map((v) => `$${v}`).join(", ")}): a client can make nginx connect to any host, internal ones included (SSRF)`,
            "proxy to a fixed upstream; if the target must vary, map the input to a fixed list of upstreams (map ... { default safe_upstream; ... }) and proxy_pass to the map's variable",
          ),
        );
      }
      const decoded = decodedUriVariables(uri, l);
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
    })];
  },
};
