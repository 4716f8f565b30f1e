// The live half (nginx sends /api/uploadsXYZ to a /api/upload route) is in
// test/host/model/nginx-proxy-routing.live.test.ts.
import { describe, expect, it } from "vitest";
import { routePrefixBoundary } from "../../../src/rules/route-prefix-boundary.js";
import { spec } from "../../support/specs.js";

describe("route-prefix-boundary", () => {
  it("warns on a prefix path without a trailing slash, naming a longer name it also matches", () => {
    const found = routePrefixBoundary.check(spec({ routes: [{ kind: "api", path: "/api/upload" }] }));
    expect(found).toEqual([expect.objectContaining({ path: ["routes", 0, "path"], message: expect.stringContaining("'/api/uploadXYZ'"), fix: expect.stringContaining("match: exact") })]);
    expect(routePrefixBoundary.severity).toBe("warning");
  });

  it("is quiet for trailing slashes, the root, exact and regex routes", () => {
    const routes = [
      { kind: "api", path: "/" },
      { kind: "api", path: "/api/" },
      { kind: "api", path: "/api/upload", match: "exact" },
      { kind: "api", path: "^/api/upload$", match: "regex" },
    ] as const;
    expect(routePrefixBoundary.check(spec({ routes: [...routes] }))).toEqual([]);
  });
});
