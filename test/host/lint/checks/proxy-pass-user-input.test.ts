import { describe, expect, it } from "vitest";
import { proxyPassUserInput } from "../../../../src/lint/checks/proxy-pass-user-input.js";
import { run, where } from "../../../support/run-lint-check.js";

function messages(text: string): string[] {
  return run(proxyPassUserInput, text).map((f) => f.message);
}

describe("proxy-pass-user-input", () => {
  it("flags a host taken from arguments, headers, cookies or the URI (SSRF)", () => {
    const text = `server {
  location /a { proxy_pass http://$arg_target; }
  location /b { proxy_pass https://$http_x_backend:8443/x; }
  location /c { proxy_pass http://$cookie_node.internal; }
  location /d { proxy_pass http://$request_uri; }
  location /e { proxy_pass $scheme://$host$request_uri; }
  location ~ ^/f/(.+)$ { proxy_pass http://$1; }
}`;
    const findings = run(proxyPassUserInput, text);
    expect(where(findings)).toEqual(["2:17 server > location /a", "3:17 server > location /b", "4:17 server > location /c", "5:17 server > location /d", "6:17 server > location /e", "7:26 server > location ~ ^/f/(.+)$"]);
    expect(findings[0]!.message).toBe(
      "proxy_pass http://$arg_target picks the server from request input ($arg_target): a client can make nginx connect to any host, internal ones included (SSRF)",
    );
  });

  it("follows set: the variable's value is what proxy_pass sees", () => {
    expect(messages("server { set $target $arg_t; location / { proxy_pass http://$target; } }")[0]).toContain("(via set: http://$arg_t)");
  });

  it("flags the decoded $uri in the URI part (request splitting)", () => {
    const [message] = messages("server { location / { proxy_pass http://app$uri; } }");
    expect(message).toContain("sends the decoded URI ($uri) upstream");
  });

  it("is quiet for fixed upstreams, $request_uri in the URI part and config-only variables", () => {
    const text = `server {
  set $pool backend;
  location /a { proxy_pass http://app; }
  location /b { proxy_pass http://app$request_uri; }
  location /c { proxy_pass http://$pool; }
  location /d { proxy_pass http://app/v1/$arg_page; }
  location /e { proxy_pass http://$upstream_from_map; }
}`;
    expect(run(proxyPassUserInput, text)).toEqual([]);
  });

  it("flags URI captures in the URI part (numbered and named) and a scheme taken from a header", () => {
    const text = `server {
  location ~ ^/r/([^/]*)$ { proxy_pass http://app/$1; }
  location ~ ^/n/(?<rest>[^?]*)$ { proxy_pass http://app/v1/$rest; }
  location /w/ { rewrite ^/w/(\\W*)$ /$1 break; proxy_pass http://app/x/$1; }
  location /s/ { proxy_pass $http_x_forwarded_proto://app; }
}`;
    const findings = run(proxyPassUserInput, text);
    expect(where(findings)).toEqual(["2:29 server > location ~ ^/r/([^/]*)$", "3:36 server > location ~ ^/n/(?<rest>[^?]*)$", "4:48 server > location /w/", "5:18 server > location /s/"]);
    expect(findings[0]!.message).toContain("sends the decoded URI ($1) upstream");
    expect(findings[1]!.message).toContain("($rest)");
    expect(findings[3]!.message).toContain("picks the server from request input ($http_x_forwarded_proto)");
  });

  it("in an internal location the URI is nginx's own: captures and arguments are not flagged, request headers still are", () => {
    const text = `server {
  location ~ ^/protected/(?<host>[^/]+)/(.*)$ { internal; proxy_pass http://$host/$2; }
  location /internal-arg/ { internal; proxy_pass http://$arg_h; }
  location /internal-hdr/ { internal; proxy_pass http://$http_x_target; }
}`;
    expect(where(run(proxyPassUserInput, text))).toEqual(["4:39 server > location /internal-hdr/"]);
  });

  it("flags an upstream Host header taken from request input ($arg_*, $cookie_*, other headers), not $host", () => {
    const text = `server {
  location /a { proxy_set_header Host $arg_host; proxy_pass http://app; }
  location /b { proxy_set_header host $http_x_forwarded_host; proxy_pass http://app; }
  location /c { set $h $cookie_tenant; proxy_set_header Host $h.internal; proxy_pass http://app; }
  location /d { proxy_set_header Host $host; proxy_pass http://app; }
  location /e { proxy_set_header Host api.internal; proxy_pass http://app; }
  location /f { proxy_set_header X-Arg $arg_x; proxy_pass http://app; }
}`;
    const findings = run(proxyPassUserInput, text);
    expect(where(findings).map((w) => w.split(" > ")[1])).toEqual(["location /a", "location /b", "location /c"]);
    expect(findings[0]!.message).toContain("sends upstream a Host the client picks ($arg_host)");
  });

  it("a capture that can't hold a line feed splits nothing: \".\" (PCRE's dot stops at \\n) or a fixed alternative", () => {
    const text = `server {
  location ~* ^/test/(.*) { proxy_pass http://10.10.10.10/$1; }
  location ~ /proxy/(a|b)/(\\W*)$ { set $p $1; proxy_pass http://storage/$p; }
}`;
    expect(run(proxyPassUserInput, text)).toEqual([]);
  });

  it("named captures in the host are request input (SSRF), like $1", () => {
    const text = `server {
  location ~* ^/backend/(?<path>.*) { proxy_pass http://some$path; }
  location ~ /proxy/(?P<proxy>.*)$ { proxy_pass $proxy; }
}`;
    expect(where(run(proxyPassUserInput, text)).map((w) => w.split(" > ")[1])).toEqual(["location ~* ^/backend/(?<path>.*)", "location ~ /proxy/(?P<proxy>.*)$"]);
  });
});
