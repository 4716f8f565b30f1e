// Route authentication in the nginx model: basic auth reads the htpasswd secret compose mounts;
// forward auth asks an internal location that proxies to the auth service without the body, then
// passes the service's identity headers on to the backend (replacing whatever the client sent).
import { quote, token } from "../nginx-syntax/quote.js";
import { secretFor } from "../plan/secrets.js";
import type { Route, Spec } from "../spec/schema.js";

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

export interface RouteAuthParts {
  auth: AuthModel | null;
  /** proxy_set_header lines that pass the identity headers to the backend. */
  identityHeaders: { name: string; value: string }[];
  /** The internal location (selector and body), for forward auth. */
  subrequest: { selector: string; comment: string; model: AuthSubrequestModel } | null;
}

const NONE: RouteAuthParts = { auth: null, identityHeaders: [], subrequest: null };

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
  return {
    auth: { basic: null, forward: { uri, set: identity.map((h) => ({ variable: h.variable, value: upstreamHeaderVariable(h.header) })) } },
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
