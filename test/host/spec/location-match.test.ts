import { describe, expect, it } from "vitest";
import { regexPathProblem } from "../../../src/spec/location-match.js";
import { specSchema } from "../../../src/spec/schema.js";
import { spec } from "../../support/specs.js";

const parse = (route: Record<string, unknown>) => specSchema.safeParse({ domain: "a.example.com", upstreams: { app: { servers: [{ host: "b" }] } }, routes: [route] });
const messages = (route: Record<string, unknown>) => {
  const r = parse(route);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("regex route paths", () => {
  it.each(["^/v[0-9]+/items$", "^/api/(?:users|orders)/[0-9]{1,9}$", "^/img/.+\\.(?:png|jpe?g)$", "^/a\\/b\\d\\w+$", "^/x(?!/admin)"])("accepts %s", (pattern) => {
    expect(regexPathProblem(pattern)).toBeNull();
    expect(messages({ kind: "api", path: pattern, match: "regex" })).toEqual([]);
  });

  it.each([
    ["/v1/items", "anchored"],
    ["^v1/", "anchored"],
    ["^/(v1)/items", "no capturing groups"],
    ["^/(?<v>v1)/", "no capturing groups"],
    ["^/(?<=a)b", "no capturing groups"],
    ["^/a\\Qb\\E", "escape"],
    ["^/a\\zb", "escape"],
    ["^/a b", "printable ASCII"],
    ["^/a;b", "printable ASCII"],
    ['^/a"b', "printable ASCII"],
    ["^/a[", "a valid regular expression"],
    ["^/a{2", "a valid regular expression"],
    ["^/[[:alpha:]]", "POSIX"],
  ])("refuses %s (%s)", (pattern, why) => {
    expect(messages({ kind: "api", path: pattern, match: "regex" }).join("\n")).toContain(why);
  });

  it("a pattern needs match: regex, and match: regex needs a pattern", () => {
    expect(messages({ kind: "api", path: "^/v1/" })).toEqual(["routes.0.path: a URL path starting with '/' (a pattern needs match: regex)"]);
    expect(messages({ kind: "api", path: "/v1/", match: "regex" })).toEqual(["routes.0.path: an anchored pattern starting with ^/ (match: regex)"]);
  });

  it("static routes stay prefix routes (rule static-path-shape), and match defaults to prefix", () => {
    expect(spec({ routes: [{ kind: "api", path: "/a/" }] }).routes![0]!.match).toBe("prefix");
  });
});
