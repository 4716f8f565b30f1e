import { finding, type LintCheck } from "../check.js";
import type { Directive } from "../../nginx-syntax/parse.js";
import { allowedBy, fullFamilies } from "../../spec/address-set.js";
import { accessRules } from "./allow-without-deny.js";
import { effective, httpDirectives, levelsOf, locationMatch, nearest, own } from "../../nginx-syntax/tree.js";

const STATUS_HANDLERS = ["stub_status", "vhost_traffic_status_display", "api"];
const STATUS_NAMES = new Set(["nginx_status", "status", "metrics", "server-status", "server_status", "basic_status", "stub_status", "nginx-status", "stats"]);
const PASSES = ["proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass"];

/** The last path segment a location matches, without regex anchors: `~ ^/metrics$` -> metrics. */
function lastSegment(path: string): string {
  return path.replace(/^[\^]/, "").replace(/[$]$/, "").replace(/\/+$/, "").split("/").at(-1)!.toLowerCase();
}

function loopbackOnly(server: Directive | undefined): boolean {
  const listens = server ? own(server, "listen") : [];
  return listens.length > 0 && listens.every((d) => /^(127\.|\[::1\]|localhost[:]|unix:)/.test(d.args[0] ?? ""));
}

export const statusPageExposed: LintCheck = {
  id: "status-page-exposed",
  severity: "error",
  summary: "Status and metrics pages (stub_status, /nginx_status, /metrics) need an allow/deny list or authentication.",
  check(tree) {
    return httpDirectives(tree, "location").flatMap((l) => {
      const handler = own(l.directive, ...STATUS_HANDLERS)[0];
      const page = lastSegment(locationMatch(l.directive).path);
      const proxied = STATUS_NAMES.has(page) && own(l.directive, ...PASSES).length > 0;
      if (!handler && !proxied) return [];
      const chain = levelsOf(l);
      const rules = nearest(chain, "allow", "deny")?.directives ?? [];
      // An allow/deny list protects the page only if, read in order as nginx does, it keeps some addresses out of each family.
      const acl = rules.length > 0 && fullFamilies(allowedBy(accessRules(rules))).length === 0;
      const auth = ["auth_basic", "auth_request", "auth_jwt"].some((name) => {
        const d = effective(chain, name);
        return d !== undefined && d.args[0] !== "off";
      });
      const server = l.ancestors.findLast((a) => a.name === "server");
      if (acl || auth || own(l.directive, "internal").length > 0 || loopbackOnly(server)) return [];
      const what = handler ? `${handler.name} in location ${locationMatch(l.directive).path}` : `the status page location ${locationMatch(l.directive).path}`;
      return [finding(l, `${what} is reachable by anyone: no allow/deny list that keeps any address family out, nor authentication, protects it (it reveals traffic and internals)`, "add allow lines for your monitoring network followed by deny all; (or listen on 127.0.0.1 only)", handler ?? l.directive)];
    });
  },
};
