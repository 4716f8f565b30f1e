import { compareVersions } from "../spec/values.js";
import type { Rule } from "./rule.js";

export const nginxVersionSupported: Rule = {
  id: "nginx-version-supported",
  severity: "error",
  waivable: false,
  summary: "edgekit renders for nginx 1.22.0 and later (keepalive_time, keepalive_requests for HTTP/2, upstream keepalive_timeout).",
  check(spec) {
    if (compareVersions(spec.nginx.version, "1.22.0") >= 0) return [];
    return [{ path: ["nginx", "version"], message: `nginx ${spec.nginx.version} is older than 1.22.0, the oldest version edgekit renders for`, fix: "upgrade nginx (Debian 12 ships 1.22.1)" }];
  },
};
