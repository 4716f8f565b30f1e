// Header fields of the spec: response headers that replace the generated ones (route, top level,
// and per site), extra upstream request headers, and the request id. Zod fragments reused by every
// place that takes them, so the same refusals hold everywhere.
import { z } from "zod";
import { headerName, headerValue, responseHeaderName } from "./values.js";
import { NGINX_MAX_QUOTED_ARGUMENT, quotedLength } from "../nginx-syntax/quote.js";

/** Refuses a record whose names repeat under another spelling (HTTP header names ignore case). */
function uniqueIgnoringCase(record: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const seen = new Map<string, string>();
  for (const name of Object.keys(record)) {
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) ctx.addIssue({ code: "custom", path: [name], message: `${name} and ${first} are the same header (names ignore case): keep one` });
    else seen.set(name.toLowerCase(), name);
  }
}

/** What a compressing location appends to an author's Vary, so one Vary line names both. */
export const VARY_ACCEPT_ENCODING = ", Accept-Encoding";

/** An author's Vary is sent as one line with Accept-Encoding where the edge compresses: it must still fit one nginx argument. */
function varyLeavesRoomForAcceptEncoding(headers: Record<string, string | null>, ctx: z.RefinementCtx): void {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== "vary" || value === null) continue;
    if (quotedLength(`${value}${VARY_ACCEPT_ENCODING}`) > NGINX_MAX_QUOTED_ARGUMENT) {
      ctx.addIssue({ code: "custom", path: [name], message: `too long for a Vary: where the edge compresses, '${VARY_ACCEPT_ENCODING}' is added to it and the whole must fit one nginx argument (${NGINX_MAX_QUOTED_ARGUMENT} characters quoted)` });
    }
  }
}

/**
 * Response headers set by the spec's author. A value replaces a generated header of the same name
 * (case-insensitive: security headers, HSTS, Cache-Control of static routes, X-Cache-Status, the
 * request id) instead of adding a second one; null removes the generated header.
 */
export const responseHeaders = (where: string) =>
  z
    .record(responseHeaderName(), headerValue().nullable())
    .superRefine(uniqueIgnoringCase)
    .superRefine(varyLeavesRoomForAcceptEncoding)
    .default({})
    .describe(
      `Response headers for ${where}. A name edgekit generates (security headers, Strict-Transport-Security, Cache-Control of static routes, the cache status, X-Request-ID) is replaced, whatever its spelling, never sent twice; null removes the generated header (on proxied routes the backend's own then passes through). On proxied routes the backend's header of the same name is dropped, so the edge's value is the only one. Not the framing and hop-by-hop headers nginx writes itself (Content-Length, Transfer-Encoding, Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade, Host).`,
    );

/**
 * Request headers nobody but nginx may set toward the backend: framing and hop-by-hop headers
 * (nginx manages the upstream connection and the body's length), and those edgekit sets itself.
 */
export const RESERVED_REQUEST_HEADERS: Readonly<Record<string, string>> = {
  "content-length": "framing: nginx writes the body's length to the backend",
  "transfer-encoding": "framing: nginx decides how the body is sent to the backend",
  connection: "hop-by-hop: nginx manages the upstream connection (keep-alive, WebSocket upgrades)",
  "keep-alive": "hop-by-hop: nginx manages the upstream connection",
  "proxy-connection": "hop-by-hop: it describes one connection",
  te: "hop-by-hop: it describes one connection",
  trailer: "framing: nginx sends no trailers upstream",
  upgrade: "hop-by-hop: only websocket routes pass Upgrade, and edgekit sets it there",
  expect: "nginx answers 100-continue itself",
  host: "edgekit sets Host to the name the client asked for",
  "x-real-ip": "edgekit sets it to the client address ($remote_addr, see realIp)",
  "x-forwarded-for": "edgekit sets it: the trusted proxies' chain, or the client address (see realIp)",
  "x-forwarded-proto": "edgekit sets it: the trusted proxy's value, or the scheme nginx served (see realIp, tls.terminatedBy)",
  "x-forwarded-host": "edgekit sets it: the trusted proxy's value, or the Host nginx served",
  "x-request-id": "edgekit sets it from requestId",
};

const X_ACCEL = "X-Accel-* are nginx's controls in a backend's response; sent to the backend they do nothing";

