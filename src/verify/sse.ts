// A server-sent events reader that stamps every event with its arrival time, over HTTP/2 (its own
// session) or HTTP/1.1 (a fresh TLS connection): what proves an edge delivers events unbuffered.
import type { IncomingHttpHeaders } from "node:http";
import http2 from "node:http2";
import https from "node:https";
import type { ConnectionOptions } from "node:tls";

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

/** Opens `url` as an event stream over HTTP/1.1 (fresh TLS connection) or HTTP/2 (own session). */
export function openSse(protocol: "http/1.1" | "h2", url: string | URL, tls: ConnectionOptions = {}, headers: Record<string, string> = {}): SseStream {
  const target = new URL(url);
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
    const session = http2.connect(target.origin, tls);
    const req = session.request({ ":path": `${target.pathname}${target.search}`, accept: "text/event-stream", ...headers });
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
    const req = https.request(target, { ...tls, agent: false, headers: { accept: "text/event-stream", ...headers } });
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
