import { finding, type LintCheck } from "../check.js";
import { walk } from "../../nginx-syntax/tree.js";
import { isPublicAddress } from "../../spec/public-address.js";

export const resolverPublic: LintCheck = {
  id: "resolver-public",
  severity: "warning",
  summary: "A resolver across the internet (a public DNS server) answers nginx over plain UDP: spoofed answers redirect OCSP, upstream and proxy_pass lookups.",
  check(tree) {
    return walk(tree)
      .filter((l) => l.directive.name === "resolver")
      .flatMap((l) => {
        // Addresses (optionally with :port, IPv6 in brackets); valid=, ipv6= and status_zone= are options.
        const servers = l.directive.args.filter((a) => !a.includes("=")).map((a) => (a.startsWith("[") ? a.slice(1, a.indexOf("]")) : a.replace(/:\d+$/, "")));
        const publicOnes = servers.filter(isPublicAddress);
        if (publicOnes.length === 0) return [];
        return [
          finding(
            l,
            `resolver ${publicOnes.join(" ")}: a public DNS server, asked over plain UDP from one socket; a spoofed answer that arrives first is believed, and sends nginx's lookups (OCSP responder, resolved upstreams, proxy_pass with variables) to the spoofer's host`,
            "use a resolver on this host or network (127.0.0.11 in Docker, the cluster DNS in Kubernetes, or a local caching resolver such as unbound)",
          ),
        ];
      });
  },
};
