// Route authentication: basic auth from a htpasswd file compose mounts as a secret (hashes only:
// the spec names the file, never a password), or forward auth, where an auth service answers a
// subrequest for every request and its identity headers are passed on to the backend.
import { posix } from "node:path";
import { z } from "zod";
import { duration, headerName, identifier, locationPath, relativePath } from "./values.js";

/**
 * The realm of `auth_basic`: printable ASCII without `$` (nginx would expand it), `"` and `\`
 * (nginx writes it into `WWW-Authenticate: Basic realm="..."` as it is), and never "off", which
 * turns auth_basic off however it is quoted.
 */
const realm = () =>
  z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x20\x21\x23\x25-\x5b\x5d-\x7e]+$/, "printable ASCII without '$', '\"' or '\\' (nginx writes the realm into WWW-Authenticate unescaped)")
    .refine((v) => v.toLowerCase() !== "off", "a realm other than 'off', which turns auth_basic off");

/**
 * Request headers edgekit sets itself or nginx manages (framing, hop-by-hop, the client's address
 * and scheme, the request id), and nginx's own X-Accel-* controls: an auth service can't name them.
 */
const RESERVED_REQUEST_HEADERS = new Set([
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "keep-alive",
  "proxy-connection",
  "x-real-ip",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-request-id",
]);

const identityHeader = () =>
  headerName().refine((h) => !RESERVED_REQUEST_HEADERS.has(h.toLowerCase()) && !/^x-accel-/i.test(h), {
    error: (issue) => `${String(issue.input)} is set by the edge itself (framing, hop-by-hop, client address, request id or an nginx X-Accel control): name another header`,
  });

const basicAuth = z
  .strictObject({
    file: relativePath()
      .refine((f) => !f.endsWith("/") && !/^\.\.?$/.test(posix.normalize(f)) && !posix.normalize(f).endsWith("/.."), "a file, not a directory such as . or ..")
      .describe(
      "htpasswd file, relative to the spec, that compose mounts read-only into the nginx container as a secret (at container.secretsDir). One `user:hash` a line; `edgekit validate` refuses plaintext ({PLAIN} or no hash) and warns on weak hashes (DES, $1$ MD5-crypt, {SHA}). Create entries with `htpasswd -B` (bcrypt) or `openssl passwd -6`. The file must be readable by nginx's worker user.",
    ),
    realm: realm().default("Restricted").describe("Realm shown by the browser's login prompt (auth_basic)."),
  })
  .describe("HTTP basic authentication against a htpasswd file.");

const forwardAuth = z
  .strictObject({
    upstream: identifier().describe("Upstream pool of the auth service (one of `upstreams`)."),
    path: locationPath().default("/auth").describe("Path the auth service answers on: 2xx lets the request through, 401 and 403 go to the client (401 with the service's WWW-Authenticate), anything else is a 500."),
    identityHeaders: z
      .array(identityHeader())
      .max(16)
      .refine((hs) => new Set(hs.map((h) => String(h).toLowerCase())).size === hs.length, "each header once (names are case-insensitive)")
      .default([])
      .describe(
        "Response headers of the auth service (such as X-User, X-Email) passed on to the backend as request headers of the same name. The client's own headers of these names never reach the backend: they are replaced by the auth service's value, or removed when it sends none.",
      ),
    timeout: duration().default("5s").describe("Connect and read timeout of the auth subrequest; a service that does not answer in time gives the client a 500."),
  })
  .describe(
    "Forward authentication (auth_request): every request is first asked of the auth service, without its body, with the client's headers (cookies, Authorization) and X-Original-URI and X-Original-Method.",
  );

export const routeAuth = z
  .strictObject({
    basic: basicAuth.optional().describe("HTTP basic authentication against a htpasswd file. Absent: not basic auth."),
    forward: forwardAuth.optional().describe("Forward authentication through an auth service. Absent: not forward auth."),
  })
  .refine((a) => (a.basic === undefined) !== (a.forward === undefined), "exactly one of basic or forward")
  .describe("Authentication for this route: `basic` (htpasswd) or `forward` (an auth service). Absent: no authentication. CORS preflights are answered before it (they never carry credentials).");

export type RouteAuth = z.output<typeof routeAuth>;
export type BasicAuth = z.output<typeof basicAuth>;
export type ForwardAuth = z.output<typeof forwardAuth>;
