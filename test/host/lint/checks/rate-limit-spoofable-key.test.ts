import { describe, expect, it } from "vitest";
import { rateLimitSpoofableKey } from "../../../../src/lint/checks/rate-limit-spoofable-key.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("rate-limit-spoofable-key", () => {
  it("warns on limit_req_zone / limit_conn_zone keyed on X-Forwarded-For", () => {
    const findings = run(rateLimitSpoofableKey, "http {\n  limit_req_zone $http_x_forwarded_for zone=a:10m rate=10r/s;\n  limit_conn_zone $binary_remote_addr$http_x_real_ip zone=b:10m;\n}");
    expect(where(findings)).toEqual(["2:3 http", "3:3 http"]);
    expect(findings[0]!.fix).toContain("$binary_remote_addr");
  });

  it("is quiet for the client address and other keys", () => {
    expect(run(rateLimitSpoofableKey, "http { limit_req_zone $binary_remote_addr zone=a:10m rate=1r/s; limit_req_zone $server_name zone=b:1m rate=2r/s; }")).toEqual([]);
  });
});
