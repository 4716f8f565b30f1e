import type { Rule, RuleFinding } from "./rule.js";

export const trustedProxiesNeeded: Rule = {
  id: "trusted-proxies-needed",
  severity: "error",
  summary: "Believing a load balancer's X-Forwarded-Proto or X-Request-ID needs its addresses in realIp.from; without them nothing is believed, so HSTS never goes out and ids are never kept.",
  check(spec) {
    if (spec.realIp.enabled && spec.realIp.from.length > 0) return [];
    const fix = "enable realIp and list the load balancer's addresses in realIp.from";
    const findings: RuleFinding[] = [];
    if (spec.tls.terminatedBy === "loadBalancer") {
      findings.push({ path: ["tls", "terminatedBy"], message: "tls.terminatedBy is loadBalancer but no proxy is trusted, so its X-Forwarded-Proto is never believed: the backend is told http and HSTS is never sent", fix });
    }
    if (spec.requestId.keepIncoming === "trusted") {
      findings.push({ path: ["requestId", "keepIncoming"], message: "requestId.keepIncoming is trusted but no proxy is trusted, so every request gets a fresh id", fix });
    }
    return findings;
  },
};
