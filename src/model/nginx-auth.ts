// Route authentication in the nginx model: basic auth reads the htpasswd secret compose mounts;
// forward auth asks an internal location that proxies to the auth service without the body, then
// passes the service's identity headers on to the backend (replacing whatever the client sent).
import { quote, quoteRegex, token } from "../nginx-syntax/quote.js";
import { secretFor } from "../plan/secrets.js";
import type { Route, Spec } from "../spec/schema.js";
import { SIGN_IN_ENCODE_LEVELS } from "../spec/auth.js";
import { allRoutes } from "../spec/sites.js";
import type { MapModel } from "./nginx-cors.js";

/** Internal locations of forward auth live under this prefix (`internal`: a client gets 404). */
export const AUTH_LOCATION_PREFIX = "/.edgekit/auth/";

export interface AuthModel {
  /** auth_basic realm (quoted) and auth_basic_user_file (the secret in the container). */
  basic: { realm: string; userFile: string } | null;
  /** auth_request to an internal location, and the auth_request_set lines that keep its identity headers. */
  forward: { uri: string; set: { variable: string; value: string }[] } | null;
}

/** The internal location forward auth asks: a bodiless proxy to the auth service. */
export interface AuthSubrequestModel {
  pass: string;
  setHeaders: { name: string; value: string }[];
  timeouts: { connect: string; read: string; send: string };
}

/** Forward auth's sign-in redirect: the named location a 401 goes to, and the URL it redirects to. */
export interface SignInModel {
  /** `@edgekit_signin_<slug>`: error_page 401 = this. */
  location: string;
  /** return 302's quoted URL: the sign-in URL with the URL-encoded original URL as its parameter. */
  url: string;
}

export interface RouteAuthParts {
  auth: AuthModel | null;
  /** The sign-in redirect of forward auth with signIn, else null. */
  signIn: SignInModel | null;
  /** proxy_set_header lines that pass the identity headers to the backend. */
  identityHeaders: { name: string; value: string }[];
  /** The internal location (selector and body), for forward auth. */
  subrequest: { selector: string; comment: string; model: AuthSubrequestModel } | null;
}

const NONE: RouteAuthParts = { auth: null, signIn: null, identityHeaders: [], subrequest: null };

/** What the auth service is told: the original request (method, URI, host, scheme, client) and no body. */
const SUBREQUEST_HEADERS = [
  { name: "Content-Length", value: '""' },
  { name: "Connection", value: '""' },
  { name: "X-Original-URI", value: "$request_uri" },
  { name: "X-Original-Method", value: "$request_method" },
  { name: "X-Forwarded-Host", value: "$host" },
  { name: "X-Forwarded-Proto", value: "$scheme" },
  { name: "X-Forwarded-For", value: "$proxy_add_x_forwarded_for" },
  { name: "X-Real-IP", value: "$remote_addr" },
  { name: "X-Request-ID", value: "$request_id" },
];

/** `$upstream_http_x_user` for X-User: how nginx names a response header of the proxied server. */
const upstreamHeaderVariable = (header: string) => `$upstream_http_${header.toLowerCase().replace(/-/g, "_")}`;

export function routeAuthParts(spec: Spec, route: Route, slug: string): RouteAuthParts {
  const auth = route.auth;
  if (!auth) return NONE;
  if (auth.basic) {
    return { ...NONE, auth: { basic: { realm: quote(auth.basic.realm), userFile: token(secretFor(spec, auth.basic.file).target) }, forward: null } };
  }
  const forward = auth.forward!;
  const uri = `${AUTH_LOCATION_PREFIX}${token(slug)}`;
  const identity = forward.identityHeaders.map((header, i) => ({ header: token(header), variable: `$edgekit_auth_${token(slug)}_${i}` }));
  const signIn = forward.signIn;
  return {
    auth: { basic: null, forward: { uri, set: identity.map((h) => ({ variable: h.variable, value: upstreamHeaderVariable(h.header) })) } },
    signIn:
      signIn === null
        ? null
        : {
            location: `@edgekit_signin_${token(slug)}`,
            // The URL is validated (no `$`, quote, `;`, brace, `#` or space); the encoded original follows its `?` or `&`.
            url: `${quote(`${signIn}${!signIn.includes("?") ? "?" : /[?&]$/.test(signIn) ? "" : "&"}${forward.signInParam}=`).slice(0, -1)}\${${SIGN_IN_RD.slice(1)}}"`,
          },
    identityHeaders: identity.map((h) => ({ name: h.header, value: h.variable })),
    subrequest: {
      selector: `= ${uri}`,
      comment: `forward auth of route ${route.path}: ${forward.upstream}${forward.path} (internal)`,
      model: {
        pass: `http://${token(forward.upstream)}${token(forward.path)}`,
        setHeaders: SUBREQUEST_HEADERS,
        timeouts: { connect: token(forward.timeout), read: token(forward.timeout), send: token(forward.timeout) },
      },
    },
  };
}

