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
import type { LocationModel, ServerModel } from "./nginx.js";
import { securityHeaders, type HeaderLine } from "./security-headers.js";

/** Permanent redirect that keeps the method and body. */
const HTTPS_REDIRECT_STATUS = 308;

/** server_name of the refusing default server: a name no client sends. */
const NO_NAME = "_";

export interface LocationBuilder {
  /** The container health check and the status page, for plain-HTTP servers. */
  internal(headers: HeaderLine[]): LocationModel[];
  /** The status page alone, for https servers. */
  status(headers: HeaderLine[]): LocationModel[];
  /** The site's routes and, when none covers `/`, the catch-all 404. */
  routes(site: Site, headers: HeaderLine[]): LocationModel[];
  /** The spec's error pages: the server's error_page lines and the named locations that answer them. */
  errorPages(headers: HeaderLine[]): { server: ErrorPageLine[]; named: LocationModel[] };
  /** A location with only a partial, a selector and headers. */
  fixed(partial: LocationModel["partial"], selector: string, comment: string, headers: HeaderLine[]): LocationModel;
}

/**
 * The generated security headers with the site's own headers in place of any of the same name
 * (compared case-insensitively, as HTTP does), the site's after them in name order.
 */
export function withSiteHeaders(generated: HeaderLine[], own: Record<string, string>): HeaderLine[] {
  const names = new Set(Object.keys(own).map((n) => n.toLowerCase()));
  const ownLines = Object.entries(own)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name: token(name), value: quote(value) }));
  return [...generated.filter((h) => !names.has(h.name.toLowerCase())), ...ownLines];
}

export function siteServers(spec: Spec, build: LocationBuilder): ServerModel[] {
  const sites = specSites(spec);
  const refuse = spec.defaultServer === "refuse";
  const h2Directive = hasFeature(spec.nginx.version, "http2-directive");
  // Security headers: once per server with `add_header_inherit merge` where nginx has it, else
  // repeated in every location (a location's own add_header drops all inherited ones there).
  const native = hasFeature(spec.nginx.version, "add-header-inherit");
  const placed = (headers: HeaderLine[]) => ({ headerInherit: native ? ("merge" as const) : null, server: native ? headers : [], location: native ? [] : headers });
  const serverHeaders = (headers: HeaderLine[]) => ({ headerInherit: placed(headers).headerInherit, headers: placed(headers).server });
  // default_server goes on the first server of each port: the refusing one, else the first site's.
  const listen = (port: number, extra: string, isDefault: boolean) => {
    const flag = isDefault ? " default_server" : "";
    return [`${port}${extra}${flag}`, ...(spec.listen.ipv6 ? [`[::]:${port}${extra}${flag}`] : [])];
  };
  const named = (site: Site) => (site.id === null ? "" : `site ${site.id}: `);
  const shell = (site: Site) => ({ serverNames: site.names.map(token).join(" "), rejectHandshake: false });

  const plainHeaders = (site: Site) => withSiteHeaders(securityHeaders(spec, { https: false }), site.headers);
  const tlsHeaders = (site: Site) => withSiteHeaders(securityHeaders(spec, { https: true }), site.headers);
  const httpsPortSuffix = spec.listen.httpsPort === 443 ? "" : `:${spec.listen.httpsPort}`;
  const hostRedirect = (site: Site, scheme: string, port: string, headers: HeaderLine[]): LocationModel[] => {
    const redirect = site.redirect!;
    return [{ ...build.fixed("redirect", "/", `redirect every request to ${redirect.to}, path and query kept`, headers), redirect: { status: redirect.status, url: `${scheme}://${token(redirect.to)}${port}$request_uri` } }];
  };
  const content = (site: Site, scheme: string, port: string, headers: HeaderLine[]) =>
    site.redirect ? hostRedirect(site, scheme, port, headers) : build.routes(site, headers);

  const http2 = spec.http2.enabled;
  const sslListen = ` ssl${http2 && !h2Directive ? " http2" : ""}`;
  const refusing = (https: boolean): ServerModel => {
    const headers = placed(securityHeaders(spec, { https }));
    const locations = https ? [] : [...build.internal(headers.location), { ...build.fixed("refuse", "/", "a name no site lists: close the connection without a response", headers.location) }];
    return {
      comment: https ? `HTTPS on ${spec.listen.httpsPort}: the default server, a TLS client asking for a name no site lists is refused in the handshake` : `plain HTTP on ${spec.listen.httpPort}: the default server, internal checks, every other request refused (444)`,
      listens: https ? listen(spec.listen.httpsPort, sslListen, true) : listen(spec.listen.httpPort, "", true),
      http2On: false,
      http3On: false,
      serverNames: NO_NAME,
      rejectHandshake: https,
      certificates: [],
      // A rejected handshake sends no response to carry headers.
      ...(https ? { headerInherit: null, headers: [] } : serverHeaders(headers.server)),
      errorPages: [],
      locations,
    };
  };

  if (!spec.tls.enabled) {
    const servers = sites.map((site, i): ServerModel => {
      const headers = placed(plainHeaders(site));
      return {
        comment: `${named(site)}plain HTTP on ${spec.listen.httpPort} (TLS is terminated elsewhere)`,
        listens: listen(spec.listen.httpPort, "", !refuse && i === 0),
        http2On: false,
        http3On: false,
        ...shell(site),
        certificates: [],
        ...serverHeaders(headers.server),
        errorPages: build.errorPages(headers.location).server,
        locations: [...(!refuse && i === 0 ? build.internal(headers.location) : []), ...content(site, "$scheme", "", headers.location), ...build.errorPages(headers.location).named],
      };
    });
    return refuse ? [refusing(false), ...servers] : servers;
  }

  const plain = sites.map((site, i): ServerModel => {
    const headers = placed(plainHeaders(site));
    // The container health check and the exporter ask by address or service name: the default server.
    const internal = !refuse && i === 0;
    const redirect: LocationModel = spec.tls.redirectHttp
      ? { ...build.fixed("redirect", "/", "redirect everything else to https", headers.location), redirect: { status: HTTPS_REDIRECT_STATUS, url: `https://$host${httpsPortSuffix}$request_uri` } }
      : build.fixed("not-found", "/", "plain HTTP serves nothing else (tls.redirectHttp is off)", headers.location);
    return {
      comment: `${named(site)}plain HTTP on ${spec.listen.httpPort}: ${internal ? "internal checks, then " : ""}a redirect`,
      listens: listen(spec.listen.httpPort, "", !refuse && i === 0),
      http2On: false,
      http3On: false,
      ...shell(site),
      certificates: [],
      ...serverHeaders(headers.server),
      errorPages: build.errorPages(headers.location).server,
      locations: [...(internal ? build.internal(headers.location) : []), redirect, ...build.errorPages(headers.location).named],
    };
  });
  const https = sites.map((site, i): ServerModel => {
    const headers = placed(tlsHeaders(site));
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
      ...serverHeaders(headers.server),
      errorPages: build.errorPages(headers.location).server,
      locations: [...build.status(headers.location), ...content(site, "https", httpsPortSuffix, headers.location), ...build.errorPages(headers.location).named],
    };
  });
  if (!refuse) return [...plain, ...https];
  return [refusing(false), ...plain, refusing(true), ...https];
}
