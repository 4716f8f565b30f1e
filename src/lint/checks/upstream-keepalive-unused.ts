import { finding, type LintCheck, type LintFinding } from "../check.js";
import type { Directive } from "../../nginx-syntax/parse.js";
import { effective, httpDirectives, levels, maps, nearest, own, upstreams, variablesIn, type MapVariable } from "../../nginx-syntax/tree.js";
import { expandSets, setValues } from "../variables.js";

/** The upstream a `proxy_pass http://name/...` (or `http://name$request_uri`) names, if it names one. */
function upstreamName(url: string): string | undefined {
  return /^https?:\/\/([^/:$]+)(?:[/$].*)?$/.exec(url)?.[1];
}

/** Why the Connection header this request is proxied with closes the upstream connection, if it does. */
function connectionProblem(value: string | undefined, mapVars: ReadonlyMap<string, MapVariable>): string | undefined {
  if (value === undefined) return `no proxy_set_header Connection applies here, so nginx sends "Connection: close" and the upstream closes every connection`;
  const literal = value.trim().toLowerCase();
  if (literal === "" || literal === "keep-alive") return undefined;
  const vars = variablesIn(value);
  if (vars.length === 0) return literal === "close" ? `proxy_set_header Connection "${value}" asks the upstream to close every connection` : undefined;
  const closing = vars.map((v) => [v, mapVars.get(v)] as const).find(([, m]) => m?.values.some((x) => x.toLowerCase() === "close"));
  if (!closing) return undefined;
  const [name, map] = closing;
  return `Connection is $${name}, and "map ${map!.source} $${name}" (line ${map!.directive.line}) gives "close" to every request that is not an upgrade, which disables upstream keep-alive for them`;
}

export const upstreamKeepaliveUnused: LintCheck = {
  id: "upstream-keepalive-unused",
  severity: "warning",
  summary: "An upstream with keepalive reuses connections only for HTTP/1.1 requests sent with an empty Connection header.",
  check(tree) {
    const pools = new Map([...upstreams(tree)].filter(([, u]) => own(u, "keepalive").length > 0));
    if (pools.size === 0) return [];
    const mapVars = maps(tree);
    return httpDirectives(tree, "proxy_pass", "fastcgi_pass").flatMap((l) => {
      const url = expandSets(l.directive.args[0] ?? "", setValues(l));
      const target = l.directive.name === "fastcgi_pass" ? url : upstreamName(url);
      const upstream = target === undefined ? undefined : pools.get(target);
      if (!upstream) return [];
      const keepalive = own(upstream, "keepalive")[0]!;
      const about = `upstream ${target} keeps idle connections (keepalive ${keepalive.args[0]}, line ${keepalive.line}), but`;
      const chain = levels(l.ancestors);
      const out: LintFinding[] = [];
      if (l.directive.name === "fastcgi_pass") {
        if (effective(chain, "fastcgi_keep_conn")?.args[0] !== "on") out.push(finding(l, `${about} fastcgi_keep_conn is not on, so FastCGI connections are closed after each request`, "add fastcgi_keep_conn on;"));
        return out;
      }
      const version = effective(chain, "proxy_http_version")?.args[0] ?? "1.0";
      if (version !== "1.1") out.push(finding(l, `${about} requests from here use HTTP/${version} (proxy_http_version), which closes the connection after each request`, "add proxy_http_version 1.1; (here or at server/http level)"));
      const connection = (nearest(chain, "proxy_set_header")?.directives ?? []).filter((d: Directive) => d.args[0]?.toLowerCase() === "connection").at(-1);
      const problem = connectionProblem(connection ? (connection.args[1] ?? "") : undefined, mapVars);
      if (problem) out.push(finding(l, `${about} ${problem}`, `send an empty Connection header: proxy_set_header Connection ""; (for WebSocket, a map with default upgrade and '' "" instead of '' close)`));
      return out;
    });
  },
};
