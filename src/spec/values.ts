// Validated value types for every spec string that reaches nginx, compose or prometheus.
// Each is a zod string with a pattern narrow enough that no value can break out of its
// directive: none admits `;`, `{`, `}`, quotes, `$`, `#`, whitespace or control characters
// unless the renderer quotes it (see src/render/nginx-quote.ts).
import { isIP } from "node:net";
import { z } from "zod";
import { DEFAULT_NGINX_VERSION } from "../nginx-features/index.js";
import { NGINX_MAX_QUOTED_ARGUMENT, quotedLength } from "../nginx-syntax/quote.js";

const MAX_DURATION_MS = 365 * 86_400_000;
// Range checks run only on values the pattern accepted (zod runs every check; the pattern reports the rest).
const DURATION = /^[0-9]+(ms|s|m|h|d)$/;
const SIZE = /^[0-9]+[kmg]?$/;

/**
 * nginx time: a positive number and a unit (ms, s, m, h, d), at most a year. `zeroHint` says, where
 * an operator may reach for 0, what to write instead (it becomes part of the error).
 */
export const duration = (zeroHint?: string) =>
  z
    .string()
    .regex(/^[0-9]{1,9}(ms|s|m|h|d)$/, "a duration such as 500ms, 30s, 5m, 1h or 1d")
    .refine((v) => !DURATION.test(v) || durationMs(v) > 0, zeroHint ? `a duration above 0: ${zeroHint}` : "a duration above 0 and at most 365d")
    .refine((v) => !DURATION.test(v) || durationMs(v) <= MAX_DURATION_MS, "a duration above 0 and at most 365d");

/** A duration nginx reads in whole seconds (fail_timeout, ssl_session_timeout, cache times). */
export const durationSeconds = () =>
  z
    .string()
    .regex(/^[0-9]{1,9}(s|m|h|d)$/, "a duration in whole seconds or more, such as 10s, 5m, 1h or 1d (no ms)")
    .refine((v) => !DURATION.test(v) || (durationMs(v) > 0 && durationMs(v) <= MAX_DURATION_MS), "a duration above 0 and at most 365d");

/** nginx size (ngx_parse_size): a number with an optional k or m suffix, within [min, max] bytes. */
export const size = (min = 0, max = 1024 ** 3) =>
  z
    .string()
    .regex(/^[0-9]{1,9}[km]?$/, "a size such as 512, 16k or 10m")
    .refine((v) => !SIZE.test(v) || (sizeBytes(v) >= min && sizeBytes(v) <= max), `a size from ${humanSize(min)} to ${humanSize(max)}`);

/** A shared memory zone: nginx refuses zones under 32k. */
export const zoneSize = () => size(32 * 1024, 1024 ** 3);

/** A disk size (ngx_parse_offset): k, m or g. */
export const diskSize = () => z.string().regex(/^[0-9]{1,9}[kmg]?$/, "a size such as 512m or 10g");

