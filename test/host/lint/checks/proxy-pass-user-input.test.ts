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
});
