import type { Rule } from "./rule.js";

export const realIpTrustedProxies: Rule = {
  id: "real-ip-trusted-proxies",
  severity: "error",
  summary: "A real-IP header is believed only from listed proxies; with none listed it would change nothing, or (if everything were trusted) let any client spoof its address.",
  check(spec) {
    if (!spec.realIp.enabled || spec.realIp.from.length > 0) return [];
    return [{ path: ["realIp", "from"], message: "realIp is enabled but lists no trusted proxies", fix: "list the load balancer's addresses or CIDR blocks in realIp.from" }];
  },
};
