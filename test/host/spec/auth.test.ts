// The route auth fragment: exactly one method, a realm nginx writes as it is, defaults.
import { describe, expect, it } from "vitest";
import { routeAuth } from "../../../src/spec/auth.js";

const issues = (input: unknown) => {
  const result = routeAuth.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("route auth", () => {
  it("takes basic with a default realm, and forward with its defaults", () => {
    expect(routeAuth.parse({ basic: { file: "secrets/a.htpasswd" } })).toEqual({ basic: { file: "secrets/a.htpasswd", realm: "Restricted" } });
    expect(routeAuth.parse({ forward: { upstream: "auth" } })).toEqual({ forward: { upstream: "auth", path: "/auth", identityHeaders: [], timeout: "5s" } });
  });

  it("wants exactly one of basic and forward", () => {
    expect(issues({})).toEqual([": exactly one of basic or forward"]);
    expect(issues({ basic: { file: "a" }, forward: { upstream: "auth" } })).toEqual([": exactly one of basic or forward"]);
  });

  it("refuses a realm of 'off' (it turns auth_basic off), or with a quote, backslash or '$'", () => {
    for (const realm of ["off", "OFF", 'my "app"', "a\\b", "$host"]) expect(issues({ basic: { file: "a", realm } })).toHaveLength(1);
  });

  it("refuses a file outside the relative-path shape and a header name that is no token", () => {
    expect(issues({ basic: { file: "/etc/htpasswd" } })).toHaveLength(1);
    expect(issues({ forward: { upstream: "auth", identityHeaders: ["X User"] } })).toHaveLength(1);
  });
});

describe("forward auth identity headers", () => {
  it("refuses headers the edge sets itself or nginx reads, and a header twice", () => {
    for (const h of ["Host", "X-Forwarded-For", "x-request-id", "X-Accel-Redirect", "Content-Length"]) expect(issues({ forward: { upstream: "auth", identityHeaders: [h] } })).toHaveLength(1);
    expect(issues({ forward: { upstream: "auth", identityHeaders: ["X-User", "x-user"] } })).toEqual(["forward.identityHeaders: each header once (names are case-insensitive)"]);
    expect(issues({ forward: { upstream: "auth", identityHeaders: ["X-User", "X-Email", "Authorization"] } })).toEqual([]);
  });
});
