import { finding, type LintCheck } from "../check.js";
import { httpDirectives, variablesIn } from "../../nginx-syntax/tree.js";

const SPOOFABLE = new Set(["http_x_forwarded_for", "proxy_add_x_forwarded_for", "http_x_real_ip", "http_forwarded", "http_true_client_ip", "http_x_client_ip", "http_cf_connecting_ip"]);

export const rateLimitSpoofableKey: LintCheck = {
  id: "rate-limit-spoofable-key",
  severity: "warning",
  summary: "limit_req_zone/limit_conn_zone keyed on X-Forwarded-For (or similar headers) is keyed on what each client chooses.",
  check(tree) {
    return httpDirectives(tree, "limit_req_zone", "limit_conn_zone").flatMap((l) => {
      const key = l.directive.args[0] ?? "";
      const spoofable = variablesIn(key).filter((v) => SPOOFABLE.has(v));
      if (spoofable.length === 0) return [];
      return [
        finding(
          l,
          `${l.directive.name} is keyed on ${spoofable.map((v) => `$${v}`).join(", ")}, which any client can set: a new value per request escapes the limit and fills the zone`,
          "key on $binary_remote_addr and let the realip module (set_real_ip_from <your proxies>; real_ip_header X-Forwarded-For;) take the address from trusted proxies only",
        ),
      ];
    });
  },
};
