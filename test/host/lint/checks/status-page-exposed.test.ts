import { describe, expect, it } from "vitest";
import { statusPageExposed } from "../../../../src/lint/checks/status-page-exposed.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("status-page-exposed", () => {
  it("flags stub_status and proxied /metrics without an ACL", () => {
    const text = `server {
  listen 80;
  location = /nginx_status { stub_status; }
  location /metrics { proxy_pass http://app; }
  location /status { allow 10.0.0.0/8; }
}`;
    const findings = run(statusPageExposed, text);
    expect(where(findings)).toEqual(["3:30 server > location = /nginx_status", "4:3 server > location /metrics"]);
    expect(findings[0]!.message).toContain("stub_status in location /nginx_status is reachable by anyone");
  });

  it("accepts an allow/deny list here or inherited, authentication, internal, or a loopback-only server", () => {
    const text = `server {
  location = /a { allow 10.0.0.0/8; deny all; stub_status; }
  location = /b { auth_basic "ops"; auth_basic_user_file /etc/nginx/htpasswd; stub_status; }
  location = /c { internal; stub_status; }
}
server { deny all; location /metrics { proxy_pass http://app; } }
server { listen 127.0.0.1:8080; location /nginx_status { stub_status; } }`;
    expect(run(statusPageExposed, text)).toEqual([]);
  });

  it("an allow/deny list that, read in order, still lets every address of a family in protects nothing", () => {
    const lists = ["allow 0.0.0.0/1; allow 128.0.0.0/1; deny all;", "allow all; deny all;", "allow ::/1; allow 8000::/1; deny all;", "allow 10.0.0.0/8; deny 0.0.0.0/0;"];
    for (const list of lists) {
      expect(run(statusPageExposed, `server { location = /nginx_status { ${list} stub_status; } }`), list).toHaveLength(1);
      expect(run(statusPageExposed, `server { ${list} location /metrics { proxy_pass http://app; } }`), list).toHaveLength(1);
    }
    expect(run(statusPageExposed, "server { location = /s { allow 0.0.0.0/1; allow 128.0.0.0/2; deny all; stub_status; } }")).toEqual([]);
  });

  it("ignores ordinary proxied locations", () => {
    expect(run(statusPageExposed, "server { location /api/ { proxy_pass http://app; } location /statistics { return 200; } }")).toEqual([]);
  });
});
