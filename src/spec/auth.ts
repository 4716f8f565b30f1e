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

/** One URL character of a sign-in URL's path or query, or a percent-encoded byte: no `$`, `;`, quotes, braces, `#`, `[`, `]`, backslash, space or control character. */
const SIGN_IN_CHAR = "(?:[A-Za-z0-9._~:/?@!&()*+,=-]|%[0-9A-Fa-f]{2})";
const SIGN_IN_HOST = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*";
const SIGN_IN_URL = new RegExp(`^https?://${SIGN_IN_HOST}(?::(?<port>[0-9]{1,5}))?(?:/${SIGN_IN_CHAR}*)?$`);

/**
 * Where forward auth sends a client the auth service answered 401: an absolute http(s) URL with a
 * lower-case host, in URL characters without `$`, `;`, quotes, braces, `#` or spaces, so it is text
 * in a `return` and can never end the directive, open a block or name a variable.
 */
const signInUrl = () =>
  z
    .string()
    .max(2048)
    .refine((v) => {
      const port = SIGN_IN_URL.exec(v)?.groups?.port;
      return SIGN_IN_URL.test(v) && (port === undefined || (Number(port) >= 1 && Number(port) <= 65535));
    }, "an absolute http(s) URL such as https://auth.example.com/oauth2/start: a lower-case host, an optional port, then a path and query in URL characters (no spaces, quotes, ';', '$', '#', braces or backslashes; percent-encode others)");

/**
 * The most characters of an original URL the edge percent-encodes for a sign-in redirect (nginx
 * does it with one map per character: src/model/nginx-auth.ts); a URL with more gets an empty value.
 */
export const SIGN_IN_ENCODE_LEVELS = 24;

/** The query parameter that carries the original URL to the sign-in page. */
const signInParam = () => z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "a query parameter name: 1 to 64 letters, digits, '_', '.' or '-'");

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
    path: locationPath()
      .default("/auth")
      .describe(
        "Path the auth service answers on: 2xx lets the request through, 401 and 403 go to the client (401 with the service's WWW-Authenticate, or the redirect to signIn), anything else is a 500. A service must answer 401, not a 302 to its login page: nginx's auth_request turns any 3xx into a 500.",
      ),
    identityHeaders: z
      .array(identityHeader())
      .max(16)
      .refine((hs) => new Set(hs.map((h) => String(h).toLowerCase())).size === hs.length, "each header once (names are case-insensitive)")
      .default([])
      .describe(
        "Response headers of the auth service (such as X-User, X-Email) passed on to the backend as request headers of the same name. The client's own headers of these names never reach the backend: they are replaced by the auth service's value, or removed when it sends none.",
      ),
    timeout: duration().default("5s").describe("Connect and read timeout of the auth subrequest; a service that does not answer in time gives the client a 500."),
    signIn: signInUrl()
      .nullable()
      .default(null)
      .describe(
        `Sign-in page for browsers: a 401 from the auth service becomes a 302 to this URL with the original URL (scheme, host, path and query) URL-encoded in the signInParam query parameter, e.g. https://auth.example.com/oauth2/start?rd=https://app.example.com/a%3Fb%3D1 (everything but letters, digits and -._~!$'()*,/:@ percent-encoded; a URL with more than ${SIGN_IN_ENCODE_LEVELS} characters to encode gets an empty rd). The service must answer 401 (not 302) for this to happen. null: the 401 goes to the client (an API's callers handle it).`,
      ),
    signInParam: signInParam()
      .default("rd")
      .describe("Query parameter of signIn that carries the original URL: rd (oauth2-proxy's and most auth services' name) by default."),
  })
  .superRefine((f, ctx) => {
    if (f.signIn === null) return;
    const query = f.signIn.includes("?") ? f.signIn.slice(f.signIn.indexOf("?") + 1) : "";
    if (f.signInParam !== "" && query.split("&").some((pair) => pair.split("=")[0] === f.signInParam)) {
      ctx.addIssue({ code: "custom", path: ["signIn"], message: `signIn already has a '${f.signInParam}' query parameter: the edge adds it with the original URL (name another one with signInParam)` });
    }
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
