import { compareVersions, OLDEST_SUPPORTED_NGINX, TESTED_RELEASES } from "../nginx-features/index.js";
import type { Rule } from "./rule.js";

export const nginxVersionSupported: Rule = {
  id: "nginx-version-supported",
  severity: "error",
  waivable: false,
  summary: `edgekit renders for nginx ${OLDEST_SUPPORTED_NGINX} and later (keepalive_time, keepalive_requests for HTTP/2, upstream keepalive_timeout).`,
  check(spec) {
    if (compareVersions(spec.nginx.version, OLDEST_SUPPORTED_NGINX) >= 0) return [];
    return [{ path: ["nginx", "version"], message: `nginx ${spec.nginx.version} is older than ${OLDEST_SUPPORTED_NGINX}, the oldest version edgekit renders for`, fix: `upgrade nginx (${TESTED_RELEASES.map((r) => `${r.source} ships ${r.version}`).join(", ")})` }];
  },
};