/**
 * The original URL for a sign-in redirect, URL-encoded by nginx alone (stock nginx has no escaping
 * function, and a regex capture is escaped only when the request URI happened to hold a `%`). The
 * URL is `$scheme://$host$request_uri`; what may stay as it is in a query parameter's value are the
 * unreserved characters and `!$'()*,/:@` (RFC 3986 allows them in a query and form decoding keeps
 * them); every other printable character is percent-encoded, one per map: each level finds the first
 * such character in the part not yet done and moves the part before it, and its %XX, to the done
 * part (kept before a space, which no request line carries). A URL with more than
 * SIGN_IN_ENCODE_LEVELS such characters, or a byte outside printable ASCII, gets an empty value:
 * the sign-in page then uses its default return address.
 */
export const SIGN_IN_RD = "$edgekit_signin_rd";
/** Characters kept as they are in the parameter's value. */
const KEEP = "A-Za-z0-9._~!$'()*,/:@-";
/** Printable ASCII characters (no space: the done/todo separator) that are encoded. */
const ENCODED = [...Array(0x7e - 0x20).keys()].map((i) => String.fromCharCode(0x21 + i)).filter((c) => !new RegExp(`[${KEEP}]`).test(c));
const hexClass = `[${ENCODED.map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join("")}]`;
const level = (n: number) => `$edgekit_signin_rd_${n}`;

/** The http-level maps that URL-encode the original URL, or none when no route has a sign-in redirect. */
export function signInMaps(spec: Spec): MapModel[] {
  if (!allRoutes(spec).some(({ route }) => route.auth?.forward?.signIn)) return [];
  const hex: MapModel = {
    comment: "forward auth sign-in: the %XX of the character a level found (volatile: read once per level)",
    source: "$edgekit_signin_char",
    variable: "$edgekit_signin_hex",
    // A map key starting with `\` loses it (nginx's escape for keys such as `default`): doubled.
    entries: [{ match: "volatile", value: "" }, { match: "default", value: '""' }, ...ENCODED.map((c) => ({ match: quote(c === "\\" ? "\\\\" : c), value: quote(`%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`) }))],
  };
  const levels: MapModel[] = [...Array(SIGN_IN_ENCODE_LEVELS).keys()].map((i) => ({
    comment: `forward auth sign-in: the original URL, encoded character ${i + 1} of at most ${SIGN_IN_ENCODE_LEVELS}`,
    source: i === 0 ? '" $scheme://$host$request_uri"' : level(i),
    variable: level(i + 1),
    entries: [
      { match: "default", value: i === 0 ? '" $scheme://$host$request_uri"' : level(i) },
      {
        match: quoteRegex(`~^(?<edgekit_signin_done>[^ ]*) (?<edgekit_signin_keep>[${KEEP}]*)(?<edgekit_signin_char>${hexClass})(?<edgekit_signin_todo>.*)$`),
        value: '"${edgekit_signin_done}${edgekit_signin_keep}${edgekit_signin_hex} ${edgekit_signin_todo}"',
      },
    ],
  }));
  const final: MapModel = {
    comment: "forward auth sign-in: the encoded original URL, or empty when characters are left (too many, or not printable ASCII)",
    source: level(SIGN_IN_ENCODE_LEVELS),
    variable: SIGN_IN_RD,
    entries: [
      { match: "default", value: '""' },
      { match: quoteRegex(`~^(?<edgekit_signin_done>[^ ]*) (?<edgekit_signin_keep>[${KEEP}]*)$`), value: '"${edgekit_signin_done}${edgekit_signin_keep}"' },
    ],
  };
  return [hex, ...levels, final];
}
