import { describe, expect, it } from "vitest";
import { proxyCacheAuthorization } from "../../../../src/lint/checks/proxy-cache-authorization.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("proxy-cache-authorization", () => {
  it("flags a cached location whose proxy_no_cache does not cover Authorization", () => {
    const findings = run(proxyCacheAuthorization, "server {\n  location /api/ {\n    proxy_pass http://app;\n    proxy_cache api;\n  }\n}");
    expect(where(findings)).toEqual(["4:5 server > location /api/"]);
    expect(findings[0]!.message).toContain("proxy_cache api stores responses to requests that carry Authorization");
  });

  it("reports at proxy_pass, naming the line, when the cache is inherited from the server", () => {
    const findings = run(proxyCacheAuthorization, "server {\n  proxy_cache c;\n  location /a { proxy_pass http://app; }\n}");
    expect(where(findings)).toEqual(["3:17 server > location /a"]);
    expect(findings[0]!.message).toContain("proxy_cache c (line 2)");
  });

  it("proxy_cache_bypass alone is not enough: bypassed responses are still stored", () => {
    expect(run(proxyCacheAuthorization, "location / { proxy_pass http://app; proxy_cache c; proxy_cache_bypass $http_authorization; }")).toHaveLength(1);
  });

  it("accepts proxy_no_cache on $http_authorization directly, via a map (edgekit's way), via set in an if, or a per-user cache key", () => {
    const text = `http {
  map $http_authorization $skip_auth { default 1; "" 0; }
  map $skip_auth $skip_any { default 1; 0 0; }
  server {
    if ($http_authorization) { set $has_auth 1; }
    location /a { proxy_pass http://app; proxy_cache c; proxy_no_cache $http_authorization; }
    location /b { proxy_pass http://app; proxy_cache c; proxy_cache_bypass $skip_auth; proxy_no_cache $skip_auth $cookie_session; }
    location /c { proxy_pass http://app; proxy_cache c; proxy_no_cache $skip_any; }
    location /d { proxy_pass http://app; proxy_cache c; proxy_no_cache $has_auth; }
    location /e { proxy_pass http://app; proxy_cache c; proxy_cache_key $http_authorization$request_uri; }
    location /f { proxy_pass http://app; proxy_cache off; }
    location /g { proxy_pass http://app; }
  }
}`;
    expect(run(proxyCacheAuthorization, text)).toEqual([]);
  });

  it("a location's own proxy_no_cache replaces the server's", () => {
    expect(run(proxyCacheAuthorization, "server { proxy_no_cache $http_authorization; location / { proxy_pass http://app; proxy_cache c; proxy_no_cache $arg_nocache; } }")).toHaveLength(1);
  });
});
