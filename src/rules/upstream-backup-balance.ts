import type { Rule } from "./rule.js";

export const upstreamBackupBalance: Rule = {
  id: "upstream-backup-balance",
  severity: "error",
  waivable: false,
  summary: "nginx rejects backup servers in pools balanced by ip_hash or random.",
  check(spec) {
    return Object.entries(spec.upstreams).flatMap(([name, upstream]) => {
      if (upstream.balance !== "ip_hash" && upstream.balance !== "random") return [];
      return upstream.servers.flatMap((server, i) =>
        server.backup
          ? [{ path: ["upstreams", name, "servers", i, "backup"], message: `backup servers are not allowed with balance '${upstream.balance}'`, fix: "use round_robin or least_conn, or drop backup" }]
          : [],
      );
    });
  },
};
