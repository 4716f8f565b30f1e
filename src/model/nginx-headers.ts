// Headers across the edge, for nginx.conf: what the backend is told (Host, X-Real-IP, X-Forwarded-*,
// X-Request-ID and a route's requestHeaders), where X-Forwarded-* and X-Request-ID are believed only
// from trusted proxies (realIp.from) and otherwise set by the edge; and the response headers every
// location sends (security headers, HSTS, the request id) with the spec author's values replacing
// generated ones of the same name. The maps and the geo that decide trust are rendered at http level.
import { quote, token } from "../nginx-syntax/quote.js";
import { requestHeaderParts, REQUEST_ID_CHARACTERS, REQUEST_ID_MAX_LENGTH, VARY_ACCEPT_ENCODING, type RequestHeaderVariable } from "../spec/headers.js";
import type { Spec } from "../spec/schema.js";
import { mergeResponseHeaders, type NamedHeader } from "./response-headers.js";
import { hstsValue, securityHeaders, type HeaderLine } from "./security-headers.js";

/** A `geo` or `map` block: `entries` in order, `default` first. */
export interface LookupModel {
  kind: "geo" | "map";
  source: string;
  variable: string;
  entries: { key: string; value: string }[];
}

const TRUSTED = "$edgekit_trusted_proxy";
const FORWARDED_PROTO = "$edgekit_forwarded_proto";
const FORWARDED_FOR = "$edgekit_forwarded_for";
const FORWARDED_HOST = "$edgekit_forwarded_host";
const REQUEST_ID = "$edgekit_request_id";
const HSTS = "$edgekit_hsts";

/** The peers whose X-Forwarded-* are believed: realIp.from when realIp is on, else nobody. */
export function trustedProxies(spec: Spec): string[] {
  return spec.realIp.enabled ? spec.realIp.from : [];
}

/** The nginx expression of each fact the backend is told, given who is trusted. */
interface Forwarded {
  proto: string;
  for: string;
  host: string;
  requestId: string;
}

function forwarded(spec: Spec): Forwarded {
  const trusted = trustedProxies(spec).length > 0;
  const keepId = spec.requestId.keepIncoming === "valid" || (spec.requestId.keepIncoming === "trusted" && trusted);
  return {
    proto: trusted ? FORWARDED_PROTO : "$scheme",
    for: trusted ? FORWARDED_FOR : "$remote_addr",
    host: trusted ? FORWARDED_HOST : "$host",
    requestId: keepId ? REQUEST_ID : "$request_id",
  };
}

/** The request id nginx logs and sends: the kept incoming one or nginx's own. */
export function requestIdVariable(spec: Spec): string {
  return forwarded(spec).requestId;
}

/** An id made of REQUEST_ID_CHARACTERS, 1 to REQUEST_ID_MAX_LENGTH of them, and nothing else (\z: no trailing newline). */
const ID_PATTERN = `[${REQUEST_ID_CHARACTERS}]{1,${REQUEST_ID_MAX_LENGTH}}\\z`;

/**
 * The geo and maps behind the forwarded headers, the request id and HSTS behind a load balancer.
 * Trust is judged on the peer nginx sees ($realip_remote_addr: the load balancer, before realIp
 * replaces $remote_addr with the client it names).
 */
