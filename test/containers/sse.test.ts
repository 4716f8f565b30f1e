// Server-sent events through the edge: every event reaches the client as it is written (no
// batching, over HTTP/2 and HTTP/1.1), a quiet stream outlives the 3 s proxy read timeout on the
// backend's 1 s heartbeats, and the response is streamed (no Content-Length).
import { describe, expect, it } from "vitest";
import { openSse, type SseEvent } from "./support/clients.js";
import { noStack } from "./support/stack.js";

const PROTOCOLS = ["h2", "http/1.1"] as const;

const ticks = (events: SseEvent[]) => events.filter((e) => e.event === "tick");
const heartbeats = (events: SseEvent[]) => events.filter((e) => e.comments.includes("heartbeat"));

describe.skipIf(noStack)("server-sent events", () => {
  it("(a) no batching: each of 10 ticks (200 ms apart) arrives < 100 ms after the backend wrote it, over h2 and HTTP/1.1", async () => {
    const streams = PROTOCOLS.map((p) => ({ protocol: p, sse: openSse(p, "/api/v1/sse?interval=200&count=10") }));
    await Promise.all(streams.map(({ sse }) => sse.ended));
    for (const { protocol, sse } of streams) {
      expect((await sse.response).status).toBe(200);
      const got = ticks(sse.events);
      expect(got.map((e) => JSON.parse(e.data ?? "{}").n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const latencies = got.map((e) => e.arrivedAt - Date.parse(JSON.parse(e.data ?? "{}").time));
      // Batching would show as ticks arriving together, the early ones hundreds of ms late.
      const arrivals = got.map((e) => e.arrivedAt);
      const gaps = arrivals.slice(1).map((t, i) => t - (arrivals[i] ?? 0));
      console.log(`[figure] sse ${protocol}: tick latency max ${Math.max(...latencies)} ms, mean ${(latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(1)} ms; min gap between arrivals ${Math.min(...gaps)} ms`);
      for (const latency of latencies) {
        expect(latency).toBeGreaterThanOrEqual(-5); // same host clock: never (meaningfully) before it was written
        expect(latency).toBeLessThan(100);
      }
      expect(Math.min(...gaps)).toBeGreaterThan(100);
    }
  });

  it("(b) a stream with only heartbeats stays open 7 s, past the 3 s proxy read timeout, over h2 and HTTP/1.1", async () => {
    const streams = PROTOCOLS.map((p) => ({ protocol: p, sse: openSse(p, "/api/v1/sse?interval=60000") }));
    try {
      for (const { sse } of streams) expect((await sse.response).status).toBe(200);
      const opened = Date.now();
      await new Promise((r) => setTimeout(r, 7000));
      for (const { protocol, sse } of streams) {
        const beats = heartbeats(sse.events);
        const gaps = beats.slice(1).map((e, i) => e.arrivedAt - (beats[i]?.arrivedAt ?? 0));
        console.log(`[figure] sse ${protocol}: open ${Date.now() - opened} ms with the 3 s read timeout, ${beats.length} heartbeats, max gap ${Math.max(...gaps)} ms, ${ticks(sse.events).length} ticks`);
        expect(sse.isOpen()).toBe(true);
        expect(beats.length).toBeGreaterThanOrEqual(5);
        expect(ticks(sse.events)).toHaveLength(0); // only heartbeats flowed
        expect(Math.max(...gaps)).toBeLessThan(3000);
      }
    } finally {
      for (const { sse } of streams) sse.close();
    }
  });

  it("(c) for contrast, the same stream without heartbeats is cut at the 3 s read timeout", async () => {
    const sse = openSse("http/1.1", "/api/v1/sse?interval=60000&heartbeat=0");
    try {
      expect((await sse.response).status).toBe(200);
      const opened = Date.now();
      const how = await Promise.race([sse.ended, new Promise((r) => setTimeout(() => r("still open"), 8000))]);
      const lasted = Date.now() - opened;
      console.log(`[figure] sse without heartbeats: closed by the edge after ${lasted} ms (read timeout 3 s)`);
      expect(how).not.toBe("still open");
      expect(lasted).toBeGreaterThanOrEqual(2500);
      expect(lasted).toBeLessThan(6000);
    } finally {
      sse.close();
    }
  });

  it("(d) the response is streamed: no Content-Length, chunked on HTTP/1.1, X-Accel-Buffering not leaked", async () => {
    for (const protocol of PROTOCOLS) {
      const sse = openSse(protocol, "/api/v1/sse?count=1&interval=10");
      const { status, headers } = await sse.response;
      await sse.ended;
      expect(status).toBe(200);
      expect(String(headers["content-type"])).toMatch(/^text\/event-stream/);
      expect(headers["content-length"]).toBeUndefined();
      if (protocol === "http/1.1") expect(headers["transfer-encoding"]).toBe("chunked");
      // The backend sends X-Accel-Buffering: no; nginx consumes it (and hides it from the client).
      expect(headers["x-accel-buffering"]).toBeUndefined();
      expect(ticks(sse.events)).toHaveLength(1);
    }
  });
});
