import { feature, hasFeature, sinceText } from "../nginx-features/index.js";
import type { Rule } from "./rule.js";

export const http3NeedsNginx125: Rule = {
  id: "http3-needs-nginx-1-25",
  severity: "error",
  waivable: false,
  summary: `HTTP/3 (QUIC) exists in ${sinceText("http3")} only, and needs TLS.`,
  check(spec) {
    if (!spec.tls.http3) return [];
    if (!spec.tls.enabled) return [{ path: ["tls", "http3"], message: "HTTP/3 needs TLS, and tls.enabled is false", fix: "enable TLS or turn http3 off" }];
    if (hasFeature(spec.nginx.version, "http3")) return [];
    return [{ path: ["tls", "http3"], message: `HTTP/3 needs ${sinceText("http3")}; nginx.version is ${spec.nginx.version}`, fix: `set nginx.version to ${feature("http3").since} or later, or turn tls.http3 off` }];
  },
};