/**
 * nginx variables a request header may carry: facts about the connection and request that hold no
 * line breaks and are not free text from the client (no $http_*, $arg_*, $cookie_*). $request_id is
 * the id edgekit keeps or makes (see requestId) and $scheme the client's (see tls.terminatedBy).
 */
export const REQUEST_HEADER_VARIABLES = [
  "remote_addr",
  "remote_port",
  "request_id",
  "host",
  "server_name",
  "server_port",
  "scheme",
  "request_method",
  "ssl_protocol",
  "ssl_cipher",
  "ssl_server_name",
  "time_iso8601",
  "msec",
  "connection",
  "connection_requests",
] as const;
export type RequestHeaderVariable = (typeof REQUEST_HEADER_VARIABLES)[number];

export function isRequestHeaderVariable(name: string): name is RequestHeaderVariable {
  return (REQUEST_HEADER_VARIABLES as readonly string[]).includes(name);
}

/** `$name` or `${name}` in a request header value. */
const VARIABLE = /\$(?:\{([A-Za-z0-9_]*)\}|([A-Za-z0-9_]*))/g;

/** A request header value split into literal text and allowed variables, in order. */
export type ValuePart = { literal: string } | { variable: string };

export function requestHeaderParts(value: string): ValuePart[] {
  const parts: ValuePart[] = [];
  let at = 0;
  for (const m of value.matchAll(VARIABLE)) {
    if (m.index > at) parts.push({ literal: value.slice(at, m.index) });
    parts.push({ variable: m[1] ?? m[2] ?? "" });
    at = m.index + m[0].length;
  }
  if (at < value.length) parts.push({ literal: value.slice(at) });
  return parts;
}

const requestHeaderValue = () =>
  z
    .string()
    .max(1024)
    .regex(/^[\x20-\x7e]*$/, "printable ASCII without control characters")
    .superRefine((value, ctx) => {
      for (const part of requestHeaderParts(value)) {
        if ("variable" in part && !isRequestHeaderVariable(part.variable)) {
          ctx.addIssue({
            code: "custom",
            message: `$${part.variable} is not a variable a request header may carry: use ${REQUEST_HEADER_VARIABLES.map((v) => `$${v}`).join(", ")} (a literal '$' cannot be sent)`,
          });
        }
      }
    });

const requestHeaderName = () =>
  headerName().superRefine((name, ctx) => {
    const why = RESERVED_REQUEST_HEADERS[name.toLowerCase()] ?? (name.toLowerCase().startsWith("x-accel-") ? X_ACCEL : undefined);
    if (why) ctx.addIssue({ code: "custom", message: `${name} cannot be set as a request header (${why})` });
  });

export const requestHeaders = z
  .record(requestHeaderName(), requestHeaderValue())
  .superRefine(uniqueIgnoringCase)
  .default({})
  .describe(
    `Extra headers sent to the backend (proxy_set_header): literal text and these nginx variables, as $name or \${name}: ${REQUEST_HEADER_VARIABLES.map((v) => `$${v}`).join(", ")}. Any other variable is refused (client text such as $http_* could carry what the backend trusts), and so are the framing and hop-by-hop headers and those edgekit sets (Host, X-Real-IP, X-Forwarded-*, X-Request-ID). An empty value removes the client's header of that name.`,
  );

/** What an incoming X-Request-ID must be made of to be kept: one token, nothing a log could misread. */
export const REQUEST_ID_CHARACTERS = "A-Za-z0-9._:+/=-";
export const REQUEST_ID_MAX_LENGTH = 128;
const REQUEST_ID_PATTERN = `^[${REQUEST_ID_CHARACTERS}]{1,${REQUEST_ID_MAX_LENGTH}}$`;

export const requestId = z
  .strictObject({
    keepIncoming: z
      .enum(["valid", "trusted", "never"])
      .default("valid")
      .describe(
        `Whether a request's own X-Request-ID is kept: valid = when it matches ${REQUEST_ID_PATTERN} (from anyone: a client can't put spaces, quotes or line breaks in logs, but can choose its id); trusted = only when it also comes from a trusted proxy (realIp.from, with realIp enabled); never = always a fresh one. Otherwise nginx makes one ($request_id, 32 hex digits).`,
      ),
    response: z.boolean().default(true).describe("Return the id to the client in X-Request-ID (replacing the backend's own, if any)."),
  })
  .prefault({})
  .describe("The request id: kept or made at the edge, sent to the backend in X-Request-ID, written in the JSON access log, and returned to the client.");
