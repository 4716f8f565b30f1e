import type { Rule } from "./rule.js";

export const workerRlimitNofile: Rule = {
  id: "worker-rlimit-nofile",
  severity: "error",
  summary: "Each proxied connection holds two descriptors (client and upstream), so worker_rlimit_nofile must be at least twice worker_connections.",
  check(spec) {
    const { workerRlimitNofile: limit, workerConnections: conns } = spec.nginx;
    return limit !== "auto" && limit < conns * 2
      ? [{ path: ["nginx", "workerRlimitNofile"], message: `worker_rlimit_nofile ${limit} is below twice worker_connections (${conns * 2}); workers run out of descriptors under load`, fix: `set it to ${conns * 2} or more, or to "auto"` }]
      : [];
  },
};
