import { describe, expect, it } from "vitest";
import { authForwardUpstreamExists } from "../../../src/rules/auth-forward-upstream-exists.js";
import { spec } from "../../support/specs.js";

describe("auth-forward-upstream-exists", () => {
  it("finds an auth service upstream that is not defined, and passes one that is", () => {
    const route = (upstream: string) => spec({ routes: [{ kind: "api", path: "/", auth: { forward: { upstream } } }] });
    expect(authForwardUpstreamExists.check(route("authsvc"))).toEqual([expect.objectContaining({ path: ["routes", 0, "auth", "forward", "upstream"], message: "auth service upstream 'authsvc' is not defined" })]);
    expect(authForwardUpstreamExists.check(route("app"))).toEqual([]);
  });
});
