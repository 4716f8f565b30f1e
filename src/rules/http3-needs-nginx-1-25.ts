import { compareVersions } from "../spec/values.js";
import type { Rule } from "./rule.js";

export const http3NeedsNginx125: Rule = {
  id: "http3-needs-nginx-1-25",
  severity: "error",
  waivable: false,
  summary: "HTTP/3 (QUIC) exists in nginx 1.25.0 and later only, and needs TLS.",
  check(spec) {
    if (!spec.tls.http3) return [];
    if (!spec.tls.enabled) return [{ path: ["tls", "http3"], message: "HTTP/3 needs TLS, and tls.enabled is false", fix: "enable TLS or turn http3 off" }];
    if (compareVersions(spec.nginx.version, "1.25.0") >= 0) return [];
    return [{ path: ["tls", "http3"], message: `HTTP/3 needs nginx 1.25.0 or later; nginx.version is ${spec.nginx.version}`, fix: "set nginx.version to 1.25.0 or later, or turn tls.http3 off" }];
  },
};
