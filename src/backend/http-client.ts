/**
 * The backend's ONE shared, bounded outgoing HTTP client.
 *
 * Every outgoing call goes through `dispatcher` (pass it as `{ dispatcher }` to
 * undici's `request`/`fetch`), never through a client created per request: a
 * per-request client opens a fresh TCP (and TLS) connection each time and has no
 * upper bound on sockets.
 */
import { Agent, request } from "undici";
import type { BackendConfig } from "./config.js";
import type { HttpClientPoolStats } from "./metrics.js";

export interface HttpClient {
  /** Shared dispatcher: at most `connections` sockets per origin, idle sockets dropped after `keepAliveTimeoutMs`. */
  readonly dispatcher: Agent;
  /** `undici.request` bound to the shared dispatcher. */
  request(url: string | URL, options?: Omit<NonNullable<Parameters<typeof request>[1]>, "dispatcher">): ReturnType<typeof request>;
  /** Pool state summed over all origins (undici `Agent.stats`). */
  stats(): HttpClientPoolStats;
  /** Stop accepting requests, wait for the running ones, then close every socket. */
  close(): Promise<void>;
  /** Abort running requests and close every socket now. */
  destroy(): Promise<void>;
}

export function createHttpClient(options: BackendConfig["httpClient"]): HttpClient {
  const dispatcher = new Agent({
    connections: options.connections,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    // A server's `Keep-Alive: timeout=N` hint may shorten, never lengthen, our idle timeout.
    keepAliveMaxTimeout: options.keepAliveTimeoutMs,
  });

  return {
    dispatcher,
    request: (url, opts) => request(url, { ...opts, dispatcher }),
    stats() {
      const total: HttpClientPoolStats = { connected: 0, free: 0, running: 0, pending: 0 };
      for (const s of Object.values(dispatcher.stats)) {
        // connections === 1 makes undici use a Client (boolean `connected`, no `free`) instead of a Pool.
        const connected = typeof s.connected === "boolean" ? Number(s.connected) : s.connected;
        total.connected += connected;
        total.free += "free" in s ? s.free : s.running === 0 ? connected : 0;
        total.running += s.running;
        total.pending += s.pending;
      }
      return total;
    },
    close: () => (dispatcher.closed ? Promise.resolve() : dispatcher.close()),
    destroy: () => (dispatcher.destroyed ? Promise.resolve() : dispatcher.destroy()),
  };
}
