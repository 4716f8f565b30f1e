// The fields of the respond and redirect kinds, through the real schema: what each accepts, and what
// it refuses with which message.
import { describe, expect, it } from "vitest";
import { specSchema } from "../../../src/spec/schema.js";
import { quoteText } from "../../../src/nginx-syntax/quote.js";
import { redirectTarget } from "../../../src/spec/responses.js";

const base = { domain: "app.example.com", upstreams: { app: { servers: [{ host: "backend" }] } } };
const messages = (route: Record<string, unknown>) => specSchema.safeParse({ ...base, routes: [route] }).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

describe("respond", () => {
  it("defaults to 200 with an empty text/plain body", () => {
    const parsed = specSchema.parse({ ...base, routes: [{ kind: "respond", path: "/healthz" }] });
    expect(parsed.routes![0]).toMatchObject({ status: 200, body: "", contentType: "text/plain", headers: {}, errorPages: {} });
  });

  it.each([
    [301, "a 3xx status is a redirect: use kind: redirect"],
    [304, "a 3xx status is a redirect"],
    [444, "not one of nginx's own codes"],
    [499, "not one of nginx's own codes"],
    [199, "Too small"],
    [600, "Too big"],
  ])("refuses status %i", (status, message) => {
    expect(messages({ kind: "respond", path: "/", status }).join(" ")).toContain(message);
  });

  it("refuses a body on 204, a Content-Type header, and control characters other than newline and tab", () => {
    expect(messages({ kind: "respond", path: "/", status: 204, body: "x" })).toEqual(["routes.0.body: a 204 response has no body: remove body or use another status"]);
    expect(messages({ kind: "respond", path: "/", headers: { "content-type": "text/html" } })[0]).toContain("content-type cannot be set here");
    expect(messages({ kind: "respond", path: "/", body: "a\u0000b" })[0]).toContain("without control characters");
    expect(messages({ kind: "respond", path: "/", body: "line 1\r\n\tline 2 $host ${x} \"q\" é" })).toEqual([]);
  });
});

describe("quoteText", () => {
  it("keeps $ literal through the geo variable and writes newlines and tabs as nginx escapes, on one line", () => {
    expect(quoteText('a$b "c" \\ \n\t')).toBe('"a${edgekit_dollar}b \\"c\\" \\\\ \\n\\t"');
  });
});

describe("redirect", () => {
  it("defaults to 302, path dropped, query kept", () => {
    const parsed = specSchema.parse({ ...base, routes: [{ kind: "redirect", path: "/old/", to: "/new/" }] });
    expect(parsed.routes![0]).toMatchObject({ status: 302, keepPath: false, keepQuery: true });
  });

  it.each(["/new/", "/a$b?x=1#top", "https://example.com", "https://example.com:8443/x/%20y", "http://docs.example.com/(a)[b];c=d,e"])("accepts %s", (to) => {
    expect(redirectTarget().safeParse(to).success).toBe(true);
  });

  it.each(["//evil.example.com/", "evil.example.com", "/a b", "/a\r\nSet-Cookie: x=1", '/a"b', "/a\\b", "/a{b}", "/é", "javascript:alert(1)", "ftp://example.com/"])("refuses %j", (to) => {
    expect(redirectTarget().safeParse(to).success).toBe(false);
  });

  it("refuses a status other than 301, 302, 307, 308 and a Location header of its own", () => {
    expect(messages({ kind: "redirect", path: "/", to: "/x", status: 303 })[0]).toMatch(/^routes\.0\.status/);
    expect(messages({ kind: "redirect", path: "/", to: "/x", headers: { Location: "/y" } })[0]).toContain("Location cannot be set here");
  });
});
