// Server blocks: one per site and port (plain HTTP with the redirect to https; https with the
// site's certificates). The internal checks (health check, status page) sit on the plain-HTTP
// default server, which the container health check and the exporter reach by address or service
// name. With `defaultServer: refuse` that is a server of its own, one per port, answering no
// name: 444 on plain HTTP, a rejected handshake on https. The locations come from nginx.ts
// through `LocationBuilder`, so this file decides only the servers.
import { hasFeature } from "../nginx-features/index.js";
import { quote, token } from "../nginx-syntax/quote.js";
import type { Spec } from "../spec/schema.js";
import { specSites, type Site } from "../spec/sites.js";
import type { ErrorPageLine } from "./nginx-answers.js";
import type { LocationModel, ServerHeaders, ServerModel } from "./nginx.js";
import { serverResponseHeaders } from "./nginx-headers.js";
import { mergeResponseHeaders } from "./response-headers.js";
import type { HeaderLine } from "./security-headers.js";
import type { RawBlockModel } from "./nginx-raw.js";

/** Permanent redirect that keeps the method and body. */
const HTTPS_REDIRECT_STATUS = 308;

/** server_name of the refusing default server: a name no client sends. */
const NO_NAME = "_";

/** `headers`: the server's response headers, which each location carries or inherits. */
export interface LocationBuilder {
  /** The container health check and the status page, for plain-HTTP servers. */
  internal(headers: ServerHeaders): LocationModel[];
  /** The status page alone, for https servers. */
  status(headers: ServerHeaders): LocationModel[];
  /** The site's routes and, when none covers `/`, the catch-all 404. */
  routes(site: Site, headers: ServerHeaders): LocationModel[];
  /** The site's error pages: the server's error_page lines and the named locations that answer them. */
  errorPages(site: Site, headers: ServerHeaders): { server: ErrorPageLine[]; named: LocationModel[] };
  /** A location with only a partial, a selector and the server's headers. */
  fixed(partial: LocationModel["partial"], selector: string, comment: string, headers: ServerHeaders): LocationModel;
  /** Raw server directives of the server that carries the site's routes (https, or plain without TLS). */
  raw(site: Site): RawBlockModel[];
}

/**
 * The generated headers with the site's own in place of any of the same name (compared
 * case-insensitively, as HTTP does; null removes it), the site's new ones after them in name order:
 * the shared merge of src/model/response-headers.ts.
 */
export function withSiteHeaders(generated: HeaderLine[], own: Readonly<Record<string, string | null>>): HeaderLine[] {
  return mergeResponseHeaders(generated, Object.fromEntries(Object.entries(own).map(([name, value]) => [token(name), value === null ? null : quote(value)])));
}

/** nginx's default server_names_hash_bucket_size (one cache line). */
const DEFAULT_NAMES_BUCKET = 64;

/**
 * server_names_hash_bucket_size for the spec's names, or null where nginx's 64 bytes do: nginx
 * builds the names hash only for a port several servers share (several sites, or the refusing
 * default server), and a bucket must hold a name's entry (a pointer and the name plus 2, aligned
 * to 8) and a terminating pointer, or nginx refuses to start ("could not build server_names_hash").
 * A 253-character name needs 272 bytes; the next power of two is used.
 */
export function serverNamesHashBucketSize(spec: Spec): number | null {
  const sites = specSites(spec);
  if (sites.length < 2 && spec.defaultServer !== "refuse") return null;
  const longest = Math.max(...sites.flatMap((s) => s.names.map((n) => n.length)));
  const needed = 8 + Math.ceil((longest + 2) / 8) * 8 + 8;
  if (needed <= DEFAULT_NAMES_BUCKET) return null;
  let size = DEFAULT_NAMES_BUCKET;
  while (size < needed) size *= 2;
  return size;
}

