import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackend, type RunningBackend } from "../../../src/backend/server.js";
import { metricValue, request, testConfig, waitFor } from "../../support/reference-backend.js";
import { openSse } from "../../support/sse-client.js";

describe("GET /api/v1/sse", { timeout: 5_000 }, () => {
  let backend: RunningBackend;

  beforeAll(async () => {
    backend = await startBackend(testConfig({ sseHeartbeatMs: 100 }));
  });
  afterAll(async () => {
    await backend.shutdown("test done");
  });

  it("streams ticks with increasing ids and heartbeat comments", async () => {
    const stream = await openSse(backend.port, "/api/v1/sse?interval=50");
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(stream.headers["cache-control"]).toBe("no-cache");
    expect(stream.headers["x-accel-buffering"]).toBe("no");
    expect(stream.headers["content-length"]).toBeUndefined();
    expect(stream.headers["transfer-encoding"]).toBe("chunked");
    expect(stream.headers.connection).toBe("keep-alive");
    await waitFor(() => metricValue(backend.metrics, "backend_sse_clients").then((v) => v === 1), 1_000, "sse gauge = 1");

    await waitFor(() => stream.comments().includes("heartbeat") && stream.events().length >= 3, 500, "ticks and a heartbeat within 500 ms");
    const ticks = stream.events();
    expect(ticks.every((e) => e.event === "tick")).toBe(true);
    const ids = ticks.map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => i + 1)); // 1, 2, 3, ... no gaps, no repeats
    for (const e of ticks) expect(JSON.parse(e.data)).toMatchObject({ n: Number(e.id) });

    stream.close();
    await waitFor(() => metricValue(backend.metrics, "backend_sse_clients").then((v) => v === 0), 1_000, "sse gauge back to 0");
  });

  it("heartbeat=0 keeps the stream silent between ticks (heartbeat every 100 ms otherwise)", async () => {
    const stream = await openSse(backend.port, "/api/v1/sse?interval=60000&heartbeat=0");
    await new Promise((r) => setTimeout(r, 350));
    expect(stream.comments()).not.toContain("heartbeat");
    stream.close();
  });

  it("count=3 ends the stream after exactly three ticks", async () => {
    const stream = await openSse(backend.port, "/api/v1/sse?interval=20&count=3");
    await stream.ended;
    expect(stream.events().map((e) => [e.event, e.id])).toEqual([
      ["tick", "1"],
      ["tick", "2"],
      ["tick", "3"],
    ]);
    expect(await metricValue(backend.metrics, "http_requests_total", { route: "/api/v1/sse", status: "200" })).toBeGreaterThanOrEqual(1);
  });

  it("resumes ids after Last-Event-ID", async () => {
    const stream = await openSse(backend.port, "/api/v1/sse?interval=10&count=2", { "Last-Event-ID": "41" });
    await stream.ended;
    expect(stream.events().map((e) => e.id)).toEqual(["42", "43"]);
  });

  it("clamps interval to at least 10 ms", async () => {
    const t0 = performance.now();
    const stream = await openSse(backend.port, "/api/v1/sse?interval=0&count=5");
    await stream.ended;
    expect(stream.events()).toHaveLength(5);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
  });

  it("rejects malformed parameters with 400", async () => {
    expect((await request(backend.port, "/api/v1/sse?interval=fast")).status).toBe(400);
    expect((await request(backend.port, "/api/v1/sse?count=0")).status).toBe(400);
    expect((await request(backend.port, "/api/v1/sse", { method: "POST" })).status).toBe(405);
  });

  it("is not buffered: each tick reaches the client when it is sent", async () => {
    const stream = await openSse(backend.port, "/api/v1/sse?interval=300&count=2");
    await stream.ended;
    const [first, second] = stream.eventTimes();
    expect(second! - first!).toBeGreaterThanOrEqual(250);
  });
});
