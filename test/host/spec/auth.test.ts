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
    expect(routeAuth.parse({ forward: { upstream: "auth" } })).toEqual({ forward: { upstream: "auth", path: "/auth", identityHeaders: [], timeout: "5s", signIn: null, signInParam: "rd" } });
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

describe("forward auth sign-in redirect", () => {
  const signIn = (url: unknown, param?: string) => issues({ forward: { upstream: "auth", signIn: url, ...(param === undefined ? {} : { signInParam: param }) } });

  it("takes an absolute http(s) URL, with a port, path, query and percent-escapes", () => {
    for (const url of ["https://auth.example.com", "https://auth.example.com/oauth2/start", "http://login.internal:8080/sign-in?client=shop&x=%2F", "https://a.example.com/p/(x)!*+,=:@~"]) expect(signIn(url), url).toEqual([]);
  });

  it("refuses anything that could become nginx syntax or is not an absolute http(s) URL", () => {
    const bad = ["/login", "auth.example.com/login", "ftp://auth.example.com/", "javascript:alert(1)", "https://auth.example.com/a b", 'https://auth.example.com/"x"', "https://auth.example.com/a'b", "https://auth.example.com/a;b", "https://auth.example.com/{a}", "https://auth.example.com/$host", "https://auth.example.com/#top", "https://auth.example.com/a\\b", "https://auth.example.com/a%zz", "https://Auth.example.com/", "https://auth.example.com:70000/", "https://auth.example.com/a\nb", "https://a_b.example.com/"];
    for (const url of bad) expect(signIn(url), url).toHaveLength(1);
  });

  it("names the parameter with a token, and refuses a signIn that already carries it", () => {
    expect(signIn("https://auth.example.com/start", "return_to")).toEqual([]);
    for (const param of ["", "a b", "a=b", "a&b", "$x"]) expect(signIn("https://auth.example.com/start", param), param).toHaveLength(1);
    expect(signIn("https://auth.example.com/start?rd=/x")).toEqual(["forward.signIn: signIn already has a 'rd' query parameter: the edge adds it with the original URL (name another one with signInParam)"]);
    expect(signIn("https://auth.example.com/start?rd=/x", "next")).toEqual([]);
  });
});
