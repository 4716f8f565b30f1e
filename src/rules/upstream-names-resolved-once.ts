import { feature, hasFeature } from "../nginx-features/index.js";
import { isDnsName } from "../spec/resolve.js";
import type { Rule } from "./rule.js";

// Per-request resolution (proxy_pass with a variable and an http-level resolver) would follow names
// on old nginx too, but it bypasses the upstream block: no keep-alive pool, no max_fails, no
// balancing over the replicas' addresses. So on old nginx edgekit renders names resolved once and says so.
export const upstreamNamesResolvedOnce: Rule = {
  id: "upstream-names-resolved-once",
  severity: "warning",
  summary: `nginx older than ${feature("upstream-resolve").since} resolves an upstream server's name once, when it starts or reloads: replicas added later (docker compose up --scale) get no traffic and a replica replaced at a new address is still tried at its old one, until nginx reloads; from ${feature("upstream-resolve").since} edgekit renders \`resolve\`, and nginx follows the name while it runs.`,
  check(spec) {
    if (hasFeature(spec.nginx.version, "upstream-resolve")) return [];
    return Object.entries(spec.upstreams).flatMap(([name, upstream]) => {
      if (!upstream.resolve.enabled) return [];
      const i = upstream.servers.findIndex((s) => isDnsName(s.host));
      if (i < 0) return [];
      const host = upstream.servers[i]!.host;
      return [
        {
          path: ["upstreams", name, "servers", i, "host"],
          message: `nginx ${spec.nginx.version} resolves '${host}' once, at start: replicas added later (docker compose up --scale) get no traffic, and one replaced at a new address is tried at its old one (a request there fails over to another replica, or gets 502 when none is left) until nginx reloads`,
          fix: `set nginx.version to ${feature("upstream-resolve").since} or later (edgekit then renders resolve, and nginx follows the name within resolve.valid), or reload nginx after every scale or replacement (docker compose kill -s HUP nginx: the master is the container's first process) and set upstreams.${name}.resolve.enabled: false to say so`,
        },
      ];
    });
  },
};
