// One row per version-gated nginx directive or behaviour: the first version that has it, what it
// means for edgekit, and the line of nginx's CHANGES file (https://nginx.org/en/CHANGES) it is from.
import type { NginxFeature } from "./index.js";

export const NGINX_FEATURE_ROWS = {
  "supported-floor": {
    since: "1.22.0",
    summary:
      "The oldest nginx edgekit renders for: the first stable branch with keepalive_time (1.19.10), keepalive_requests for HTTP/2 (1.19.7) and the upstream keepalive_timeout/keepalive_requests (1.15.3) that edgekit's keep-alive tuning uses.",
    changelog: "Changes with nginx 1.22.0 (24 May 2022): *) 1.22.x stable branch.",
  },
  "ssl-reject-handshake": {
    since: "1.19.4",
    summary: "`ssl_reject_handshake on;`: an https server that rejects the TLS handshake, so a default server refuses names no site lists without a certificate of its own (older than every supported version).",
    changelog: 'Changes with nginx 1.19.4 (27 Oct 2020): *) Feature: the "ssl_reject_handshake" directive.',
  },
  http3: {
    since: "1.25.0",
    summary: "HTTP/3 over QUIC: `listen ... quic` and `http3 on;`.",
    changelog: "Changes with nginx 1.25.0 (23 May 2023): *) Feature: experimental HTTP/3 support.",
  },
  "http2-directive": {
    since: "1.25.1",
    summary: "`http2 on;` in the server block; older versions take `listen ... ssl http2` (deprecated from this version on).",
    changelog:
      'Changes with nginx 1.25.1 (13 Jun 2023): *) Feature: the "http2" directive, which enables HTTP/2 on a per-server basis; the "http2" parameter of the "listen" directive is now deprecated.',
  },
  "tls-legacy-off-by-default": {
    since: "1.27.3",
    summary: "TLSv1 and TLSv1.1 are off unless ssl_protocols names them (edgekit always writes ssl_protocols).",
    changelog: "Changes with nginx 1.27.3 (26 Nov 2024): *) Change: now TLSv1 and TLSv1.1 protocols are disabled by default.",
  },
  "upstream-resolve": {
    since: "1.27.3",
    summary: "Upstream servers given by name are re-resolved while nginx runs (`server name resolve;` with a `resolver` in the upstream block).",
    changelog:
      'Changes with nginx 1.27.3 (26 Nov 2024): *) Feature: the "server" directive in the "upstream" block supports the "resolve" parameter. *) Feature: the "resolver" and "resolver_timeout" directives in the "upstream" block.',
  },
  "keepalive-min-timeout": {
    since: "1.27.4",
    summary: "keepalive_min_timeout: a kept-alive client connection is not closed for reuse before this time.",
    changelog: 'Changes with nginx 1.27.4 (05 Feb 2025): *) Feature: the "keepalive_min_timeout" directive.',
  },
  "ssl-certificate-cache": {
    since: "1.27.4",
    summary: "ssl_certificate_cache: certificates loaded through variables are cached.",
    changelog:
      'Changes with nginx 1.27.4 (05 Feb 2025): *) Feature: the "ssl_object_cache_inheritable", "ssl_certificate_cache", "proxy_ssl_certificate_cache", "grpc_ssl_certificate_cache", and "uwsgi_ssl_certificate_cache" directives.',
  },
  "early-hints": {
    since: "1.29.0",
    summary: "103 Early Hints from the backend passed to clients (`early_hints`).",
    changelog: 'Changes with nginx 1.29.0 (24 Jun 2025): *) Feature: support for response code 103 from proxy and gRPC backends; the "early_hints" directive.',
  },
  "add-header-inherit": {
    since: "1.29.3",
    summary: "`add_header_inherit merge;` keeps outer add_header lines in blocks that add their own; older versions need the headers repeated in every block.",
    changelog: 'Changes with nginx 1.29.3 (28 Oct 2025): *) Feature: the "add_header_inherit" and "add_trailer_inherit" directives.',
  },
  "proxy-http2": {
    since: "1.29.4",
    summary: "HTTP/2 to upstreams (`proxy_http_version 2`).",
    changelog: "Changes with nginx 1.29.4 (09 Dec 2025): *) Feature: the ngx_http_proxy_module supports HTTP/2.",
  },
  sticky: {
    since: "1.29.6",
    summary: "Session affinity in open-source nginx: `sticky` in the upstream block, `route` and `drain` server parameters.",
    changelog:
      'Changes with nginx 1.29.6 (10 Mar 2026): *) Feature: session affinity support; the "sticky" directive in the "upstream" block of the "http" module; the "server" directive supports the "route" and "drain" parameters.',
  },
  "upstream-keepalive-default": {
    since: "1.29.7",
    summary:
      "Upstream keep-alive is on by default (as `keepalive 32 local;`) and proxy_http_version defaults to 1.1: a pool is turned off only by `keepalive 0;`, no longer by leaving the directive out.",
    changelog:
      'Changes with nginx 1.29.7 (24 Mar 2026): *) Change: now the "keepalive" directive in the "upstream" block is enabled by default. *) Change: now ngx_http_proxy_module supports keepalive by default; the default value for "proxy_http_version" is "1.1"; the "Connection" proxy header is not sent by default anymore.',
  },
} as const satisfies Record<string, NginxFeature>;
