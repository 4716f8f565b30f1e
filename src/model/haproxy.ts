// HAProxy configured like the spec's edge, as a reference point for `edgekit bench` only: TLS with
// the same certificate, protocol floor, ciphers and curves (src/model/tls-profiles.ts), HTTP/2,
// gzip for the spec's types, the forwarded headers nginx sets, the same security headers, a reused
// backend pool and as many threads as nginx has worker processes. Every decision is made here;
// templates/haproxy/haproxy.cfg.hbs lays it out.
import type { EdgePlan, ReferenceSetup } from "../plan/index.js";
import type { Spec } from "../spec/schema.js";
import { backendAddress, bareWord, hostPart, jsonLoadRoute, referenceNotice, referenceSecurityHeaders, requireReference, statePath, wholeSeconds } from "./reference.js";
import { ECDH_CURVES, tlsProfile, tlsVersionRange } from "./tls-profiles.js";

export interface HaproxyModel {
  header: string[];
  global: {
    nbthread: number;
    maxconn: number;
    /** ssl-default-bind-ciphers (TLS 1.2 suites), or null when the profile has no TLS 1.2. */
    bindCiphers: string | null;
    /** ssl-default-bind-options: the TLS floor and, unless the spec allows them, no session tickets. */
    bindOptions: string;
  };
  /** `timeout <name> <value>` lines of the defaults section, in order. */
  timeouts: { name: string; value: string }[];
  frontend: {
    bind: { address: string; crt: string; alpn: string; curves: string };
    compression: { algo: string; types: string } | null;
    /** The request headers nginx's proxied locations set: client address, scheme and a request id. */
    forwarded: { realIp: string; proto: string; uniqueIdFormat: string; requestId: string };
    /** http-response set-header lines: finished HAProxy tokens (quoted values). */
    responseHeaders: { name: string; value: string }[];
  };
  backend: { balance: string; reuse: string; server: { name: string; address: string } };
}

/** Where the reference setup's combined certificate and key (one PEM, as HAProxy reads them) live. */
export function haproxyCombinedPem(setup: ReferenceSetup): string {
  return statePath(setup, "haproxy.pem");
}

/** How long HAProxy waits to connect to the backend (nginx's proxy_connect_timeout default). */
const CONNECT_TIMEOUT = "5s";
/** When no route carries the JSON load: nginx's proxy_read_timeout default. */
const DEFAULT_READ_TIMEOUT = "60s";

export function buildHaproxyModel(plan: EdgePlan): HaproxyModel {
  const { spec } = plan;
  const setup = requireReference(plan, "HAProxy");
  const gzip = spec.compression.gzip;
  const keepalive = wholeSeconds(spec.client.keepalive.timeout);
  return {
    header: referenceNotice(plan.options.specName),
    global: {
      nbthread: setup.workers,
      maxconn: spec.nginx.workerConnections * setup.workers,
      bindCiphers: tlsProfile(spec).ciphers,
      bindOptions: `ssl-min-ver ${tlsVersionRange(spec).min.openssl}${spec.tls.sessionTickets ? "" : " no-tls-tickets"}`,
    },
    timeouts: [
      { name: "connect", value: wholeSeconds(CONNECT_TIMEOUT) },
      { name: "client", value: keepalive },
      { name: "http-keep-alive", value: keepalive },
      { name: "http-request", value: wholeSeconds(spec.client.headerTimeout) },
      { name: "server", value: wholeSeconds(jsonLoadRoute(spec)?.timeouts.read ?? DEFAULT_READ_TIMEOUT) },
    ],
    frontend: {
      bind: {
        address: `${hostPart(setup.bindAddress)}:${spec.listen.httpsPort}`,
        crt: bareWord(haproxyCombinedPem(setup)),
        alpn: spec.http2.enabled ? "h2,http/1.1" : "http/1.1",
        curves: ECDH_CURVES.map((c) => c.haproxy).join(":"),
      },
      compression: gzip.enabled ? { algo: "gzip", types: gzip.types.map(bareWord).join(" ") } : null,
      forwarded: { realIp: "%[src]", proto: "https", uniqueIdFormat: "%{+X}o%[rand,hex]%[rand,hex]", requestId: "%[unique-id]" },
      responseHeaders: responseHeaders(spec),
    },
    backend: { balance: "leastconn", reuse: "always", server: { name: "app1", address: backendAddress(spec) } },
  };
}

function responseHeaders(spec: Spec): HaproxyModel["frontend"]["responseHeaders"] {
  return referenceSecurityHeaders(spec).map((h) => ({ name: bareWord(h.name), value: haproxyQuote(h.value) }));
}

/**
 * A literal as one double-quoted HAProxy argument that is read as a log-format string (set-header
 * values): `\` and `"` escaped, `$` escaped (double quotes expand environment variables), `%`
 * doubled (a sample expression otherwise). Control characters are refused.
 */
export function haproxyQuote(value: string): string {
  if (/[\x00-\x1f\x7f]/.test(value)) throw new Error(`control character in HAProxy value ${JSON.stringify(value)}`);
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$/g, "\\$").replace(/%/g, "%%")}"`;
}