export function forwardingLookups(spec: Spec): LookupModel[] {
  const trusted = trustedProxies(spec);
  const f = forwarded(spec);
  const lookups: LookupModel[] = [];
  if (trusted.length > 0) {
    lookups.push({
      kind: "geo",
      source: "$realip_remote_addr",
      variable: TRUSTED,
      entries: [{ key: "default", value: "0" }, ...trusted.map((cidr) => ({ key: token(cidr), value: "1" }))],
    });
    lookups.push({
      kind: "map",
      source: `"${TRUSTED}:$http_x_forwarded_proto"`,
      variable: FORWARDED_PROTO,
      entries: [
        { key: "default", value: "$scheme" },
        { key: quote("1:https"), value: "https" },
        { key: quote("1:http"), value: "http" },
      ],
    });
    // A trusted chain gets the peer appended (its client is already in it); anyone else's is replaced.
    lookups.push({
      kind: "map",
      source: `"${TRUSTED}:$http_x_forwarded_for"`,
      variable: FORWARDED_FOR,
      entries: [
        { key: "default", value: "$remote_addr" },
        { key: quote("~^1:."), value: '"$http_x_forwarded_for, $realip_remote_addr"' },
      ],
    });
    lookups.push({
      kind: "map",
      source: `"${TRUSTED}:$http_x_forwarded_host"`,
      variable: FORWARDED_HOST,
      entries: [
        { key: "default", value: "$host" },
        { key: quote("~^1:."), value: "$http_x_forwarded_host" },
      ],
    });
  }
  if (f.requestId === REQUEST_ID) {
    const fromTrusted = spec.requestId.keepIncoming === "trusted";
    lookups.push({
      kind: "map",
      source: fromTrusted ? `"${TRUSTED}:$http_x_request_id"` : "$http_x_request_id",
      variable: REQUEST_ID,
      entries: [
        { key: "default", value: "$request_id" },
        { key: quote(`~^${fromTrusted ? "1:" : ""}${ID_PATTERN}`), value: "$http_x_request_id" },
      ],
    });
  }
  if (hstsFromLoadBalancer(spec)) {
    lookups.push({
      kind: "map",
      source: f.proto,
      variable: HSTS,
      entries: [
        { key: "default", value: '""' },
        { key: "https", value: quote(hstsValue(spec)) },
      ],
    });
  }
  return lookups;
}

/** HSTS goes out on the plain server, for requests a trusted load balancer received over https. */
function hstsFromLoadBalancer(spec: Spec): boolean {
  return !spec.tls.enabled && spec.tls.terminatedBy === "loadBalancer" && spec.tls.hsts.enabled && trustedProxies(spec).length > 0;
}

/**
 * What every proxied request tells the backend, in order: an Upgrade where the kind upgrades, an
 * empty Connection (so upstream keep-alive works) or the WebSocket map's "upgrade", then Host, the
 * client's address, the forwarded chain, scheme and host, and the request id.
 */
export function upstreamRequestHeaders(spec: Spec, upgrade: { variable: string } | null): { name: string; value: string }[] {
  const f = forwarded(spec);
  return [
    ...(upgrade ? [{ name: "Upgrade", value: "$http_upgrade" }] : []),
    { name: "Connection", value: upgrade ? upgrade.variable : '""' },
    { name: "Host", value: "$host" },
    { name: "X-Real-IP", value: "$remote_addr" },
    { name: "X-Forwarded-For", value: f.for },
    { name: "X-Forwarded-Proto", value: f.proto },
    { name: "X-Forwarded-Host", value: f.host },
    { name: "X-Request-ID", value: f.requestId },
  ];
}

/** A route's requestHeaders as proxy_set_header lines, in name order. */
export function routeRequestHeaders(spec: Spec, headers: Readonly<Record<string, string>>): { name: string; value: string }[] {
  const f = forwarded(spec);
  const variable: Record<RequestHeaderVariable, string> = {
    remote_addr: "$remote_addr",
    remote_port: "$remote_port",
    request_id: f.requestId,
    host: "$host",
    server_name: "$server_name",
    server_port: "$server_port",
    scheme: f.proto,
    request_method: "$request_method",
    ssl_protocol: "$ssl_protocol",
    ssl_cipher: "$ssl_cipher",
    ssl_server_name: "$ssl_server_name",
    time_iso8601: "$time_iso8601",
    msec: "$msec",
    connection: "$connection",
    connection_requests: "$connection_requests",
  };
  return Object.entries(headers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({
      name: token(name),
      value: quoteWithVariables(requestHeaderParts(value).map((p) => ("literal" in p ? p : { variable: variable[p.variable as RequestHeaderVariable] }))),
    }));
}

/**
 * One double-quoted nginx argument of literal text (quoted as quote() does) and variables (written
 * ${name}, so a letter after one never extends its name). Only edgekit's own variable names pass.
 */
function quoteWithVariables(parts: ({ literal: string } | { variable: string })[]): string {
  return `"${parts
    .map((p) => {
      if ("literal" in p) return quote(p.literal).slice(1, -1);
      if (!/^\$[a-z0-9_]+$/.test(p.variable)) throw new Error(`not an nginx variable: ${p.variable}`);
      return `\${${p.variable.slice(1)}}`;
    })
    .join("")}"`;
}

/**
 * The response headers nginx generates for every location of a server, before the author's: the
 * security headers (HSTS on https, or behind a load balancer from the map), then the request id.
 */
