// The route cors fragment: which origins it accepts, and '*' never with credentials.
import { describe, expect, it } from "vitest";
import { routeCors } from "../../../src/spec/cors.js";

const ok = (origins: string[], extra: Record<string, unknown> = {}) => routeCors.safeParse({ origins, ...extra }).success;

describe("route cors", () => {
  it("accepts exact origins, ports, a wildcard first label and '*' alone", () => {
    expect(ok(["https://app.example.com", "http://localhost:5173", "http://127.0.0.1:8080", "https://*.example.com"])).toBe(true);
    expect(ok(["*"])).toBe(true);
  });

  it.each([
    ["a path", "https://app.example.com/"],
    ["upper case", "https://App.example.com"],
    ["no scheme", "app.example.com"],
    ["another scheme", "ftp://app.example.com"],
    ["a wildcard over a top-level domain", "https://*.com"],
    ["a wildcard inside a label", "https://a*.example.com"],
    ["the null origin", "null"],
    ["a regex", "https://.*\\.example\\.com"],
  ])("refuses %s (%s)", (_why, origin) => {
    expect(ok([origin])).toBe(false);
  });

  it("refuses '*' beside other origins, and '*' with credentials", () => {
    expect(routeCors.safeParse({ origins: ["*", "https://a.example.com"] }).error?.issues.map((i) => i.path)).toEqual([["origins"]]);
    expect(routeCors.safeParse({ origins: ["*"], credentials: true }).error?.issues.map((i) => i.path)).toEqual([["credentials"]]);
  });

  it("defaults to GET, HEAD, POST, no extra headers, no credentials and a 600 s preflight cache", () => {
    expect(routeCors.parse({ origins: ["https://a.example.com"] })).toEqual({ origins: ["https://a.example.com"], methods: ["GET", "HEAD", "POST"], headers: [], exposeHeaders: [], credentials: false, maxAge: 600 });
  });
});
