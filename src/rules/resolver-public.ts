import { hasFeature } from "../nginx-features/index.js";
import { isPublicAddress } from "../spec/public-address.js";
import { isDnsName } from "../spec/resolve.js";
import type { Rule, RuleFinding } from "./rule.js";

export const resolverPublic: Rule = {
  id: "resolver-public",
  severity: "warning",
  summary:
    "nginx's resolver asks over plain UDP from one socket and trusts the first matching answer: a DNS server across the internet (1.1.1.1, 8.8.8.8) can be answered by a spoofer, who then picks the OCSP responder nginx talks to, or the servers of an upstream whose names nginx follows.",
  check(spec) {
    const upstreams: RuleFinding[] = Object.entries(spec.upstreams).flatMap(([name, upstream]) =>
      !hasFeature(spec.nginx.version, "upstream-resolve") || !upstream.resolve.enabled || !upstream.servers.some((s) => isDnsName(s.host))
        ? []
        : upstream.resolve.resolvers.flatMap((address, i) =>
            isPublicAddress(address)
              ? [
                  {
                    path: ["upstreams", name, "resolve", "resolvers", i],
                    message: `${address} is a public DNS server: nginx's queries to it cross the internet unauthenticated, so a spoofed answer can send upstream ${name}'s requests elsewhere`,
                    fix: "use a resolver on this host or network: 127.0.0.11 (Docker's embedded DNS, in compose and Swarm) or a local caching resolver",
                  },
                ]
              : [],
          ),
    );
    if (!spec.tls.enabled || !spec.tls.ocspStapling.enabled) return upstreams;
    return [...upstreams, ...spec.tls.ocspStapling.resolvers.flatMap((address, i) =>
      isPublicAddress(address)
        ? [
            {
              path: ["tls", "ocspStapling", "resolvers", i],
              message: `${address} is a public DNS server: nginx's queries to it cross the internet unauthenticated, so a spoofed answer can send the OCSP lookup elsewhere`,
              fix: "use a resolver on this host or network: 127.0.0.11 (Docker's embedded DNS, in compose and Swarm), the cluster DNS in Kubernetes, or a local caching resolver",
            },
          ]
        : [],
    )];
  },
};
