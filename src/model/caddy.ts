// Caddy configured like the spec's edge, as a reference point for `edgekit bench` only: TLS with
// the same certificate, protocol versions and curves (src/model/tls-profiles.ts; Caddy's TLS 1.2
// suites are Go's defaults, the same ECDHE AEAD family), HTTP/2, gzip at the spec's level for its
// types, the same security headers and a keep-alive pool to the backend sized like nginx's. Every
// decision is made here; templates/caddy/Caddyfile.hbs lays it out.
import type { EdgePlan, ReferenceSetup } from "../plan/index.js";
import type { Spec } from "../spec/schema.js";
import { backendAddress, bareWord, hostPart, referenceNotice, referenceSecurityHeaders, requireReference, statePath, wholeSeconds } from "./reference.js";
import { ECDH_CURVES, tlsVersionRange } from "./tls-profiles.js";

export interface CaddyModel {
  header: string[];
  global: {
    storage: string;
    /** The name served to clients that send no SNI (h2load and wrk by address). */
    defaultSni: string;
    /** servers { protocols }: h1, and h2 when the spec enables HTTP/2. */
    protocols: string;
  };
  site: {
    /** The site addresses, comma-separated. */
    addresses: string;
    bind: string;
    tls: { cert: string; key: string; protocols: string; curves: string };
    /** `encode` with one Content-Type matcher line per type (Caddy ORs repeated header matchers). */
    encode: { gzipLevel: number; minimumLength: number; contentTypes: string[] } | null;
    /** header block lines: finished Caddy tokens (quoted values). */
    headers: { name: string; value: string }[];
    reverseProxy: { address: string; lbPolicy: string; keepalive: string; idleConns: number; idleConnsPerHost: number };
  };
}

/** Caddy's storage directory in the reference setup (certificates, locks: nothing else is written). */
export function caddyStorageDir(setup: ReferenceSetup): string {
  return statePath(setup, "caddy");
}

/** The name the benchmark's development certificate is for. */
const SERVER_NAME = "localhost";

export function buildCaddyModel(plan: EdgePlan): CaddyModel {
  const { spec } = plan;
  const setup = requireReference(plan, "Caddy");
  const port = spec.listen.httpsPort;
  const versions = tlsVersionRange(spec);
  const gzip = spec.compression.gzip;
  const pool = poolSize(spec) * setup.workers;
  return {
    header: referenceNotice(plan.options.specName),
    global: {
      storage: bareWord(caddyStorageDir(setup)),
      defaultSni: SERVER_NAME,
      protocols: spec.http2.enabled ? "h1 h2" : "h1",
    },
    site: {
      addresses: [hostPart(setup.bindAddress), SERVER_NAME].map((host) => `https://${host}:${port}`).join(", "),
      bind: bareWord(setup.bindAddress),
      tls: {
        cert: bareWord(spec.tls.certificate),
        key: bareWord(spec.tls.certificateKey),
        protocols: `${versions.min.caddy} ${versions.max.caddy}`,
        curves: ECDH_CURVES.map((c) => c.caddy).join(" "),
      },
      encode: gzip.enabled ? { gzipLevel: gzip.level, minimumLength: gzip.minLength, contentTypes: gzip.types.map((t) => `${bareWord(t)}*`) } : null,
      headers: responseHeaders(spec),
      reverseProxy: {
        address: backendAddress(spec),
        lbPolicy: "least_conn",
        keepalive: wholeSeconds(idleTimeout(spec)),
        idleConns: pool,
        idleConnsPerHost: pool,
      },
    },
  };
}

/** How long an idle backend connection is kept: the first upstream's keepalive.timeout, as before targets (else 60 s). */
function idleTimeout(spec: Spec): string {
  return Object.values(spec.upstreams)[0]?.keepalive.timeout ?? "60s";
}

/** nginx keeps this many idle connections per worker: the largest pool of any upstream, at least 1. */
function poolSize(spec: Spec): number {
  return Math.max(1, ...Object.values(spec.upstreams).map((u) => u.keepalive.connections));
}

/** The security headers, less any whose value holds a placeholder ({...}) Caddy would expand. */
function responseHeaders(spec: Spec): CaddyModel["site"]["headers"] {
  return referenceSecurityHeaders(spec)
    .filter((h) => !/[{}]/.test(h.value))
    .map((h) => ({ name: bareWord(h.name), value: caddyQuote(h.value) }));
}

/** A literal as one double-quoted Caddyfile token: `\` and `"` escaped; control characters and placeholders refused. */
export function caddyQuote(value: string): string {
  if (/[\x00-\x1f\x7f]/.test(value)) throw new Error(`control character in Caddy value ${JSON.stringify(value)}`);
  if (/[{}]/.test(value)) throw new Error(`Caddy would expand a placeholder in ${JSON.stringify(value)}`);
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
