// Client-side helpers for the edge checks (compression, SSE, cache, headers, rate limit, browser):
// edgekit verify's HTTP/2 client and SSE reader pointed at the stack,
// the security headers the stack spec promises, and client addresses that never repeat soon.
import { createHash, X509Certificate } from "node:crypto";
import type http2 from "node:http2";
import { expectedSecurityHeaders as specSecurityHeaders } from "../../../src/verify/plan.js";
import { h2Connect as verifyH2Connect } from "../../../src/verify/http2.js";
import { openSse as verifyOpenSse, type SseStream } from "../../../src/verify/sse.js";
import { stackSpec } from "./nginx-config.js";
import { httpsUrl, stack } from "./stack.js";

/** Security headers the renderer derives from the stack spec: lower-cased name -> literal value. */
export function expectedSecurityHeaders(https: boolean): Record<string, string> {
  return specSecurityHeaders(stackSpec(), { https });
}

/**
 * The last octet of a documentation address (`prefix.N`) for this run's `slot` (0 <= slot < slots):
 * derived from the wall clock in whole seconds, so the same address comes back only after
 * floor(254 / slots) seconds, long after a 1r/s burst-5 bucket has drained (6 s).
 */
export function runAddress(prefix: string, slot: number, slots: number): string {
  const cycles = Math.floor(254 / slots);
  const base = (Math.floor(Date.now() / 1000) % cycles) * slots;
  return `${prefix}.${base + slot + 1}`;
}

// ---------------------------------------------------------------------------
// HTTP/2 and server-sent events: edgekit verify's own probes (src/verify), pointed at the stack.

export type { H2Reply } from "../../../src/verify/http2.js";
export { h2Request } from "../../../src/verify/http2.js";
export type { SseEvent, SseStream } from "../../../src/verify/sse.js";

/** An HTTP/2 session to the stack's https port, connected (TLS + SETTINGS) before it resolves. */
export function h2Connect(): Promise<http2.ClientHttp2Session> {
  return verifyH2Connect(httpsUrl("/"), { ca: stack().caCert });
}

/** Opens `path` of the stack as an event stream over HTTP/1.1 (fresh TLS connection) or HTTP/2 (own session). */
export function openSse(protocol: "http/1.1" | "h2", path: string, headers: Record<string, string> = {}): SseStream {
  return verifyOpenSse(protocol, httpsUrl(path), { ca: stack().caCert }, headers);
}

// ---------------------------------------------------------------------------
// Browser

/**
 * base64(sha256(SubjectPublicKeyInfo)) of a PEM certificate: the form Chromium's
 * --ignore-certificate-errors-spki-list takes. Pinning the dev CA this way makes the first TLS
 * handshake succeed; with only `ignoreHTTPSErrors`, Chromium's first handshake fails verification
 * (ERR_CERT_AUTHORITY_INVALID) and it reconnects with the error allowed: two TCP connections.
 */
export function spkiHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64");
}
