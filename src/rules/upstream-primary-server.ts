import type { Rule } from "./rule.js";

export const upstreamPrimaryServer: Rule = {
  id: "upstream-primary-server",
  severity: "error",
  waivable: false,
  summary: "An upstream needs at least one server that is not a backup (nginx refuses a pool of backups only).",
  check(spec) {
    return Object.entries(spec.upstreams).flatMap(([name, u]) =>
      u.servers.every((s) => s.backup)
        ? [{ path: ["upstreams", name, "servers"], message: `every server of upstream '${name}' is a backup`, fix: "make at least one server a primary (backup: false)" }]
        : [],
    );
  },
};
