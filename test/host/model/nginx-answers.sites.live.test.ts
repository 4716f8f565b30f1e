// Error pages per site, on the real nginx: each site's stopped backend answers with the site's own
// 502 page, a site without pages of its own gets the top-level ones, a site that sets only some
// statuses inherits the others, a route's page wins over its site's, and a capped upstream that
// refuses connections (the busy answer's 502) gets its site's page too. Every page keeps the
// security headers and no header twice (raw socket: each header line is seen as nginx wrote it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedNginxVersion } from "../../../src/nginx-check/nginx-test.js";
import { freePort, startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { rawRequest, repeated, values } from "../../support/raw-http.js";
import { spec } from "../../support/specs.js";

const TOP_502 = '{"error":"edge: backend unavailable"}';
const TOP_404 = "<h1>Nothing here</h1>";
const SHOP_502 = '{"error":"the shop is resting","retry":true}';
const BLOG_502 = '{"error":"the blog is down","code":502}';
const BLOG_404 = '{"error":"no such post"}';
const ADMIN_502 = '{"error":"admin backend unavailable"}';

let deadPort: number;

beforeAll(async () => {
  deadPort = await freePort(); // nothing listens here: every site's backend is stopped
});

describe.each([(await installedNginxVersion())!, "1.30.6"])("error pages per site on nginx %s", (version) => {
  let nginx: RunningNginx;
  const get = (host: string, path: string) => rawRequest(nginx.httpPort, "GET", path, [`Host: ${host}`], "", "utf8");

  beforeAll(async () => {
    nginx = await startNginx(
      spec({
        domain: undefined,
        nginx: { version },
        tls: { enabled: false },
        compression: { zstd: { enabled: false }, brotli: { enabled: false } },
        upstreams: {
          dead: { servers: [{ host: "127.0.0.1", port: deadPort }] },
          cappeddead: { servers: [{ host: "127.0.0.1", port: deadPort, maxConns: 5, maxFails: 0 }], keepalive: { connections: 4 } },
        },
        errorPages: { 502: { body: TOP_502 }, 404: { contentType: "text/html", body: TOP_404 } },
        sites: {
          shop: {
            names: ["shop.example.com"],
            errorPages: { 502: { body: SHOP_502, headers: { "Retry-After": "30" } } },
            routes: [
              { kind: "api", path: "/", upstream: "dead" },
              { kind: "api", path: "/admin/", upstream: "dead", errorPages: { 502: { body: ADMIN_502 } } },
              { kind: "api", path: "/capped/", upstream: "cappeddead" },
            ],
          },
          blog: {
            names: ["blog.example.com"],
            errorPages: { 502: { body: BLOG_502 }, 404: { body: BLOG_404 } },
            routes: [{ kind: "api", path: "/api/", upstream: "dead" }],
          },
          docs: { names: ["docs.example.com"], routes: [{ kind: "api", path: "/api/", upstream: "dead" }] },
        },
      }),
    );
  });

  afterAll(async () => {
    await nginx?.stop();
  });

  /** The page's status, body and Content-Type, with the security headers and no header twice. */
  async function expectPage(host: string, path: string, status: number, body: string, contentType: string) {
    const reply = await get(host, path);
    expect([reply.status, reply.body, values(reply, "content-type")]).toEqual([status, body, [contentType]]);
    expect(values(reply, "x-content-type-options")).toEqual(["nosniff"]);
    expect(repeated(reply)).toEqual([]);
    return reply;
  }

  it("each site's stopped backend answers with the site's own 502 page", async () => {
    const shop = await expectPage("shop.example.com", "/cart", 502, SHOP_502, "application/json");
    expect(values(shop, "retry-after")).toEqual(["30"]);
    const blog = await expectPage("blog.example.com", "/api/posts", 502, BLOG_502, "application/json");
    expect(values(blog, "retry-after")).toEqual([]);
  });

  it("a site without pages of its own gets the top-level ones", async () => {
    await expectPage("docs.example.com", "/api/x", 502, TOP_502, "application/json");
    await expectPage("docs.example.com", "/nowhere", 404, TOP_404, "text/html; charset=utf-8");
  });

  it("a site's page replaces the top-level one for its status only", async () => {
    await expectPage("blog.example.com", "/nowhere", 404, BLOG_404, "application/json");
  });

  it("a route's page wins over its site's", async () => {
    await expectPage("shop.example.com", "/admin/users", 502, ADMIN_502, "application/json");
  });

  it("a capped upstream that refuses connections gets its site's 502 page", async () => {
    await expectPage("shop.example.com", "/capped/x", 502, SHOP_502, "application/json");
  });
});
