import { feature, hasFeature } from "../nginx-features/index.js";
import { isDnsName } from "../spec/resolve.js";
import type { Rule } from "./rule.js";

// Measured with edgekit's default nginx release and Docker's DNS (the README's Scaling out): two servers users-1 and
// users-2 followed by name, users-2's container stopped, 100 sequential GETs: 1 got 502 in each of
// 4 runs; the same pool resolved at start: 0 in 4 runs. A stopped container's name gets NXDOMAIN,
// nginx removes its address from the pool, and a request whose try at that address was still
// failing (an unreachable address takes ~3 s) gets no further try: with one address left the pool
// is `single` and free_round_robin_peer sets tries to 0, with more the next get sees the changed
// pool generation (rrp->config != *peers->config) and answers "no live upstreams" (nginx/nginx#1656).
export const upstreamResolveFixedNames: Rule = {
  id: "upstream-resolve-fixed-names",
  severity: "warning",
  summary: `An upstream of several servers given by different names, each followed by DNS (\`resolve\`, nginx ${feature("upstream-resolve").since} and later): when one of their containers stops, its name leaves Docker's DNS and nginx removes its address while requests are still trying it, and those requests get a 502 or 504 without trying the other servers; servers resolved at start (resolve off) fail over instead.`,
  check(spec) {
    if (!hasFeature(spec.nginx.version, "upstream-resolve")) return [];
    return Object.entries(spec.upstreams).flatMap(([name, upstream]) => {
      if (!upstream.resolve.enabled) return [];
      const seen = new Map<string, number>();
      upstream.servers.forEach((s, i) => {
        if (isDnsName(s.host) && !seen.has(s.host.toLowerCase())) seen.set(s.host.toLowerCase(), i);
      });
      if (seen.size < 2) return [];
      const at = [...seen.values()];
      const [first, second] = at.map((i) => upstream.servers[i]!.host);
      return [
        {
          path: ["upstreams", name, "servers", at[1]!, "host"],
          message: `nginx follows '${first}', '${second}'${seen.size > 2 ? ` and ${seen.size - 2} more` : ""} by DNS: when one of these containers stops, Docker's DNS answers NXDOMAIN for its name and nginx drops its address from the pool while requests are still trying it; nginx gives those requests no further try (502 or 504 without the other servers; 1 of 100 GETs lost in every measured run)`,
          fix: `if these are fixed servers, set upstreams.${name}.resolve.enabled: false: nginx resolves them at start, and a request that meets a stopped one goes on to the next (0 of 100 lost); a server re-created at a new address then needs a reload (docker compose kill -s HUP nginx), or a fixed address (ipv4_address in compose)`,
        },
      ];
    });
  },
};
