import { feature, hasFeature, sinceText } from "../nginx-features/index.js";
import type { Rule } from "./rule.js";

export const stickyNeedsNginx: Rule = {
  id: "sticky-needs-nginx",
  severity: "error",
  waivable: false,
  summary: `nginx's own session affinity (sticky cookie) exists in ${sinceText("sticky")} only: older nginx refuses the directive.`,
  check(spec) {
    if (hasFeature(spec.nginx.version, "sticky")) return [];
    return Object.entries(spec.upstreams)
      .filter(([, upstream]) => upstream.sticky !== null)
      .map(([name]) => ({
        path: ["upstreams", name, "sticky"],
        message: `sticky needs ${sinceText("sticky")}; nginx.version is ${spec.nginx.version}`,
        fix: `set nginx.version to ${feature("sticky").since} or later, or keep a client on one pool with a route split (by: cookie) instead`,
      }));
  },
};
