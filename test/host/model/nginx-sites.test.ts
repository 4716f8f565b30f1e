// The server blocks sites become: one per site and port, default_server once per port (on the
// refusing server, or the first site's), certificates by SNI, internal checks on the plain-HTTP
// default server only, site headers in place of generated ones, rate zones unique across sites.
import { describe, expect, it } from "vitest";
import { buildNginxModel, type ServerModel } from "../../../src/model/nginx.js";
import { withSiteHeaders } from "../../../src/model/nginx-sites.js";
import { securityHeaders } from "../../../src/model/security-headers.js";
import type { SpecInput } from "../../../src/spec/schema.js";
import { spec } from "../../support/specs.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." };
const SITES: NonNullable<SpecInput["sites"]> = {
  app: { names: ["app.example.com"], routes: [{ kind: "api", path: "/", rateLimit: { rate: "5r/s" } }] },
  api: {
    names: ["api.example.com"],
    certificates: [
      { certificate: "/etc/nginx/certs/api-ecdsa.pem", key: "/etc/nginx/certs/api-ecdsa.key" },
      { certificate: "/etc/nginx/certs/api-rsa.pem", key: "/etc/nginx/certs/api-rsa.key" },
    ],
    headers: { "x-frame-options": "SAMEORIGIN" },
    routes: [{ kind: "api", path: "/", rateLimit: { rate: "5r/s" } }],
  },
  apex: { names: ["example.com", "www.example.com"], redirect: { to: "app.example.com", status: 301 } },
};
const model = (input: Record<string, unknown> = {}) => buildNginxModel(spec({ domain: undefined, sites: SITES, ...input }), OPTIONS);
const summary = (s: ServerModel) => ({ names: s.serverNames, listens: s.listens, reject: s.rejectHandshake, certs: s.certificates.length, locations: s.locations.map((l) => `${l.partial} ${l.selector}`) });

describe("sites in the nginx model", () => {
  it("defaultServer refuse: a refusing server first on each port, then one server per site", () => {
    const servers = model({ defaultServer: "refuse" }).http.servers.map(summary);
    expect(servers).toEqual([
      { names: "_", listens: ["80 default_server"], reject: false, certs: 0, locations: ["ready = /.edgekit/ready", "status = /nginx_status", "refuse /"] },
      { names: "app.example.com", listens: ["80"], reject: false, certs: 0, locations: ["redirect /"] },
      { names: "api.example.com", listens: ["80"], reject: false, certs: 0, locations: ["redirect /"] },
      { names: "example.com www.example.com", listens: ["80"], reject: false, certs: 0, locations: ["redirect /"] },
      { names: "_", listens: ["443 ssl default_server"], reject: true, certs: 0, locations: [] },
      { names: "app.example.com", listens: ["443 ssl"], reject: false, certs: 1, locations: ["status = /nginx_status", "route-proxy /"] },
      { names: "api.example.com", listens: ["443 ssl"], reject: false, certs: 2, locations: ["status = /nginx_status", "route-proxy /"] },
      { names: "example.com www.example.com", listens: ["443 ssl"], reject: false, certs: 1, locations: ["status = /nginx_status", "redirect /"] },
    ]);
  });

  it("defaultServer first-site (the default): the first site is the default server of each port and has the internal checks", () => {
    const servers = model().http.servers;
    expect(servers.filter((s) => s.listens.some((l) => l.includes("default_server"))).map((s) => [s.serverNames, s.listens])).toEqual([
      ["app.example.com", ["80 default_server"]],
      ["app.example.com", ["443 ssl default_server"]],
    ]);
    expect(servers.filter((s) => s.locations.some((l) => l.partial === "ready")).map((s) => s.serverNames)).toEqual(["app.example.com"]);
    expect(servers.some((s) => s.rejectHandshake)).toBe(false);
  });

  it("a host redirect keeps the path and query and names the https port when it is not 443", () => {
    const apex = (m: ReturnType<typeof model>) => m.http.servers.filter((s) => s.serverNames.startsWith("example.com")).at(-1)!.locations.at(-1)!.redirect;
    expect(apex(model())).toEqual({ status: 301, url: "https://app.example.com$request_uri" });
    expect(apex(model({ listen: { httpsPort: 8443 } }))).toEqual({ status: 301, url: "https://app.example.com:8443$request_uri" });
    // TLS terminated elsewhere: the redirect keeps the scheme the request came with.
    expect(apex(model({ tls: { enabled: false } }))).toEqual({ status: 301, url: "$scheme://app.example.com$request_uri" });
  });

  it("presents each site's certificates (several for several key types), tls.certificate for the rest", () => {
    const https = model().http.servers.filter((s) => s.certificates.length > 0);
    expect(https.map((s) => [s.serverNames, s.certificates.map((c) => c.cert)])).toEqual([
      ["app.example.com", ["/etc/nginx/certs/fullchain.pem"]],
      ["api.example.com", ["/etc/nginx/certs/api-ecdsa.pem", "/etc/nginx/certs/api-rsa.pem"]],
      ["example.com www.example.com", ["/etc/nginx/certs/fullchain.pem"]],
    ]);
  });

  it("rate limit zones carry the site's id, so the same path on two sites gets two zones", () => {
    const m = model();
    expect(m.http.rateZones.map((z) => z.name)).toEqual(["rl_app_root", "rl_api_root"]);
    const zones = m.http.servers.flatMap((s) => s.locations.flatMap((l) => (l.rateLimit ? [`${s.serverNames} ${l.rateLimit.zone}`] : [])));
    expect(zones).toEqual(["app.example.com rl_app_root", "api.example.com rl_api_root"]);
  });

  it("HTTP/3: quic with reuseport once, on the first site; the refusing server has no QUIC", () => {
    const servers = model({ defaultServer: "refuse", nginx: { version: "1.30.0" }, tls: { http3: true } }).http.servers.filter((s) => s.listens.some((l) => l.startsWith("443")));
    expect(servers.map((s) => s.listens)).toEqual([
      ["443 ssl default_server"],
      ["443 ssl", "443 quic reuseport default_server"],
      ["443 ssl", "443 quic"],
      ["443 ssl", "443 quic"],
    ]);
  });

  it("TLS off with refuse: the refusing plain-HTTP server and the sites' routes on plain HTTP", () => {
    const servers = model({ defaultServer: "refuse", tls: { enabled: false } }).http.servers.map(summary);
    expect(servers.map((s) => [s.names, s.listens, s.locations])).toEqual([
      ["_", ["80 default_server"], ["ready = /.edgekit/ready", "status = /nginx_status", "refuse /"]],
      ["app.example.com", ["80"], ["route-proxy /"]],
      ["api.example.com", ["80"], ["route-proxy /"]],
      ["example.com www.example.com", ["80"], ["redirect /"]],
    ]);
  });

  it("a site's header replaces the generated one of the same name (any case), the rest stay", () => {
    const generated = securityHeaders(spec(), { https: true });
    const merged = withSiteHeaders(generated, { "x-frame-options": "SAMEORIGIN", "X-Site": "a" });
    expect(merged.filter((h) => h.name.toLowerCase() === "x-frame-options")).toEqual([{ name: "x-frame-options", value: '"SAMEORIGIN"' }]);
    expect(merged).toHaveLength(generated.length + 1);
    const api = model({ nginx: { version: "1.30.0" } }).http.servers.find((s) => s.serverNames === "api.example.com" && s.certificates.length > 0)!;
    expect(api.headers.filter((h) => h.name.toLowerCase() === "x-frame-options")).toEqual([{ name: "x-frame-options", value: '"SAMEORIGIN"' }]);
  });
});
