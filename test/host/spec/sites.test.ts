// Sites in the spec: the one-site form and `sites` read as one list of sites (with the spec path
// every diagnostic uses), and what the schema refuses, each at its position.
import { describe, expect, it } from "vitest";
import { validateSpecText } from "../../../src/pipeline.js";
import { allRoutes, certificateNames, specSites } from "../../../src/spec/sites.js";
import { spec } from "../../support/specs.js";

const UPSTREAMS = "upstreams:\n  app:\n    servers: [{ host: backend }]\n";

const errors = (text: string) =>
  validateSpecText(text, "spec.yaml")
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => ({ code: d.code, path: d.path.join("."), line: d.position?.line, message: d.message }));

describe("specSites", () => {
  it("reads domain + aliases + routes as one site, its routes at routes[i], certificate from tls", () => {
    const s = spec({ aliases: ["www.app.example.com"], routes: [{ kind: "api", path: "/a/" }, { kind: "sse", path: "/s" }] });
    const [site] = specSites(s);
    expect(site).toMatchObject({ id: null, names: ["app.example.com", "www.app.example.com"], redirect: null, path: [], headers: {} });
    expect(site!.certificates).toEqual([{ certificate: "/etc/nginx/certs/fullchain.pem", key: "/etc/nginx/certs/privkey.pem" }]);
    expect(allRoutes(s).map((r) => r.path)).toEqual([["routes", 0], ["routes", 1]]);
  });

  it("reads sites in spec order, with their paths; a site without routes gets the default route, a redirect site none", () => {
    const s = spec({
      domain: undefined,
      sites: {
        web: { names: ["a.example.com"] },
        api: { names: ["b.example.com"], routes: [{ kind: "health", path: "/h", match: "exact" }, { kind: "api", path: "/" }], certificates: [{ certificate: "/etc/nginx/certs/b.pem", key: "/etc/nginx/certs/b.key" }] },
        apex: { names: ["example.com"], redirect: { to: "a.example.com" } },
      },
    });
    const sites = specSites(s);
    expect(sites.map((x) => x.id)).toEqual(["web", "api", "apex"]);
    expect(sites[0]!.routes).toEqual([expect.objectContaining({ kind: "api", path: "/" })]);
    expect(sites[2]!.routes).toEqual([]);
    expect(sites[2]!.redirect).toEqual({ to: "a.example.com", status: 308 });
    expect(allRoutes(s).map((r) => r.path)).toEqual([["sites", "web", "routes", 0], ["sites", "api", "routes", 0], ["sites", "api", "routes", 1]]);
    // Each certificate pair once, for the names of every site that presents it.
    expect(certificateNames(s)).toEqual([
      { pair: { certificate: "/etc/nginx/certs/fullchain.pem", key: "/etc/nginx/certs/privkey.pem" }, names: ["a.example.com", "example.com"] },
      { pair: { certificate: "/etc/nginx/certs/b.pem", key: "/etc/nginx/certs/b.key" }, names: ["b.example.com"] },
    ]);
  });

  it("gives each site its error pages over the top-level ones, status by status (the one-site form: the top-level ones)", () => {
    const top = { 502: { body: "top 502" }, 404: { body: "top 404" } };
    const s = spec({ domain: undefined, errorPages: top, sites: { shop: { names: ["shop.example.com"], errorPages: { 502: { body: "shop 502" }, 503: { body: "shop 503" } } }, blog: { names: ["blog.example.com"] } } });
    const [shop, blog] = specSites(s);
    expect(Object.fromEntries(Object.entries(shop!.errorPages).map(([k, p]) => [k, p.body]))).toEqual({ 404: "top 404", 502: "shop 502", 503: "shop 503" });
    expect(Object.fromEntries(Object.entries(blog!.errorPages).map(([k, p]) => [k, p.body]))).toEqual({ 404: "top 404", 502: "top 502" });
    expect(specSites(spec({ errorPages: top }))[0]!.errorPages).toEqual(spec({ errorPages: top }).errorPages);
  });
});

describe("sites in the schema", () => {
  it("domain and sites together is an error at domain, with its line", () => {
    expect(errors(`domain: app.example.com\nsites:\n  a:\n    names: [b.example.com]\n${UPSTREAMS}`)).toEqual([
      expect.objectContaining({ code: "schema", path: "domain", line: 1, message: expect.stringMatching(/domain and sites together/) }),
    ]);
  });

  it("neither domain nor sites is an error", () => {
    expect(errors(UPSTREAMS)).toEqual([expect.objectContaining({ path: "domain", message: expect.stringMatching(/a domain \(one site\) or sites/) })]);
  });

  it("top-level aliases or routes next to sites are errors at their own lines", () => {
    const text = `sites:\n  a:\n    names: [a.example.com]\naliases: [x.example.com]\nroutes: [{ kind: api, path: / }]\n${UPSTREAMS}`;
    expect(errors(text)).toEqual([
      expect.objectContaining({ path: "aliases", line: 4 }),
      expect.objectContaining({ path: "routes", line: 5 }),
    ]);
  });

  it("a name in two sites is an error at the second, naming the first site", () => {
    const text = `sites:\n  a:\n    names: [a.example.com, b.example.com]\n  b:\n    names: [c.example.com, b.example.com]\n${UPSTREAMS}`;
    expect(errors(text)).toEqual([expect.objectContaining({ path: "sites.b.names.1", line: 5, message: expect.stringMatching(/already a name of site 'a'/) })]);
  });

  it("a redirect site with routes, a redirect to its own name and an unknown status are errors", () => {
    const text = [
      "sites:",
      "  a:",
      "    names: [a.example.com]",
      "    redirect: { to: a.example.com }",
      "    routes: [{ kind: api, path: / }]",
      UPSTREAMS,
    ].join("\n");
    const found = errors(text);
    expect(found).toContainEqual(expect.objectContaining({ path: "sites.a.routes", line: 5, message: expect.stringMatching(/redirect site has no routes/) }));
    expect(found).toContainEqual(expect.objectContaining({ path: "sites.a.redirect.to", line: 4, message: expect.stringMatching(/would loop/) }));
    const status = errors(`sites:\n  b:\n    names: [b.example.com]\n    redirect: { to: a.example.com, status: 303 }\n${UPSTREAMS}`);
    expect(status).toEqual([expect.objectContaining({ path: "sites.b.redirect.status", line: 4, message: expect.stringMatching(/301.*302.*307.*308/) })]);
  });

  it("rules report a site's route at sites.<id>.routes[i]", () => {
    const text = `sites:\n  a:\n    names: [a.example.com]\n    routes:\n      - { kind: api, path: /x/ }\n      - { kind: api, path: /x/ }\n  b:\n    names: [b.example.com]\n    routes: [{ kind: api, path: /x/ }]\n${UPSTREAMS}`;
    // /x/ twice in site a is one location twice; /x/ in site b is another server block: fine.
    expect(errors(text)).toEqual([expect.objectContaining({ code: "route-path-unique", path: "sites.a.routes.1.path", line: 6, message: expect.stringMatching(/already used by sites\.a\.routes\[0\]/) })]);
  });

  it("a site certificate outside tls.certificate's directory is an error (compose mounts that directory only)", () => {
    const text = `sites:\n  a:\n    names: [a.example.com]\n    certificates: [{ certificate: /srv/a.pem, key: /etc/nginx/certs/a.key }]\n${UPSTREAMS}`;
    expect(errors(text)).toEqual([expect.objectContaining({ code: "tls-files-one-dir", path: "sites.a.certificates.0.certificate", line: 4 })]);
  });
});