function humanSize(bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}g`;
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}m`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024}k`;
  return String(bytes);
}

/** A plain IP address (resolvers): no prefix, no IPv6 zone id. */
export const ipAddress = () => z.string().refine((v) => isIP(v) !== 0 && nginxParsesIp(v), "an IP address such as 1.1.1.1 or 2606:4700:4700::1111");

/**
 * Addresses Node accepts but nginx's parser refuses: IPv6 zone ids (fe80::1%eth0), and a `::`
 * that stands for a single group (1:2:3:4:5:6:7::, which must be written 1:2:3:4:5:6:7:0).
 */
export function nginxParsesIp(address: string): boolean {
  if (isIP(address) !== 6) return isIP(address) === 4;
  if (address.includes("%")) return false;
  if (!address.includes("::")) return true;
  const groups = address.split(":").filter((g) => g !== "");
  const explicit = groups.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  return explicit <= 6;
}

/** limit_req rate: requests per second or per minute. */
export const rate = () =>
  z.string().regex(/^[1-9][0-9]{0,8}r\/(s|m)$/, "a rate such as 10r/s or 600r/m");

/** A DNS name usable in server_name (optionally a leading wildcard label). */
export const hostname = () =>
  z
    .string()
    .max(253)
    .regex(
      /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
      "a lower-case DNS name such as example.com or *.example.com (letters, digits, '-' and '.')",
    );

/** An upstream server host: a DNS name (compose service names count) or an IP address. */
export const host = () =>
  z
    .string()
    .max(253)
    .refine(
      (v) =>
        (isIP(v) !== 0 && nginxParsesIp(v)) ||
        /^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?)*$/.test(v),
      "a host name (such as backend or api.internal) or an IP address",
    );

export const port = () => z.number().int().min(1).max(65535);

/** An IPv4/IPv6 address or CIDR block, as allow/deny and set_real_ip_from accept. */
export const cidr = () =>
  z.string().refine(isCidr, "an IP address or CIDR block such as 10.0.0.0/8 or fd00::/8");

export function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split("/");
  if (rest.length > 0 || address === undefined) return false;
  const family = isIP(address);
  if (family === 0 || !nginxParsesIp(address)) return false;
  if (prefix === undefined) return true;
  if (!/^[0-9]{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** A location path: starts with '/', URL characters only (no spaces, quotes, braces, ';', '$', '#'). */
export const locationPath = () =>
  z
    .string()
    .max(1024)
    .regex(
      /^\/[A-Za-z0-9._~!*@:+,=%/-]*$/,
      "a URL path starting with '/' (letters, digits and . _ ~ ! * @ : + , = % / - only)",
    );

/** A name used for nginx identifiers (upstream, zone) and compose services. */
export const identifier = () =>
  z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, "a lower-case identifier (a-z, 0-9, '_'; starts with a letter)");

/** An HTTP header name (a conservative subset of the RFC 9110 token). */
export const headerName = () =>
  z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, "an HTTP header name (letters, digits and '-')");

/** The longest header value without quotes or backslashes: the quoted argument less its two quotes. */
export const MAX_HEADER_VALUE = NGINX_MAX_QUOTED_ARGUMENT - 2;

/**
 * Response headers nginx writes itself, by lower-case name, with why a second copy from add_header
 * breaks the response. Framing headers give the response two lengths (clients refuse it or read the
 * wrong body); hop-by-hop headers describe one connection, which nginx manages, and HTTP/2 and
 * HTTP/3 forbid them outright (clients reset the stream).
 */
export const NGINX_OWNED_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  "content-length": "framing: nginx writes the body's length; a second Content-Length gives the response two lengths and clients refuse it",
  "transfer-encoding": "framing: nginx chooses chunked or not; a second Transfer-Encoding makes the body's end ambiguous (response smuggling)",
  connection: "hop-by-hop: nginx manages the client connection; HTTP/2 and HTTP/3 clients reset a response that carries it",
  "keep-alive": "hop-by-hop: nginx manages keep-alive (client.keepalive); HTTP/2 and HTTP/3 clients reset a response that carries it",
  "proxy-connection": "hop-by-hop: it describes one connection; HTTP/2 and HTTP/3 clients reset a response that carries it",
  te: "hop-by-hop: it is a request header about one connection; HTTP/2 and HTTP/3 clients reset a response that carries it",
  trailer: "framing: it announces trailer fields after a chunked body, which add_header cannot send",
  upgrade: "hop-by-hop: protocol switching is negotiated per connection by nginx (use a websocket route); HTTP/2 and HTTP/3 forbid it",
  host: "a request header: it names the server the client asked for and means nothing in a response",
};

/** A response header name that add_header may set: not one nginx writes itself, nor an HTTP/2 pseudo-header. */
export const responseHeaderName = () =>
  headerName()
    .refine((v) => !v.startsWith(":"), "HTTP/2 pseudo-headers (:status, :path, ...) are written by nginx's HTTP/2 layer and cannot be added")
    .superRefine((v, ctx) => {
      const why = NGINX_OWNED_RESPONSE_HEADERS[v.toLowerCase()];
      if (why) ctx.addIssue({ code: "custom", message: `${v} cannot be set as a response header (${why}); remove it and let nginx write it` });
    });

/**
 * An HTTP header value. Quoted by the renderer; `$` is refused because nginx would expand it as a
 * variable (nginx has no escape for it), and control characters because they split headers.
 */
export const headerValue = () =>
  z
    .string()
    .max(MAX_HEADER_VALUE, `at most ${MAX_HEADER_VALUE} characters: nginx refuses a longer directive argument ("too long parameter")`)
    .regex(/^[\x20-\x23\x25-\x7e]*$/, "printable ASCII without '$' or control characters")
    .refine((v) => v.length > MAX_HEADER_VALUE || quotedLength(v) <= NGINX_MAX_QUOTED_ARGUMENT, {
      error: (issue) =>
        `at most ${MAX_HEADER_VALUE} characters once quoted for nginx, where each " and \\ counts twice (this one is ${quotedLength(String(issue.input)) - 2}): nginx refuses a longer directive argument ("too long parameter")`,
    });

/** An absolute file-system path (certificates, logs, cache). */
export const absolutePath = () =>
  z
    .string()
    .max(1024)
    .regex(/^\/[A-Za-z0-9._/-]*$/, "an absolute path (letters, digits and . _ / - only)");

/** A path relative to the spec file (build contexts, Dockerfiles, static roots on the host). */
export const relativePath = () =>
  z
    .string()
    .max(1024)
    .regex(/^(\.|\.\.|[A-Za-z0-9._-]+)(\/[A-Za-z0-9._-]+)*\/?$/, "a relative path such as . or deploy/backend");

export const mimeType = () =>
  z
    .string()
    .regex(/^[a-z0-9]+\/[a-z0-9.+-]+$/, "a MIME type such as application/json")
    .refine((v) => v !== "text/event-stream", "text/event-stream must never be compressed (it would buffer events)");

export const dockerImage = () =>
  z
    .string()
    .regex(/^[a-z0-9]([a-z0-9._/:@-]{0,254})$/, "a Docker image reference such as nginx:1.27 or ghcr.io/org/app:1.2");

export const envName = () => z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, "an upper-case environment variable name");

export const nginxVersion = () =>
  z.string().regex(/^[0-9]{1,2}\.[0-9]{1,3}\.[0-9]{1,3}$/, `an nginx version such as ${DEFAULT_NGINX_VERSION}`);

/** A cookie name; matched by a regex on the Cookie header, so dots and dashes are fine. */
export const cookieName = () =>
  z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "a cookie name (letters, digits and . _ -)");

/** A Unix user name. */
export const userName = () =>
  z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "a Unix user name such as www-data or nginx");

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds in an nginx duration string that the `duration()` schema accepted. */
export function durationMs(value: string): number {
  const match = /^([0-9]+)(ms|s|m|h|d)$/.exec(value);
  if (!match) throw new Error(`not a duration: ${value}`);
  return Number(match[1]) * DURATION_MS[match[2]!]!;
}

const SIZE_BYTES: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Bytes in an nginx size string that the `size()` schema accepted. */
export function sizeBytes(value: string): number {
  const match = /^([0-9]+)([kmg]?)$/.exec(value);
  if (!match) throw new Error(`not a size: ${value}`);
  return Number(match[1]) * SIZE_BYTES[match[2]!]!;
}