export function siteServers(spec: Spec, build: LocationBuilder): ServerModel[] {
  const sites = specSites(spec);
  const refuse = spec.defaultServer === "refuse";
  const h2Directive = hasFeature(spec.nginx.version, "http2-directive");
  // Security headers: once per server with `add_header_inherit merge` where nginx has it, else
  // repeated in every location (a location's own add_header drops all inherited ones there).
  const native = hasFeature(spec.nginx.version, "add-header-inherit");
  // The server's headers (generated, under the top-level and the site's) for its locations to carry or inherit.
  const placed = (https: boolean, site: Site | null): ServerHeaders => ({ https, lines: serverResponseHeaders(spec, { https }, ...(site ? [site.headers] : [])), native });
  const serverHeaders = (headers: ServerHeaders) => ({ headerInherit: native ? ("merge" as const) : null, headers: native ? headers.lines : [] });
  // default_server goes on the first server of each port: the refusing one, else the first site's.
  const listen = (port: number, extra: string, isDefault: boolean) => {
    const flag = isDefault ? " default_server" : "";
    return [`${port}${extra}${flag}`, ...(spec.listen.ipv6 ? [`[::]:${port}${extra}${flag}`] : [])];
  };
  const named = (site: Site) => (site.id === null ? "" : `site ${site.id}: `);
  const shell = (site: Site) => ({ serverNames: site.names.map(token).join(" "), rejectHandshake: false });

  const httpsPortSuffix = spec.listen.httpsPort === 443 ? "" : `:${spec.listen.httpsPort}`;
  const hostRedirect = (site: Site, scheme: string, port: string, headers: ServerHeaders): LocationModel[] => {
    const redirect = site.redirect!;
    return [{ ...build.fixed("redirect", "/", `redirect every request to ${redirect.to}, path and query kept`, headers), redirect: { status: redirect.status, url: `${scheme}://${token(redirect.to)}${port}$request_uri` } }];
  };
  const content = (site: Site, scheme: string, port: string, headers: ServerHeaders) =>
    site.redirect ? hostRedirect(site, scheme, port, headers) : build.routes(site, headers);

  const http2 = spec.http2.enabled;
  const sslListen = ` ssl${http2 && !h2Directive ? " http2" : ""}`;
  const refusing = (https: boolean): ServerModel => {
    const headers = placed(https, null);
    const locations = https ? [] : [...build.internal(headers), { ...build.fixed("refuse", "/", "a name no site lists: close the connection without a response", headers), headers: [], headerInherit: null }];
    return {
      comment: https ? `HTTPS on ${spec.listen.httpsPort}: the default server, a TLS client asking for a name no site lists is refused in the handshake` : `plain HTTP on ${spec.listen.httpPort}: the default server, internal checks, every other request refused (444)`,
      listens: https ? listen(spec.listen.httpsPort, sslListen, true) : listen(spec.listen.httpPort, "", true),
      http2On: false,
      http3On: false,
      serverNames: NO_NAME,
      rejectHandshake: https,
      certificates: [],
      // A rejected handshake sends no response to carry headers.
      ...(https ? { headerInherit: null, headers: [] } : serverHeaders(headers)),
      errorPages: [],
      locations,
      raw: [],
    };
  };

  if (!spec.tls.enabled) {
    const servers = sites.map((site, i): ServerModel => {
      const headers = placed(false, site);
      return {
        comment: `${named(site)}plain HTTP on ${spec.listen.httpPort} (TLS is terminated ${spec.tls.terminatedBy === "loadBalancer" ? "by the load balancer" : "elsewhere"})`,
        listens: listen(spec.listen.httpPort, "", !refuse && i === 0),
        http2On: false,
        http3On: false,
        ...shell(site),
        certificates: [],
        ...serverHeaders(headers),
        errorPages: build.errorPages(site, headers).server,
        locations: [...(!refuse && i === 0 ? build.internal(headers) : []), ...content(site, "$scheme", "", headers), ...build.errorPages(site, headers).named],
        raw: build.raw(site),
      };
    });
    return refuse ? [refusing(false), ...servers] : servers;
  }

  const plain = sites.map((site, i): ServerModel => {
    const headers = placed(false, site);
    // The container health check and the exporter ask by address or service name: the default server.
    const internal = !refuse && i === 0;
    const redirect: LocationModel = spec.tls.redirectHttp
      ? { ...build.fixed("redirect", "/", "redirect everything else to https", headers), redirect: { status: HTTPS_REDIRECT_STATUS, url: `https://$host${httpsPortSuffix}$request_uri` } }
      : build.fixed("not-found", "/", "plain HTTP serves nothing else (tls.redirectHttp is off)", headers);
    return {
      comment: `${named(site)}plain HTTP on ${spec.listen.httpPort}: ${internal ? "internal checks, then " : ""}a redirect`,
      listens: listen(spec.listen.httpPort, "", !refuse && i === 0),
      http2On: false,
      http3On: false,
      ...shell(site),
      certificates: [],
      ...serverHeaders(headers),
      errorPages: build.errorPages(site, headers).server,
      locations: [...(internal ? build.internal(headers) : []), redirect, ...build.errorPages(site, headers).named],
      raw: [],
    };
  });
  const https = sites.map((site, i): ServerModel => {
    const headers = placed(true, site);
    const first = i === 0;
    const listens = listen(spec.listen.httpsPort, sslListen, !refuse && first);
    // QUIC: reuseport (and default_server) once per address, on the first site: the refusing
    // server has no certificate to answer QUIC with.
    if (spec.tls.http3) listens.push(...listen(spec.listen.httpsPort, first ? " quic reuseport" : " quic", first));
    return {
      comment: `${named(site)}HTTPS on ${spec.listen.httpsPort}${http2 ? " with HTTP/2" : ""}${spec.tls.http3 ? " and HTTP/3" : ""}`,
      listens,
      http2On: http2 && h2Directive,
      http3On: spec.tls.http3,
      ...shell(site),
      certificates: site.certificates.map((c) => ({ cert: token(c.certificate), key: token(c.key) })),
      ...serverHeaders(headers),
      errorPages: build.errorPages(site, headers).server,
      locations: [...build.status(headers), ...content(site, "https", httpsPortSuffix, headers), ...build.errorPages(site, headers).named],
      raw: build.raw(site),
    };
  });
  if (!refuse) return [...plain, ...https];
  return [refusing(false), ...plain, refusing(true), ...https];
}
