import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startBackend, type RunningBackend } from "../../../src/backend/server.js";
import { metricValue, rawConnect, request, sleep, testConfig, waitFor } from "../../support/reference-backend.js";

const started: RunningBackend[] = [];
async function start(...args: Parameters<typeof testConfig>): Promise<RunningBackend> {
  const backend = await startBackend(testConfig(...args));
  started.push(backend);
  return backend;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((b) => b.shutdown("test cleanup")));
});

const accepted = (b: RunningBackend): Promise<number> => metricValue(b.metrics, "backend_tcp_connections_accepted_total");
const openConns = (b: RunningBackend): Promise<number> => metricValue(b.metrics, "backend_tcp_connections_open");

describe("server settings", () => {
  it("applies the configured timeouts to the Node server", async () => {
    const b = await start({ keepAliveTimeoutMs: 7_000, headersTimeoutMs: 8_000 });
    expect(b.server.keepAliveTimeout).toBe(7_000);
    expect(b.server.headersTimeout).toBe(8_000);
    expect(b.server.requestTimeout).toBeGreaterThanOrEqual(b.server.headersTimeout);
    expect(b.port).toBeGreaterThan(0);
    expect(b.server.address()).toMatchObject({ address: "127.0.0.1", port: b.port });
  });
});

describe("keep-alive", () => {
  it("20 sequential requests on a keep-alive agent use exactly one TCP connection", async () => {
    const b = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const before = await accepted(b);
    for (let i = 0; i < 20; i++) {
      const res = await request(b.port, "/health", { agent });
      expect(res.status).toBe(200);
      expect(res.headers.connection).toBe("keep-alive");
      expect(res.headers["keep-alive"]).toBe("timeout=5");
    }
    expect((await accepted(b)) - before).toBe(1);
    agent.destroy();
  });

  it("without keep-alive the same 20 requests open 20 connections", async () => {
    const b = await start();
    const agent = new http.Agent({ keepAlive: false });
    const before = await accepted(b);
    for (let i = 0; i < 20; i++) expect((await request(b.port, "/health", { agent })).status).toBe(200);
    expect((await accepted(b)) - before).toBe(20);
    await waitFor(async () => (await openConns(b)) === 0, 1_000, "connections to close");
    agent.destroy();
  });

  it("closes an idle keep-alive socket after keepAliveTimeoutMs", async () => {
    const b = await start({ keepAliveTimeoutMs: 300, headersTimeoutMs: 1_000 });
    // Node adds keepAliveTimeoutBuffer to the socket timeout so clients that honour the
    // `Keep-Alive: timeout=` hint close first; the server closes at timeout + buffer.
    const expectedMs = 300 + b.server.keepAliveTimeoutBuffer;
    const conn = await rawConnect(b.port);
    conn.socket.write("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
    await waitFor(() => conn.data().endsWith('{"status":"ok"}'), 1_000, "response");
    const idleSince = performance.now();
    expect(conn.data()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(conn.data()).toContain("Connection: keep-alive");

    await sleep(200);
    expect(conn.isClosed()).toBe(false); // not closed right after the response
    expect(await openConns(b)).toBe(1);

    const closedAt = await conn.closed;
    const idleMs = closedAt - idleSince;
    expect(idleMs).toBeGreaterThanOrEqual(280);
    expect(idleMs).toBeLessThan(expectedMs + 700);
    await waitFor(async () => (await openConns(b)) === 0, 1_000, "open gauge back to 0");
  });
});

describe("graceful shutdown", { timeout: 10_000 }, () => {
  it("drains: in-flight completes, /health 503, idle and SSE sockets close, new connections refused", async () => {
    const b = await start({ shutdownTimeoutMs: 3_000, sseHeartbeatMs: 10_000 });
    const serverSockets: net.Socket[] = [];
    b.server.on("connection", (s: net.Socket) => serverSockets.push(s));
    const serverSideOf = (client: net.Socket): net.Socket | undefined =>
      serverSockets.find((s) => s.remotePort === client.localPort);

    // An open SSE stream on a keep-alive connection that the client would happily reuse.
    const sse = await rawConnect(b.port);
    sse.socket.write("GET /api/v1/sse?interval=1000 HTTP/1.1\r\nHost: t\r\n\r\n");
    await waitFor(() => sse.data().includes("retry:"), 1_000, "SSE stream to start");
    expect(sse.data()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(sse.data()).toContain("Connection: keep-alive");

    // An idle keep-alive socket (served one request, now waiting).
    const idle = await rawConnect(b.port);
    idle.socket.write("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
    await waitFor(() => idle.data().endsWith('{"status":"ok"}'), 1_000, "idle socket's first response");

    // A socket that connected but never sent a byte (e.g. a pre-connect).
    const silent = await rawConnect(b.port);

    // A request whose headers are on the wire but not yet complete when shutdown starts.
    const partial = await rawConnect(b.port);
    const head = "GET /health HTTP/1.1\r\nHost: t\r\n";
    partial.socket.write(head);
    await waitFor(() => (serverSideOf(partial.socket)?.bytesRead ?? 0) >= head.length, 1_000, "server to read the partial request");

    // The in-flight request.
    const reachedServer = new Promise<void>((resolve) =>
      b.server.on("request", (req: http.IncomingMessage) => {
        if (req.url?.startsWith("/api/slow")) resolve();
      }),
    );
    const t0 = performance.now();
    const keepAlive = new http.Agent({ keepAlive: true });
    const slow = request(b.port, "/api/slow?ms=500", { agent: keepAlive });
    await reachedServer;
    await sleep(100);

    const shutdownAt = performance.now();
    let shutdownDoneAt = 0;
    const done = b.shutdown("test").then(() => {
      shutdownDoneAt = performance.now();
    });
    expect(b.shutdown("again")).toBe(b.shutdown("again")); // idempotent

    // New connections are refused at once.
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect(b.port, "127.0.0.1");
      s.on("connect", () => {
        s.destroy();
        resolve("connected");
      });
      s.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");

    // The partial request completes while draining: 503 and Connection: close.
    partial.socket.write("\r\n");
    await partial.closed;
    expect(partial.data()).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(partial.data()).toContain("Connection: close");
    expect(partial.data()).toMatch(/\{"status":"draining"\}$/);

    // Idle, silent and SSE connections end promptly, long before the slow request is done.
    const idleClosedAt = await idle.closed;
    const silentClosedAt = await silent.closed;
    const sseClosedAt = await sse.closed;
    expect(idleClosedAt - shutdownAt).toBeLessThan(200);
    expect(silentClosedAt - shutdownAt).toBeLessThan(200);
    expect(sseClosedAt - shutdownAt).toBeLessThan(200);
    // The stream got a final event and a proper end of the chunked body before the close.
    expect(sse.data()).toContain('event: shutdown\ndata: {"reason":"test"}\n\n');
    expect(sse.data()).toMatch(/\r\n0\r\n\r\n$/);

    // The in-flight request completes normally, and its connection is not reused.
    const res = await slow;
    const slowMs = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ sleptMs: 500 });
    expect(res.headers.connection).toBe("close");
    expect(slowMs).toBeGreaterThanOrEqual(495);

    // Shutdown resolves once everything is closed, well before the 3 s deadline.
    await done;
    expect(shutdownDoneAt - shutdownAt).toBeGreaterThanOrEqual(350); // waited for the slow request
    expect(shutdownDoneAt - shutdownAt).toBeLessThan(1_500); // but not for the force-close deadline
    expect(await openConns(b)).toBe(0);
    expect(await metricValue(b.metrics, "backend_sse_clients")).toBe(0);
    expect(b.server.listening).toBe(false);
    expect(b.httpClient.dispatcher.closed).toBe(true);
    keepAlive.destroy();
  });

  it("an in-flight request finishing while draining releases its keep-alive socket at once", async () => {
    const b = await start({ shutdownTimeoutMs: 3_000 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await request(b.port, "/health", { agent })).status).toBe(200); // socket now pooled
    const slow = request(b.port, "/api/slow?ms=200", { agent });
    await sleep(50);
    const t = performance.now();
    await b.shutdown("test");
    const res = await slow;
    expect(res.status).toBe(200);
    // Resolved right after the slow response, not after keepAliveTimeout (5 s).
    expect(performance.now() - t).toBeLessThan(1_000);
    agent.destroy();
  });

  it("force-closes sockets still busy after shutdownTimeoutMs", async () => {
    const b = await start({ shutdownTimeoutMs: 300 });
    // Settle the outcome up front: the rejection happens while shutdown() is awaited.
    const slow = request(b.port, "/api/slow?ms=5000").then(
      (r) => `status ${r.status}`,
      (err: Error) => err.message,
    );
    await waitFor(async () => (await openConns(b)) === 1, 1_000, "slow request connection");
    await sleep(50);
    const t = performance.now();
    await b.shutdown("test");
    const took = performance.now() - t;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1_000);
    expect(await slow).toMatch(/socket hang up|ECONNRESET/);
    expect(await openConns(b)).toBe(0);
  });
});
