import { coversEveryone } from "../spec/values.js";
import type { Rule } from "./rule.js";

export const realIpTrustAll: Rule = {
  id: "real-ip-trust-all",
  severity: "error",
  summary: "Trusting the real-IP header from every address lets any client pick its own address, and so dodge rate limits and ACLs.",
  check(spec) {
    if (!spec.realIp.enabled) return [];
    return spec.realIp.from.flatMap((cidr, i) =>
      coversEveryone(cidr) ? [{ path: ["realIp", "from", i], message: `${cidr} trusts ${spec.realIp.header} from any client, which can then spoof its address`, fix: "list only your load balancers' addresses" }] : [],
    );
  },
};
