// Client-side helpers for the edge checks (compression, SSE, cache, headers, rate limit, browser):
// an HTTP/2 client over one session, an SSE reader that stamps every event with its arrival time,
// the security headers the stack spec promises, and client addresses that never repeat soon.
import { createHash, X509Certificate } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import http2 from "node:http2";
import https from "node:https";
import { securityHeaders } from "../../../src/model/security-headers.js";
import { stackSpec } from "./nginx-config.js";
import { httpsUrl, stack } from "./stack.js";

/** Security headers the renderer derives from the stack spec: lower-cased name -> literal value. */
export function expectedSecurityHeaders(https: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  // quote() emits a double-quoted nginx token escaping only \ and ": the same as a JSON string.
  for (const line of securityHeaders(stackSpec(), { https })) out[line.name.toLowerCase()] = JSON.parse(line.value) as string;
  return out;
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
// HTTP/2

export interface H2Reply {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
  /** Milliseconds from sending the request to the response headers. */
  headersMs: number;
}

/** An HTTP/2 session to the https port, connected (TLS + SETTINGS) before it resolves. */
export function h2Connect(): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(httpsUrl("/"), { ca: stack().caCert });
    session.once("connect", () => resolve(session));
    session.once("error", reject);
  });
}

/** One request as a stream of `session`. */
export function h2Request(session: http2.ClientHttp2Session, path: string, headers: Record<string, string> = {}): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = session.request({ ":path": path, ...headers });
    let responseHeaders: http2.IncomingHttpHeaders = {};
    let headersMs = 0;
    const chunks: Buffer[] = [];
    req.on("response", (h) => {
      headersMs = performance.now() - started;
      responseHeaders = h;
    });
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve({ status: Number(responseHeaders[":status"]), headers: responseHeaders, body: Buffer.concat(chunks), headersMs }));
    req.on("error", reject);
    req.end();
  });
}

// ---------------------------------------------------------------------------
// Server-sent events

export interface SseEvent {
  event?: string;
  id?: string;
  data?: string;
  retry?: string;
  /** Comment lines (": heartbeat"), without the colon. */
  comments: string[];
  /** Date.now() when the chunk that completed this event arrived. */
  arrivedAt: number;
}

export interface SseStream {
  /** Response status and headers (HTTP/2 pseudo-headers included for h2). */
  response: Promise<{ status: number; headers: IncomingHttpHeaders | http2.IncomingHttpHeaders }>;
  /** Events so far, in arrival order. */
  readonly events: SseEvent[];
  /** Resolves when the server ends the stream (or it errors/closes). */
  ended: Promise<"end" | "close" | "error">;
  /** True while neither side has ended the stream. */
  isOpen(): boolean;
  /** Resolves once `predicate(events)` holds (checked on every event), rejects after `timeoutMs`. */
  until(predicate: (events: SseEvent[]) => boolean, timeoutMs: number): Promise<void>;
  close(): void;
}

/** Opens `path` as an event stream over HTTP/1.1 (fresh TLS connection) or HTTP/2 (own session). */
export function openSse(protocol: "http/1.1" | "h2", path: string, headers: Record<string, string> = {}): SseStream {
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  let buffer = "";
  let open = true;
  let endedResolve!: (how: "end" | "close" | "error") => void;
  const ended = new Promise<"end" | "close" | "error">((r) => (endedResolve = r));
  const finish = (how: "end" | "close" | "error") => {
    if (!open) return;
    open = false;
    endedResolve(how);
    for (const w of waiters) w();
  };

  const onChunk = (chunk: string) => {
    const now = Date.now();
    buffer += chunk.replace(/\r\n/g, "\n");
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const ev: SseEvent = { comments: [], arrivedAt: now };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) {
          ev.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event" || field === "id" || field === "retry") ev[field] = value;
        else if (field === "data") ev.data = ev.data === undefined ? value : `${ev.data}\n${value}`;
      }
      events.push(ev);
    }
    for (const w of waiters) w();
  };

  let close: () => void;
  let response: SseStream["response"];
  if (protocol === "h2") {
    const session = http2.connect(httpsUrl("/"), { ca: stack().caCert });
    const req = session.request({ ":path": path, accept: "text/event-stream", ...headers });
    req.setEncoding("utf8");
    response = new Promise((resolve, reject) => {
      req.on("response", (h) => resolve({ status: Number(h[":status"]), headers: h }));
      req.on("error", reject);
      session.on("error", reject);
    });
    req.on("data", onChunk);
    req.on("end", () => finish("end"));
    req.on("close", () => finish("close"));
    req.on("error", () => finish("error"));
    session.on("error", () => finish("error"));
    close = () => {
      finish("close");
      req.close();
      session.close();
    };
  } else {
    const req = https.request(httpsUrl(path), { ca: stack().caCert, agent: false, headers: { accept: "text/event-stream", ...headers } });
    response = new Promise((resolve, reject) => {
      req.on("response", (res) => {
        res.setEncoding("utf8");
        res.on("data", onChunk);
        res.on("end", () => finish("end"));
        res.on("close", () => finish("close"));
        res.on("error", () => finish("error"));
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
      });
      req.on("error", (err) => {
        finish("error");
        reject(err);
      });
    });
    req.end();
    close = () => {
      finish("close");
      req.destroy();
    };
  }
  response.catch(() => {}); // surfaced to whoever awaits it; never an unhandled rejection

  return {
    response,
    events,
    ended,
    isOpen: () => open,
    close: () => close(),
    until(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(events)) done(resolve);
          else if (!open) done(() => reject(new Error(`stream ended before the condition held (${events.length} events)`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`condition not met within ${timeoutMs} ms (${events.length} events)`))), timeoutMs);
        const done = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        waiters.add(check);
        check();
      });
    },
  };
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
