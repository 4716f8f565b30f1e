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

  it("is quiet with a trailing deny all, an explicit allow all, or satisfy any with authentication", () => {
    expect(run(allowWithoutDeny, "location / { allow 127.0.0.1; allow ::1; deny all; }")).toEqual([]);
    expect(run(allowWithoutDeny, "location / { allow all; }")).toEqual([]);
    expect(run(allowWithoutDeny, 'server { auth_basic "x"; location / { satisfy any; allow 10.0.0.0/8; } }')).toEqual([]);
  });
});
