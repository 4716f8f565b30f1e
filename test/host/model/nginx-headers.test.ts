import { describe, expect, it } from "vitest";
import { buildNginxModel, type LocationModel } from "../../../src/model/nginx.js";
import { forwardingLookups, routeRequestHeaders, upstreamRequestHeaders } from "../../../src/model/nginx-headers.js";
import { renderNginxConf } from "../../../src/targets/index.js";
import { spec } from "../../support/specs.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." };
/** Locations on nginx 1.22 (no add_header_inherit), where each lists every header it sends. */
const locations = (input: Parameters<typeof spec>[0]): LocationModel[] => buildNginxModel(spec({ nginx: { version: "1.22.1" }, ...input }), OPTIONS).http.servers.flatMap((s) => s.locations);
const header = (lines: { name: string; value: string }[], name: string) => lines.filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value);
const LB = { tls: { enabled: false, terminatedBy: "loadBalancer" as const }, realIp: { enabled: true, from: ["10.0.0.0/8"] } };

describe("what the backend is told", () => {
  it("with nobody trusted: the edge's own facts, no maps but the request id's", () => {
    const s = spec({});
    expect(Object.fromEntries(upstreamRequestHeaders(s, null).map((h) => [h.name, h.value]))).toMatchObject({
      "X-Forwarded-For": "$remote_addr",
      "X-Forwarded-Proto": "$scheme",
      "X-Forwarded-Host": "$host",
      "X-Request-ID": "$edgekit_request_id",
    });
    expect(forwardingLookups(s).map((l) => l.variable)).toEqual(["$edgekit_request_id"]);
  });

  it("with realIp.from: a geo on the peer and maps that believe X-Forwarded-* only from it", () => {
    const lookups = forwardingLookups(spec(LB));
    expect(lookups[0]).toEqual({ kind: "geo", source: "$realip_remote_addr", variable: "$edgekit_trusted_proxy", entries: [{ key: "default", value: "0" }, { key: "10.0.0.0/8", value: "1" }] });
    expect(lookups.map((l) => l.variable)).toEqual(["$edgekit_trusted_proxy", "$edgekit_forwarded_proto", "$edgekit_forwarded_for", "$edgekit_forwarded_host", "$edgekit_request_id", "$edgekit_hsts"]);
    // The chain gets the peer appended, never $proxy_add_x_forwarded_for (which repeats the client realIp put in $remote_addr).
    expect(renderNginxConf(spec(LB), OPTIONS)).not.toContain("$proxy_add_x_forwarded_for");
  });

  it("requestId.keepIncoming never: nginx's own id everywhere, no map", () => {
    const s = spec({ requestId: { keepIncoming: "never" } });
    expect(header(upstreamRequestHeaders(s, null), "X-Request-ID")).toEqual(["$request_id"]);
    expect(forwardingLookups(s)).toEqual([]);
    expect(renderNginxConf(s, OPTIONS)).toContain('"request_id":"$request_id"');
  });

  it("requestId.keepIncoming trusted keys the id's map on the trusted peer", () => {
    const id = forwardingLookups(spec({ ...LB, requestId: { keepIncoming: "trusted" } })).find((l) => l.variable === "$edgekit_request_id")!;
    expect(id.source).toBe('"$edgekit_trusted_proxy:$http_x_request_id"');
    expect(id.entries[1]).toEqual({ key: '"~^1:[A-Za-z0-9._:+/=-]{1,128}\\\\z"', value: "$http_x_request_id" });
  });

  it("route requestHeaders: literals quoted, variables as ${name} (request_id and scheme the edge's), in name order", () => {
    const lines = routeRequestHeaders(spec(LB), { "X-B": 'say "hi" \\ ${host}x', "X-A": "$request_id/$scheme", "X-Strip": "" });
    expect(lines).toEqual([
      { name: "X-A", value: '"${edgekit_request_id}/${edgekit_forwarded_proto}"' },
      { name: "X-B", value: '"say \\"hi\\" \\\\ ${host}x"' },
      { name: "X-Strip", value: '""' },
    ]);
  });
});

