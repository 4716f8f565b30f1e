import type { Rule } from "./rule.js";

export const clientKeepaliveRequests: Rule = {
  id: "client-keepalive-requests",
  severity: "warning",
  summary: "A low keepalive_requests makes nginx send GOAWAY to busy HTTP/2 clients every N requests (nginx's own 1000 failed half of a 20,000-request h2 run here).",
  check(spec) {
    const n = spec.client.keepalive.requests;
    return n < 10_000
      ? [{ path: ["client", "keepalive", "requests"], message: `keepalive_requests ${n} closes a busy HTTP/2 connection after ${n} requests`, fix: "use 10000 or more (the default is 100000)" }]
      : [];
  },
};
