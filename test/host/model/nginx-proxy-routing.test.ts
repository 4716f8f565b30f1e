import { describe, expect, it } from "vitest";
import { locationSelector, proxyPassUrl, retryDirectives } from "../../../src/model/nginx-proxy-routing.js";
import type { ProxiedRoute } from "../../../src/spec/route-kinds.js";
import { spec } from "../../support/specs.js";

const route = (r: { path: string } & Record<string, unknown>) => spec({ routes: [{ kind: "api", ...r }] }).routes![0] as ProxiedRoute;

describe("location selectors", () => {
  it("prefix bare, exact with =, regex quoted after ~ with its $ anchor and backslashes kept", () => {
    expect(locationSelector(route({ path: "/api/" }))).toBe("/api/");
    expect(locationSelector(route({ path: "/v", match: "exact" }))).toBe("= /v");
    expect(locationSelector(route({ path: "^/v[0-9]{1,3}/a\\.json$", match: "regex" }))).toBe('~ "^/v[0-9]{1,3}/a\\\\.json$"');
  });
});

describe("proxy_pass", () => {
  it("carries upstreamPath as its URI part, and nothing without it", () => {
    expect(proxyPassUrl("users", route({ path: "/api/users/", upstreamPath: "/" }))).toBe("http://users/");
    expect(proxyPassUrl("users", route({ path: "/api/users/", upstreamPath: "/v2/users/" }))).toBe("http://users/v2/users/");
    expect(proxyPassUrl("users", route({ path: "/api/users/" }))).toBe("http://users");
  });
});

describe("retry directives", () => {
  it("renders the defaults explicitly", () => {
    expect(retryDirectives(route({ path: "/" }))).toEqual([
      { name: "proxy_next_upstream", value: "error timeout" },
      { name: "proxy_next_upstream_tries", value: "3" },
    ]);
  });

  it("adds non_idempotent only when asked, the timeout when set, and off for an empty list", () => {
    expect(retryDirectives(route({ path: "/", retry: { on: ["error", "http_502", "error"], nonIdempotent: true, timeout: "10s", tries: 3 } }))).toEqual([
      { name: "proxy_next_upstream", value: "error http_502 non_idempotent" },
      { name: "proxy_next_upstream_tries", value: "3" },
      { name: "proxy_next_upstream_timeout", value: "10s" },
    ]);
    expect(retryDirectives(route({ path: "/", retry: { on: [], nonIdempotent: true } }))[0]).toEqual({ name: "proxy_next_upstream", value: "off" });
  });
});