describe("response headers", () => {
  it("behind a load balancer the plain server sends HSTS from the map, and proxied routes hide the backend's copy of every header they send", () => {
    const [api] = locations({ ...LB, routes: [{ kind: "api", path: "/" }] }).filter((l) => l.proxy);
    expect(header(api!.headers, "Strict-Transport-Security")).toEqual(["$edgekit_hsts"]);
    expect(api!.proxy!.hideHeaders).toEqual(api!.headers.map((h) => h.name));
    expect(api!.proxy!.hideHeaders).toContain("X-Request-ID");
  });

  it("tls off without terminatedBy: no HSTS at all (rule hsts-without-https warns)", () => {
    expect(locations({ tls: { enabled: false } }).flatMap((l) => header(l.headers, "Strict-Transport-Security"))).toEqual([]);
  });

  it("the author's Cache-Control replaces a static route's generated one; top-level replaces on every location, route over top-level", () => {
    const all = locations({
      headers: { "X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-store" },
      routes: [
        { kind: "static", path: "/s/", root: "/srv/s" },
        { kind: "static", path: "/t/", root: "/srv/t", headers: { "cache-control": "max-age=60", "x-frame-options": null } },
      ],
    });
    const at = (comment: string) => all.filter((l) => l.comment.startsWith(comment));
    for (const l of all) expect(header(l.headers, "Cache-Control").length).toBeLessThanOrEqual(1);
    expect(at("route /s/").flatMap((l) => header(l.headers, "Cache-Control"))).toEqual(['"no-store"']);
    expect(at("route /t/").flatMap((l) => header(l.headers, "Cache-Control"))).toEqual(['"max-age=60"']);
    expect(at("route /t/").flatMap((l) => header(l.headers, "X-Frame-Options"))).toEqual([]);
    expect(at("no route").flatMap((l) => header(l.headers, "X-Frame-Options"))).toEqual(['"SAMEORIGIN"']);
    expect(at("redirect").flatMap((l) => header(l.headers, "X-Frame-Options"))).toEqual(['"SAMEORIGIN"']);
  });

  it("with add_header_inherit (1.30): a location that only adds headers inherits the server's; one that replaces one lists them all with inheritance off", () => {
    const m = buildNginxModel(spec({ nginx: { version: "1.30.6" }, routes: [{ kind: "api", path: "/a/", headers: { "X-Extra": "1" } }, { kind: "api", path: "/b/", headers: { "X-Frame-Options": "SAMEORIGIN" } }] }), OPTIONS);
    const tls = m.http.servers[1]!;
    const a = tls.locations.find((l) => l.comment.startsWith("route /a/"))!;
    const b = tls.locations.find((l) => l.comment.startsWith("route /b/"))!;
    expect([a.headerInherit, a.headers]).toEqual([null, [{ name: "X-Extra", value: '"1"' }]]);
    expect(b.headerInherit).toBe("off");
    expect(b.headers.map((h) => h.name)).toEqual(tls.headers.map((h) => h.name));
    expect(header(b.headers, "X-Frame-Options")).toEqual(['"SAMEORIGIN"']);
    // Both still hide the backend's copy of everything they send, the server's headers included.
    expect(a.proxy!.hideHeaders).toEqual([...tls.headers.map((h) => h.name), "X-Extra"]);
  });
});

describe("one Vary line where the location compresses", () => {
  const route = (path: string, input: Parameters<typeof spec>[0]) => locations(input).find((l) => l.comment.startsWith(`route ${path} `))!;
  const CORS = { origins: ["https://app.example.com"] };

  it("a CORS route that compresses names Accept-Encoding in its own Vary and turns gzip_vary off", () => {
    const l = route("/api/", { routes: [{ kind: "api", path: "/api/", cors: CORS }] });
    expect(header(l.headers, "Vary")).toEqual(['"Origin, Accept-Encoding"']);
    expect(l.gzipVaryOff).toBe(true);
  });

  it("a route that does not compress (compression: false, sse) or an edge without gzip keeps Vary: Origin and gzip_vary", () => {
    for (const l of [
      route("/api/", { routes: [{ kind: "api", path: "/api/", compression: false, cors: CORS }] }),
      route("/events", { routes: [{ kind: "sse", path: "/events", match: "exact", cors: CORS }] }),
      route("/api/", { compression: { gzip: { enabled: false } }, routes: [{ kind: "api", path: "/api/", cors: CORS }] }),
    ]) {
      expect(header(l.headers, "Vary")).toEqual(["Origin"]);
      expect(l.gzipVaryOff).toBe(false);
    }
  });

  it("an author's Vary joins too; * or a list that names Accept-Encoding stays as written", () => {
    expect(header(route("/a/", { routes: [{ kind: "api", path: "/a/", headers: { Vary: "Cookie" } }] }).headers, "Vary")).toEqual(['"Cookie, Accept-Encoding"']);
    expect(header(route("/a/", { routes: [{ kind: "api", path: "/a/", headers: { Vary: "*" } }] }).headers, "Vary")).toEqual(['"*"']);
    expect(header(route("/a/", { routes: [{ kind: "api", path: "/a/", headers: { Vary: "accept-encoding, Cookie" } }] }).headers, "Vary")).toEqual(['"accept-encoding, Cookie"']);
    expect(route("/a/", { routes: [{ kind: "api", path: "/a/", headers: { Vary: "*" } }] }).gzipVaryOff).toBe(true);
  });

  it("an empty Vary (which nginx does not send) stays as written with gzip_vary on; a blank one joins like any other (the fuzz found both)", () => {
    const empty = route("/a/", { routes: [{ kind: "api", path: "/a/", headers: { Vary: "" } }] });
    expect(header(empty.headers, "Vary")).toEqual(['""']);
    expect(empty.gzipVaryOff).toBe(false);
    const blank = route("/a/", { routes: [{ kind: "api", path: "/a/", headers: { Vary: "   " } }] });
    expect(header(blank.headers, "Vary")).toEqual(['"   , Accept-Encoding"']);
    expect(blank.gzipVaryOff).toBe(true);
  });

  it("a route without a Vary of its own leaves gzip_vary to nginx", () => {
    const l = route("/api/", { routes: [{ kind: "api", path: "/api/" }] });
    expect(header(l.headers, "Vary")).toEqual([]);
    expect(l.gzipVaryOff).toBe(false);
    expect(renderNginxConf(spec({ routes: [{ kind: "api", path: "/api/", cors: CORS }] }), OPTIONS)).toMatch(/add_header Vary "Origin, Accept-Encoding" always;\n\s+gzip_vary off;/);
  });
});
