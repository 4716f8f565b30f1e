// The split model: shares from the smallest up with the largest as '*', the key by `by`, and the
// cookie's attributes (Secure only with TLS).
import { describe, expect, it } from "vitest";
import { nginxTest } from "../../../src/nginx-check/nginx-test.js";
import { splitModels } from "../../../src/model/nginx-split.js";
import { spec } from "../../support/specs.js";

const pools = { a: { servers: [{ host: "a" }] }, b: { servers: [{ host: "b" }] }, c: { servers: [{ host: "c" }] } };
const withSplit = (split: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  splitModels(spec({ upstreams: pools, routes: [{ kind: "api", path: "/x/", upstream: "a" }, { kind: "api", path: "/", split: split as never }], ...extra }));

describe("splitModels", () => {
  it("writes the shares from the smallest up, the largest as '*', named by the route's index", () => {
    const [model] = withSplit({ to: [{ upstream: "a", percent: 70 }, { upstream: "b", percent: 0.5 }, { upstream: "c", percent: 29.5 }] });
    expect(model!.variable).toBe("$edgekit_split_1");
    expect(model!.shares).toEqual([
      { percent: "0.5%", upstream: "b" },
      { percent: "29.5%", upstream: "c" },
      { percent: "*", upstream: "a" },
    ]);
  });

  it("keys on the cookie, or the request id when it is absent, and sets the cookie only then", () => {
    const [model] = withSplit({ cookie: { name: "canary", maxAge: "7d" }, to: [{ upstream: "a", percent: 90 }, { upstream: "b", percent: 10 }] });
    expect(model!.keyMap).toEqual({ source: "$cookie_canary", variable: "$edgekit_split_key_1" });
    expect(model!.key).toBe("$edgekit_split_key_1");
    expect(model!.cookieMap!.value).toBe('"canary=$request_id; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax; Secure"');
  });

  it("leaves Secure out without TLS", () => {
    const [model] = withSplit({ to: [{ upstream: "a", percent: 90 }, { upstream: "b", percent: 10 }] }, { tls: { enabled: false } });
    expect(model!.cookieMap!.value).not.toContain("Secure");
  });

  it("keys on a header's variable or the client address, with no cookie", () => {
    const [byHeader] = withSplit({ by: "header", header: "X-User-Id", to: [{ upstream: "a", percent: 50 }, { upstream: "b", percent: 50 }] });
    expect([byHeader!.keyMap?.source, byHeader!.cookieMap]).toEqual(["$http_x_user_id", null]);
    const [byAddress] = withSplit({ by: "client_ip", to: [{ upstream: "a", percent: 50 }, { upstream: "b", percent: 50 }] });
    expect([byAddress!.keyMap, byAddress!.key, byAddress!.cookieMap]).toEqual([null, "$remote_addr", null]);
  });
});

describe("the split schema", () => {
  it.each([
    ["shares that do not add up to 100", { to: [{ upstream: "a", percent: 90 }, { upstream: "b", percent: 5 }] }, "add up to 95%"],
    ["a share with 3 decimals", { to: [{ upstream: "a", percent: 89.995 }, { upstream: "b", percent: 10.005 }] }, "at most 2 decimals"],
    ["one pool twice", { to: [{ upstream: "a", percent: 50 }, { upstream: "a", percent: 50 }] }, "has two shares"],
    ["by: header without a header", { by: "header", to: [{ upstream: "a", percent: 50 }, { upstream: "b", percent: 50 }] }, "needs the header"],
    ["a cookie name nginx can't read as a variable", { cookie: { name: "my-split" }, to: [{ upstream: "a", percent: 50 }, { upstream: "b", percent: 50 }] }, "letters, digits and '_'"],
  ])("refuses %s", (_, split, message) => {
    expect(() => withSplit(split)).toThrow(message);
  });
});

describe("splits with sites", () => {
  it("name each site's split by the site and the route's index, and pass nginx -t with both in one http block", async () => {
    const split = { to: [{ upstream: "a", percent: 90 }, { upstream: "b", percent: 10 }] };
    const s = spec({
      domain: undefined,
      nginx: { version: "1.22.1" },
      upstreams: pools,
      sites: {
        shop: { names: ["shop.example.com"], routes: [{ kind: "api", path: "/x/", upstream: "a" }, { kind: "api", path: "/", split: split as never }] },
        a_very_long_site_identifier_of_many_characters: { names: ["api.example.com"], routes: [{ kind: "api", path: "/", split: split as never }] },
      },
    });
    const models = splitModels(s);
    expect(models.map((m) => [m.route, m.variable])).toEqual([
      ["sites.shop.routes[1]", "$edgekit_split_shop_1"],
      ["sites.a_very_long_site_identifier_of_many_characters.routes[0]", "$edgekit_split_a_very_long_site_identifier_of_many_characters_0"],
    ]);
    const result = await nginxTest(s);
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
    expect(result.config).toContain("proxy_pass http://$edgekit_split_shop_1;");
    expect(result.config).toContain("proxy_pass http://$edgekit_split_a_very_long_site_identifier_of_many_characters_0;");
    // The edge's cookie is added beside the backend's own Set-Cookie headers, never in their place.
    expect(result.config).toContain("add_header Set-Cookie $edgekit_split_cookie_shop_1 always;");
    expect(result.config).not.toMatch(/proxy_hide_header Set-Cookie/i);
  });
});
