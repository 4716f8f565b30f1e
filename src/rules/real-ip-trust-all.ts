import { addressSetOf, fullFamilies } from "../spec/address-set.js";
import type { Rule } from "./rule.js";

export const realIpTrustAll: Rule = {
  id: "real-ip-trust-all",
  severity: "error",
  summary: "Trusting the real-IP header from every address lets any client pick its own address, and so dodge rate limits and ACLs.",
  check(spec) {
    if (!spec.realIp.enabled) return [];
    const from = spec.realIp.from;
    const fix = "list only your load balancers' addresses";
    const alone = from.flatMap((cidr, i) => {
      const families = fullFamilies(addressSetOf([cidr]));
      return families.length > 0 ? [{ path: ["realIp", "from", i], message: `${cidr} covers every ${families.join(" and every ")} address, so it trusts ${spec.realIp.header} from any client, which can then spoof its address`, fix }] : [];
    });
    if (alone.length > 0) return alone;
    const together = fullFamilies(addressSetOf(from));
    if (together.length === 0) return [];
    return [{ path: ["realIp", "from"], message: `together ${from.join(", ")} cover every ${together.join(" and every ")} address, so they trust ${spec.realIp.header} from any client, which can then spoof its address`, fix }];
  },
};
