import { describe, expect, it } from "vitest";
import { authRouteNotCached } from "../../../src/rules/auth-route-not-cached.js";
import { spec } from "../../support/specs.js";

describe("auth-route-not-cached", () => {
  it("refuses a cache on a route with forward or basic auth, saying why for each", () => {
    const found = authRouteNotCached.check(
      spec({
        routes: [
          { kind: "api", path: "/f/", auth: { forward: { upstream: "app" } }, cache: {} },
          { kind: "api", path: "/b/", auth: { basic: { file: "a.htpasswd" } }, cache: {} },
          { kind: "api", path: "/public/", cache: {} },
        ],
      }),
    );
    expect(found.map((f) => f.path)).toEqual([
      ["routes", 0, "cache"],
      ["routes", 1, "cache"],
    ]);
    expect(found[0]!.message).toContain("one user's response could be served to another");
    expect(found[1]!.message).toContain("never be used");
  });
});
