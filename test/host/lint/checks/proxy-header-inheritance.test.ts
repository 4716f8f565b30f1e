import { describe, expect, it } from "vitest";
import { proxyHeaderInheritance } from "../../../../src/lint/checks/proxy-header-inheritance.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("proxy-header-inheritance", () => {
  it("warns when a location's proxy_set_header drops the server's", () => {
    const findings = run(
      proxyHeaderInheritance,
      "server {\n  proxy_set_header Host $host;\n  proxy_set_header X-Real-IP $remote_addr;\n  location /ws {\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_pass http://app;\n  }\n}",
    );
    expect(where(findings)).toEqual(["5:5 server > location /ws"]);
    expect(findings[0]!.message).toContain("no longer get: Host, X-Real-IP");
  });

  it("covers grpc_set_header too", () => {
    expect(run(proxyHeaderInheritance, "server { grpc_set_header X-A 1; location / { grpc_set_header X-B 2; } }")).toHaveLength(1);
  });

  it("is quiet when every location sets the full list and the outer levels set none", () => {
    expect(run(proxyHeaderInheritance, "server { location / { proxy_set_header Host $host; } location /b { proxy_set_header Host $host; } }")).toEqual([]);
  });

  it("is quiet when the block redefines everything it would inherit", () => {
    expect(run(proxyHeaderInheritance, "server { proxy_set_header Host $host; location / { proxy_set_header host $host; proxy_set_header X 1; } }")).toEqual([]);
  });
});
