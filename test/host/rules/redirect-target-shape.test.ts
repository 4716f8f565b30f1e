// Rule redirect-target-shape: the combinations of `to`, keepPath and keepQuery that give a broken
// Location, each with the field it points at, and the shapes that are fine.
import { describe, expect, it } from "vitest";
import { redirectTargetShape } from "../../../src/rules/redirect-target-shape.js";
import { spec } from "../../support/specs.js";

const findings = (route: Record<string, unknown>) => redirectTargetShape.check(spec({ routes: [{ kind: "redirect", path: "/old/", to: "/new/", ...route }] }));

describe("redirect-target-shape", () => {
  it.each([
    ["keepPath on an exact route", { path: "/old", match: "exact", to: "/new", keepPath: true }, "keepPath", "has no rest of path"],
    ["a directory prefix kept into a target without its slash", { to: "/new", keepPath: true }, "to", "/old/x would go to /newx"],
    ["the query kept into a target with a query", { to: "/new/?a=1" }, "to", "a second '?'"],
    ["the path kept into a target with a query", { path: "/old", to: "https://example.com/?a=1", keepPath: true, keepQuery: false }, "to", "land inside it"],
    ["the query kept into a target with a fragment", { to: "/new/#top" }, "to", "#fragment"],
  ])("refuses %s", (_, route, field, message) => {
    expect(findings(route)).toEqual([expect.objectContaining({ path: ["routes", 0, field], message: expect.stringContaining(message) })]);
  });

  it.each([
    ["a path kept into a directory", { to: "/new/", keepPath: true }],
    ["an origin that takes the whole rest", { path: "/", to: "https://example.com/", keepPath: true }],
    ["a target with its own query, nothing kept", { to: "/new/?a=1", keepQuery: false }],
    ["a prefix without a slash kept into anything", { path: "/old", to: "https://example.com", keepPath: true }],
  ])("accepts %s", (_, route) => {
    expect(findings(route)).toEqual([]);
  });
});
