// HTTP/1.1 requests for the probes: the whole body buffered, the socket that carried it reported
// (so reuse is counted, not assumed), TLS options passed through.
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { ConnectionOptions } from "node:tls";

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The TCP/TLS socket the response came on. */
  socket: Socket;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Default: a fresh connection per request (`agent: false`). */
  agent?: http.Agent | https.Agent | false;
  /** TLS options for https URLs (ca, rejectUnauthorized, servername). */
  tls?: ConnectionOptions;
  timeoutMs?: number;
}

export function request(url: string | URL, options: RequestOptions = {}): Promise<Reply> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      { method: options.method ?? "GET", headers: options.headers ?? {}, agent: options.agent ?? false, ...(target.protocol === "https:" ? (options.tls ?? {}) : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString("utf8"), socket: res.socket });
        });
        res.on("error", reject);
      },
    );
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`no response within ${options.timeoutMs} ms`)));
    req.on("error", reject);
    req.end(options.body);
  });
}
