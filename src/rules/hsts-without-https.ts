import type { Rule } from "./rule.js";

export const hstsWithoutHttps: Rule = {
  id: "hsts-without-https",
  severity: "warning",
  summary: "HSTS is enabled but never sent: nginx serves plain HTTP and no load balancer is said to terminate TLS in front of it.",
  check(spec) {
    if (spec.tls.enabled || spec.tls.terminatedBy === "loadBalancer" || !spec.tls.hsts.enabled) return [];
    return [
      {
        path: ["tls", "hsts", "enabled"],
        message: "tls.enabled is false, so Strict-Transport-Security is never sent although tls.hsts is enabled",
        fix: "behind a TLS-terminating load balancer set tls.terminatedBy: loadBalancer (with realIp.from), so HSTS goes out on requests it received over https; otherwise set tls.hsts.enabled: false",
      },
    ];
  },
};
