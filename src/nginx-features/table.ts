// One row per version-gated nginx directive or behaviour: the first version that has it, what it
// means for edgekit, and the line of nginx's CHANGES file (https://nginx.org/en/CHANGES) it is from.
import type { NginxFeature } from "./index.js";

export const NGINX_FEATURE_ROWS = {
  "supported-floor": {
    since: "1.22.0",
    summary: "The oldest nginx edgekit renders for: the 1.22 stable branch has keepalive_time, keepalive_requests for HTTP/2 and the upstream keepalive_timeout/keepalive_requests edgekit relies on.",
    changelog: "Changes with nginx 1.22.0 (24 May 2022): 1.22.x stable branch.",
  },
  "http2-directive": {
    since: "1.25.1",
    summary: "`http2 on;` in the server block; older versions take `listen ... ssl http2` (deprecated from this version on).",
    changelog: 'Changes with nginx 1.25.1 (13 Jun 2023): *) Feature: the "http2" directive, which enables HTTP/2 on a per-server basis; the "http2" parameter of the "listen" directive is now deprecated.',
  },
  http3: {
    since: "1.25.0",
    summary: "HTTP/3 over QUIC: `listen ... quic` and `http3 on;`.",
    changelog: "Changes with nginx 1.25.0 (23 May 2023): *) Feature: experimental HTTP/3 support.",
  },
} as const satisfies Record<string, NginxFeature>;
