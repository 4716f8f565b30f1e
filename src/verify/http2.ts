// HTTP/2 for the probes: a session connected (TLS + SETTINGS) before it resolves, and requests
// as streams of it, each stamped with the time its headers took.
import http2 from "node:http2";
import type { ConnectionOptions } from "node:tls";

export interface H2Reply {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
  /** The stream id nginx saw. */
  streamId: number;
  /** Milliseconds from sending the request to the response headers. */
  headersMs: number;
}

/** Connects to `origin` with ALPN h2 only; rejects if the server doesn't speak HTTP/2. */
export function h2Connect(origin: string | URL, tls: ConnectionOptions = {}, timeoutMs = 10_000): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(origin, tls);
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`no HTTP/2 session within ${timeoutMs} ms`));
    }, timeoutMs);
    session.once("connect", () => {
      clearTimeout(timer);
      resolve(session);
    });
    session.once("error", (error) => {
      clearTimeout(timer);
      session.destroy();
      reject(error);
    });
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
    req.on("end", () => resolve({ status: Number(responseHeaders[":status"]), headers: responseHeaders, body: Buffer.concat(chunks), streamId: req.id ?? -1, headersMs }));
    req.on("error", reject);
    req.end();
  });
}
