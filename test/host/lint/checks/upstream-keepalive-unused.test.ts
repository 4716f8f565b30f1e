import { describe, expect, it } from "vitest";
import { upstreamKeepaliveUnused } from "../../../../src/lint/checks/upstream-keepalive-unused.js";
import { run, where } from "../../../support/run-lint-check.js";

const UPSTREAM = "upstream app { server 10.0.0.1:3000; keepalive 32; }";

function conf(server: string, http = ""): string {
  return `http {\n  ${UPSTREAM}\n  ${http}\n  server {\n${server}\n  }\n}`;
}

describe("upstream-keepalive-unused", () => {
  it("flags a location proxying to a keepalive upstream with HTTP/1.0 and no Connection header", () => {
    const findings = run(upstreamKeepaliveUnused, conf("    location / { proxy_pass http://app; }"));
    expect(where(findings)).toEqual(["5:18 http > server > location /", "5:18 http > server > location /"]);
    expect(findings[0]!.message).toBe(
      "upstream app keeps idle connections (keepalive 32, line 2), but requests from here use HTTP/1.0 (proxy_http_version), which closes the connection after each request",
    );
    expect(findings[1]!.message).toContain('nginx sends "Connection: close"');
  });

  it("counts http/server-level settings for locations that don't override them", () => {
    const inherited = conf("    location / { proxy_pass http://app/; }", 'proxy_http_version 1.1; proxy_set_header Connection "";');
    expect(run(upstreamKeepaliveUnused, inherited)).toEqual([]);
  });

  it("knows a location's own proxy_set_header hides the inherited Connection", () => {
    const hidden = conf("    location / { proxy_set_header Host $host; proxy_pass http://app; }", 'proxy_http_version 1.1; proxy_set_header Connection "";');
    const [f] = run(upstreamKeepaliveUnused, hidden);
    expect(f!.message).toContain("no proxy_set_header Connection applies here");
  });

  it("flags the classic upgrade map whose '' value is close", () => {
    const map = "map $http_upgrade $connection_upgrade { default upgrade; '' close; }";
    const findings = run(upstreamKeepaliveUnused, conf("    location /ws { proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; proxy_pass http://app; }", map));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('"map $http_upgrade $connection_upgrade" (line 3) gives "close" to every request that is not an upgrade');
  });

  it("accepts the keep-alive-friendly map and an empty Connection", () => {
    const map = `map $http_upgrade $connection_upgrade { default upgrade; '' ''; }`;
    const text = conf(
      '    location /ws { proxy_http_version 1.1; proxy_set_header Connection $connection_upgrade; proxy_pass http://app; }\n    location / { proxy_http_version 1.1; proxy_set_header Connection ""; proxy_pass http://app; }',
      map,
    );
    expect(run(upstreamKeepaliveUnused, text)).toEqual([]);
  });

  it("ignores upstreams without keepalive and proxy_pass to hosts that are not upstreams", () => {
    expect(run(upstreamKeepaliveUnused, "http { upstream plain { server a:1; } server { location / { proxy_pass http://plain; } location /x { proxy_pass http://app:8080; } } }")).toEqual([]);
  });

  it("checks fastcgi_keep_conn for FastCGI pools", () => {
    const text = "http { upstream php { server unix:/run/php.sock; keepalive 8; } server { location / { fastcgi_pass php; } location /b { fastcgi_keep_conn on; fastcgi_pass php; } } }";
    const findings = run(upstreamKeepaliveUnused, text);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain("fastcgi_keep_conn is not on");
  });
});

describe("upstream-keepalive-unused: how proxy_pass names the upstream", () => {
  it("recognises http://name$request_uri and a name assigned with set", () => {
    const text = conf("    set $pool app;\n    location /a { proxy_pass http://app$request_uri; }\n    location /b { proxy_pass https://$pool/x; }");
    expect(run(upstreamKeepaliveUnused, text)).toHaveLength(4);
  });
});
