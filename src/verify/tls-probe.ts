// Raw TLS handshakes: which protocol versions the edge accepts, what ALPN picks, whether the
// certificate chain is trusted.
import tls, { type PeerCertificate } from "node:tls";
import type { Target } from "./types.js";
import { endpoint } from "./target.js";

export type TlsVersion = "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";

export interface Handshake {
  ok: boolean;
  protocol: string | null;
  alpn: string | false | null;
  authorized: boolean;
  authorizationError: string | null;
  certificate: PeerCertificate | null;
  /** Why the handshake failed. */
  error?: string;
  errorCode?: string;
}

export interface HandshakeOptions {
  version?: TlsVersion;
  alpn?: string[];
  timeoutMs?: number;
}

/**
 * One handshake; the certificate is never enforced here (the verdict reads `authorized`), so a
 * version probe answers "does the edge speak this version", not "do I trust it".
 */
export function handshake(target: Target, options: HandshakeOptions = {}): Promise<Handshake> {
  const { host, port } = endpoint(target);
  const legacy = options.version === "TLSv1" || options.version === "TLSv1.1";
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port,
      ...target.tls,
      rejectUnauthorized: false,
      ...(options.version ? { minVersion: options.version, maxVersion: options.version } : {}),
      // OpenSSL 3 refuses to offer TLS 1.0/1.1 at its default security level; level 0 lets the
      // probe ask, so a refusal comes from the edge, not from this client.
      ...(legacy ? { ciphers: "DEFAULT:@SECLEVEL=0" } : {}),
      ...(options.alpn ? { ALPNProtocols: options.alpn } : {}),
    });
    const timer = setTimeout(() => socket.destroy(new Error(`no TLS handshake within ${options.timeoutMs ?? 5000} ms`)), options.timeoutMs ?? 5000);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const result: Handshake = {
        ok: true,
        protocol: socket.getProtocol(),
        alpn: socket.alpnProtocol,
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
        certificate: socket.getPeerCertificate(),
      };
      socket.end();
      resolve(result);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: false, protocol: null, alpn: null, authorized: false, authorizationError: null, certificate: null, error: error.message, ...(error.code ? { errorCode: error.code } : {}) });
    });
  });
}

/** True when a failed handshake was this client's own refusal, not the server's. */
export function refusedLocally(h: Handshake): boolean {
  return h.errorCode === "ERR_SSL_NO_PROTOCOLS_AVAILABLE" || /no protocols available/i.test(h.error ?? "");
}
