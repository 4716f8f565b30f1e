import { describe, expect, it } from "vitest";
import { allowWithoutDeny } from "../../../../src/lint/checks/allow-without-deny.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("allow-without-deny", () => {
  it("flags allow lines with no deny all after them", () => {
    const findings = run(allowWithoutDeny, "server {\n  location /admin/ {\n    allow 10.0.0.0/8;\n    allow 192.168.0.0/16;\n  }\n}");
    expect(where(findings)).toEqual(["3:5 server > location /admin/"]);
    expect(findings[0]!.message).toContain("open to everyone");
  });

  it("does not count an inherited deny all (the inner allow list replaces the outer one)", () => {
    expect(run(allowWithoutDeny, "server { deny all; location / { allow 10.0.0.1; } }")).toHaveLength(1);
  });

  it("flags a deny all placed before the allow lines", () => {
    const [f] = run(allowWithoutDeny, "location / { deny all; allow 10.0.0.1; }");
    expect(f!.message).toContain("comes before allow lines");
  });

  it("judges the list in order, as nginx does: lists that still let every address of a family in are open", () => {
    const open = [
      "allow all; deny all;",
      "allow 0.0.0.0/1; allow 128.0.0.0/1; deny all;",
      "allow ::/1; allow 8000::/1; deny all;",
      "allow 10.0.0.0/8; deny 0.0.0.0/0;",
      "allow 0.0.0.0/0; deny 10.0.0.0/8; deny all;",
      "allow ::ffff:0:0/96; deny ::/0;",
      "allow 10.0.0.0/8; allow 0.0.0.0/2; allow 64.0.0.0/2; allow 128.0.0.0/1; deny all;",
    ];
    for (const rules of open) {
      const findings = run(allowWithoutDeny, `location / { ${rules} }`);
      expect(findings, rules).toHaveLength(1);
      expect(findings[0]!.message, rules).toContain("open to everyone");
    }
    expect(run(allowWithoutDeny, "location / { allow all; deny all; }")[0]!.message).toContain("every IPv4 and every IPv6 address");
  });

  it("is quiet with a trailing deny all, an explicit allow all, or satisfy any with authentication", () => {
    expect(run(allowWithoutDeny, "location / { allow 127.0.0.1; allow ::1; deny all; }")).toEqual([]);
    expect(run(allowWithoutDeny, "location / { deny 10.0.0.1; allow 10.0.0.0/8; allow 0.0.0.0/1; deny all; }")).toEqual([]);
    expect(run(allowWithoutDeny, "location / { allow 0.0.0.0/1; allow 128.0.0.0/2; deny all; }")).toEqual([]);
    expect(run(allowWithoutDeny, "location / { allow all; }")).toEqual([]);
    expect(run(allowWithoutDeny, 'server { auth_basic "x"; location / { satisfy any; allow 10.0.0.0/8; } }')).toEqual([]);
  });
});