function generatedServerHeaders(spec: Spec, { https }: { https: boolean }): HeaderLine[] {
  const lines = securityHeaders(spec, { https });
  if (!https && hstsFromLoadBalancer(spec)) lines.unshift({ name: "Strict-Transport-Security", value: HSTS });
  if (spec.requestId.response) lines.push({ name: "X-Request-ID", value: requestIdVariable(spec) });
  return lines;
}

/** The author's values as nginx tokens (quoted literals), null kept (it removes). */
function quoted(overrides: Readonly<Record<string, string | null>>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(overrides).map(([name, value]) => [token(name), value === null ? null : quote(value)]));
}

/**
 * The headers every response of a server carries: generated ones under the top-level `headers`, then
 * under `layers` (a site's headers, for a server of several sites).
 */
export function serverResponseHeaders(spec: Spec, options: { https: boolean }, ...layers: Readonly<Record<string, string | null>>[]): HeaderLine[] {
  return mergeResponseHeaders(generatedServerHeaders(spec, options), quoted(spec.headers), ...layers.map(quoted));
}

/**
 * A route's response headers: the server's generated ones and the route's own generated ones
 * (Cache-Control of a static route, the cache status), under the top-level headers, then each of
 * `layers` in turn (a site's, then the route's). The author always wins, and a name is sent once.
 */
export function routeResponseHeaders(spec: Spec, options: { https: boolean }, generated: HeaderLine[], ...layers: Readonly<Record<string, string | null>>[]): HeaderLine[] {
  const all: NamedHeader<string>[] = [...generatedServerHeaders(spec, options), ...generated];
  return mergeResponseHeaders(all, quoted(spec.headers), ...layers.map(quoted));
}

/**
 * proxy_headers_hash_bucket_size for these proxy_set_header and proxy_hide_header names, or null
 * where nginx's 64 holds them. A bucket must hold one name: a pointer, the name and 2 bytes rounded
 * up to 8, and an end pointer. Measured with nginx -t: 64 holds names of up to 46 characters, 128 up
 * to 110, 256 the longest header name the schema admits (128) even 200 times.
 */
export function proxyHeadersHashBucketSize(names: readonly string[]): number | null {
  const longest = Math.max(0, ...names.map((n) => n.length));
  const need = 16 + Math.ceil((longest + 2) / 8) * 8;
  if (need <= 64) return null;
  let size = 128;
  while (size < need) size *= 2;
  return size;
}

/** Vary's list as one literal: a quoted value's text or a bare token, null for anything else (a variable). */
function literalText(value: string): string | null {
  if (/^"(?:[^"\\]|\\.)*"$/.test(value)) return value.slice(1, -1).replace(/\\(.)/g, "$1");
  return /^[A-Za-z0-9._~!*@:+,=%/\[\]-]+$/.test(value) ? value : null;
}

/**
 * A location that compresses, with gzip_vary on, sends nginx's own `Vary: Accept-Encoding` line on
 * every compressible answer; a Vary the location sends itself (CORS's `Vary: Origin`, an author's)
 * would then be a second Vary line (measured: `Vary: Accept-Encoding` and `Vary: Origin` on a gzip
 * answer of a CORS route). Such a location sends one Vary naming Accept-Encoding too, and turns
 * gzip_vary off (`joined`). A literal `*` or a list already naming Accept-Encoding is kept as it is.
 */
export function joinVaryWithAcceptEncoding(lines: HeaderLine[], compresses: boolean): { lines: HeaderLine[]; joined: boolean } {
  const at = lines.findIndex((h) => h.name.toLowerCase() === "vary");
  if (!compresses || at < 0) return { lines, joined: false };
  const text = literalText(lines[at]!.value);
  // An empty Vary sends none (nginx skips an empty add_header): gzip_vary then names Accept-Encoding alone.
  if (text === null || text === "") return { lines, joined: false };
  const names = text.split(",").map((n) => n.trim().toLowerCase());
  // The schema leaves room for the addition (varyLeavesRoomForAcceptEncoding in src/spec/headers.ts).
  const value = names.includes("*") || names.includes("accept-encoding") ? text : `${text}${VARY_ACCEPT_ENCODING}`;
  return { lines: lines.map((h, i) => (i === at ? { name: h.name, value: quote(value) } : h)), joined: true };
}
