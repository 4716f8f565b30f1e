import { describe, expect, it } from "vitest";
import { httpHostVariable } from "../../../../src/lint/checks/http-host-variable.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("http-host-variable", () => {
  it("warns on proxy_set_header Host $http_host, redirects and cache keys built from it", () => {
    const findings = run(
      httpHostVariable,
      "server {\n  proxy_set_header Host $http_host;\n  return 301 https://${http_host}$request_uri;\n  proxy_cache_key $scheme$http_host$request_uri;\n}",
    );
    expect(where(findings)).toEqual(["2:3 server", "3:3 server", "4:3 server"]);
    expect(findings[0]!.message).toContain("proxy_set_header uses $http_host");
    expect(findings[0]!.fix).toContain("use $host");
  });

  it("is quiet for $host and for other variables that merely start with http_host", () => {
    expect(run(httpHostVariable, "server { proxy_set_header Host $host; return 301 https://$host$request_uri; add_header X $http_hostname; }")).toEqual([]);
  });

  it("does not mind $http_host in a log format", () => {
    expect(run(httpHostVariable, "http { log_format main '$http_host $request'; }")).toEqual([]);
  });
});

describe("http-host-variable: forwarding headers", () => {
  it("only the Host header itself counts for proxy_set_header (X-Forwarded-Host keeps the raw value on purpose)", () => {
    expect(run(httpHostVariable, "location / { proxy_set_header X-Forwarded-Host $http_host; proxy_set_header host $http_host; }")).toHaveLength(1);
  });
});
