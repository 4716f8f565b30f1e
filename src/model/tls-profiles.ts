// The TLS profiles (Mozilla server-side TLS, guideline 6.0) and the key-exchange curves, in one
// table for every proxy edgekit configures: nginx (the edge), HAProxy and Caddy (the benchmark's
// reference points). Each row carries every tool's spelling, so the three configs can't drift.
import type { Spec } from "../spec/schema.js";

export type TlsProfileName = Spec["tls"]["profile"];

export interface TlsVersion {
  /** nginx ssl_protocols, and HAProxy ssl-min-ver / ssl-max-ver. */
  openssl: string;
  /** Caddy's tls protocols. */
  caddy: string;
}

export const TLS_VERSIONS = {
  "1.2": { openssl: "TLSv1.2", caddy: "tls1.2" },
  "1.3": { openssl: "TLSv1.3", caddy: "tls1.3" },
} as const satisfies Record<string, TlsVersion>;

export interface TlsProfile {
  /** The versions the profile allows, oldest first. */
  versions: readonly TlsVersion[];
  /**
   * TLS 1.2 cipher suites in OpenSSL's spelling (nginx ssl_ciphers, HAProxy ssl-default-bind-ciphers),
   * or null when the profile allows no TLS 1.2 (TLS 1.3 suites are the library's own).
   */
  ciphers: string | null;
}

export const TLS_PROFILES: { readonly [P in TlsProfileName]: TlsProfile } = {
  intermediate: {
    versions: [TLS_VERSIONS["1.2"], TLS_VERSIONS["1.3"]],
    ciphers:
      "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
  },
  modern: { versions: [TLS_VERSIONS["1.3"]], ciphers: null },
};

export interface EcdhCurve {
  /** nginx ssl_ecdh_curve (OpenSSL names). */
  openssl: string;
  /** HAProxy's bind `curves`. */
  haproxy: string;
  /** Caddy's tls `curves`. */
  caddy: string;
}

/** The key-exchange curves, in order of preference. */
export const ECDH_CURVES: readonly EcdhCurve[] = [
  { openssl: "X25519", haproxy: "X25519", caddy: "x25519" },
  { openssl: "prime256v1", haproxy: "P-256", caddy: "secp256r1" },
  { openssl: "secp384r1", haproxy: "P-384", caddy: "secp384r1" },
];

export function tlsProfile(spec: Spec): TlsProfile {
  return TLS_PROFILES[spec.tls.profile];
}

/** The oldest and newest version the spec's profile allows. */
export function tlsVersionRange(spec: Spec): { min: TlsVersion; max: TlsVersion } {
  const versions = tlsProfile(spec).versions;
  const min = versions[0];
  const max = versions[versions.length - 1];
  if (!min || !max) throw new Error(`TLS profile ${spec.tls.profile} allows no version`);
  return { min, max };
}
