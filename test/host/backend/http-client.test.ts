import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHttpClient, type HttpClient } from "../../../src/backend/http-client.js";
import type { HttpClientPoolStats } from "../../../src/backend/metrics.js";
import { sleep, waitFor } from "../../support/reference-backend.js";

describe("shared http client", () => {
  let server: http.Server;
  let origin: string;
  let accepted = 0;
  let openSockets = new Set<unknown>();
  let active = 0;
  let maxActive = 0;
  let onActive: ((active: number) => void) | undefined;

  beforeEach(async () => {
    accepted = active = maxActive = 0;
    const sockets = new Set<unknown>(); // per server, so late closes from the previous test don't count
    openSockets = sockets;
    onActive = undefined;
    server = http.createServer((req, res) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      onActive?.(active);
      setTimeout(() => {
        active -= 1;
        res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": "2" });
        res.end("ok");
      }, 60);
    });
    server.keepAliveTimeout = 5_000;
    server.on("connection", (s) => {
      accepted += 1;
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function get(client: HttpClient): Promise<number> {
    const res = await client.request(`${origin}/x`);
    await res.body.text();
    return res.statusCode;
  }

  it("bounds concurrency to `connections` sockets and queues the rest", async () => {
    const client = createHttpClient({ connections: 2, keepAliveTimeoutMs: 2_000 });
    let sampled: HttpClientPoolStats | undefined;
    onActive = (n) => {
      if (n === 2 && !sampled) sampled = client.stats();
    };
    const statuses = await Promise.all(Array.from({ length: 6 }, () => get(client)));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(accepted).toBe(2);
    expect(maxActive).toBe(2);
    expect(sampled).toEqual({ connected: 2, free: 0, running: 2, pending: 4 });
    await client.close();
  });

  it("reuses kept-alive sockets across calls", async () => {
    const client = createHttpClient({ connections: 4, keepAliveTimeoutMs: 2_000 });
    for (let i = 0; i < 10; i++) {
      expect(await get(client)).toBe(200);
      // undici resolves the body a tick before it marks the socket free; a call issued in
      // that same tick opens a second socket. Yield once, as any real caller does.
      await new Promise((r) => setImmediate(r));
    }
    expect(accepted).toBe(1);
    expect(client.stats()).toMatchObject({ connected: 1, free: 1, running: 0, pending: 0 });
    await client.close();
  });

  it("drops idle sockets after keepAliveTimeoutMs even when the server allows longer", async () => {
    const client = createHttpClient({ connections: 4, keepAliveTimeoutMs: 150 });
    expect(await get(client)).toBe(200);
    expect(openSockets.size).toBe(1);
    await sleep(50);
    expect(openSockets.size).toBe(1); // still pooled
    await waitFor(() => openSockets.size === 0, 2_000, "client to close the idle socket");
    expect(client.stats().connected).toBe(0);
    await client.close();
  });

  it("close() waits for running calls, then refuses new ones", async () => {
    const client = createHttpClient({ connections: 2, keepAliveTimeoutMs: 2_000 });
    const running = get(client);
    await waitFor(() => active === 1, 1_000, "request to reach the server");
    const closing = client.close();
    expect(await running).toBe(200);
    await closing;
    expect(client.dispatcher.closed).toBe(true);
    await expect(get(client)).rejects.toThrow(/destroyed|closed/i);
    await waitFor(() => openSockets.size === 0, 1_000, "sockets to close");
  });
});
