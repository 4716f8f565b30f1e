import http from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { createMetrics } from "../../../src/backend/metrics.js";
import { MAX_BODY_BYTES, createRouter } from "../../../src/backend/routes.js";
import { startBackend, type RunningBackend } from "../../../src/backend/server.js";
import { metricValue, request as rawRequest, testConfig, type Reply, type RequestOptions } from "../../support/reference-backend.js";

const JSON_TYPE = "application/json; charset=utf-8";

describe("backend endpoints", () => {
  let backend: RunningBackend;
  let port: number;
  // Keep-alive client, as nginx's upstream keepalive is: a non-keep-alive client sends
  // `Connection: close` itself and Node would (correctly) echo it.
  const agent = new http.Agent({ keepAlive: true });
  const request = (p: number, path: string, options: RequestOptions = {}): Promise<Reply> =>
    rawRequest(p, path, { agent, ...options });

  beforeAll(async () => {
    backend = await startBackend(testConfig());
    port = backend.port;
  });
  afterAll(async () => {
    agent.destroy();
    await backend.shutdown("test done");
  });

  /** Content-Length present and equal to the bytes actually received; never `Connection: close`. */
  function expectFramed(res: { headers: http.IncomingHttpHeaders; body: Buffer }): void {
    expect(res.headers["content-length"]).toBe(String(res.body.length));
    expect(res.headers["transfer-encoding"]).toBeUndefined();
    expect(res.headers.connection).toBe("keep-alive");
  }

  it("GET /health → 200 {status: ok}", async () => {
    const res = await request(port, "/health");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(JSON_TYPE);
    expect(JSON.parse(res.text)).toEqual({ status: "ok" });
    expectFramed(res);
  });

  it("HEAD /health → 200 with headers and no body", async () => {
    const res = await request(port, "/health", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength('{"status":"ok"}')));
    expect(res.body.length).toBe(0);
  });

  it("GET /version → configured version and Node version", async () => {
    const res = await request(port, "/version");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(JSON_TYPE);
    expect(JSON.parse(res.text)).toEqual({ version: "test-1.2.3", node: process.version });
    expectFramed(res);
  });

  it("GET /api/v1/config → JSON object of a few hundred bytes up to 1 KB", async () => {
    const res = await request(port, "/api/v1/config");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(JSON_TYPE);
    expect(res.body.length).toBeGreaterThanOrEqual(300);
    expect(res.body.length).toBeLessThanOrEqual(1024);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body).toMatchObject({ version: "test-1.2.3", limits: { maxBodyBytes: MAX_BODY_BYTES } });
    expectFramed(res);
  });

  it("GET /api/tools → 40 tool objects, 4–8 KB, deterministic and compressible", async () => {
    const res = await request(port, "/api/tools");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(JSON_TYPE);
    expectFramed(res);
    expect(res.body.length).toBeGreaterThanOrEqual(4096);
    expect(res.body.length).toBeLessThanOrEqual(8192);
    const tools = JSON.parse(res.text) as Array<{ name: string; description: string; inputSchema: { type: string; properties: object } }>;
    expect(Array.isArray(tools)).toBe(true);
    expect(tools).toHaveLength(40);
    expect(new Set(tools.map((t) => t.name)).size).toBe(40);
    for (const tool of tools) {
      expect(tool.name).toMatch(/^[a-z_]+$/);
      expect(tool.description.length).toBeGreaterThan(10);
      expect(tool.inputSchema.type).toBe("object");
      expect(typeof tool.inputSchema.properties).toBe("object");
    }
    const again = await request(port, "/api/tools");
    expect(again.body.equals(res.body)).toBe(true);
    expect(gzipSync(res.body).length / res.body.length).toBeLessThan(0.25);
  });

  it("POST /api/echo and POST /api/tools echo the JSON body byte for byte", async () => {
    const payload = JSON.stringify({ hello: "wörld", n: [1, 2, 3], nested: { ok: true } });
    for (const path of ["/api/echo", "/api/tools"]) {
      const res = await request(port, path, { method: "POST", body: payload, headers: { "Content-Type": "application/json" } });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe(JSON_TYPE);
      expect(res.text).toBe(payload);
      expectFramed(res);
    }
  });

  it("POST /api/echo with invalid JSON → 400", async () => {
    const res = await request(port, "/api/echo", { method: "POST", body: "{not json" });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ error: "invalid_json" });
    expectFramed(res);
  });

  it("accepts a body of exactly 1 MiB", async () => {
    const body = `"${"a".repeat(MAX_BODY_BYTES - 2)}"`;
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    const res = await request(port, "/api/echo", { method: "POST", body });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(MAX_BODY_BYTES);
  });

  it("rejects 1 MiB + 1 byte with 413, with or without Content-Length", async () => {
    const body = `"${"a".repeat(MAX_BODY_BYTES - 1)}"`;
    const declared = await request(port, "/api/echo", { method: "POST", body });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text)).toMatchObject({ error: "payload_too_large" });
    expectFramed(declared);

    // Chunked upload: the cap must be enforced while streaming, not from the header.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path: "/api/echo", method: "POST", agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      expect(req.getHeader("content-length")).toBeUndefined();
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      for (let i = 0; i < 17; i++) req.write(chunk); // 1088 KiB
      req.end();
    });
    expect(chunked).toBe(413);
  });

  it("unknown path → 404 JSON, counted under route=unmatched", async () => {
    const before = await metricValue(backend.metrics, "http_requests_total", { route: "unmatched", status: "404" });
    const res = await request(port, "/nope?x=1");
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe(JSON_TYPE);
    expect(JSON.parse(res.text)).toMatchObject({ error: "not_found" });
    expectFramed(res);
    expect(await metricValue(backend.metrics, "http_requests_total", { route: "unmatched", status: "404" })).toBe(before + 1);
  });

  it("wrong method → 405 with Allow", async () => {
    const del = await request(port, "/health", { method: "DELETE" });
    expect(del.status).toBe(405);
    expect(del.headers.allow).toBe("GET, HEAD");
    expect(JSON.parse(del.text)).toMatchObject({ error: "method_not_allowed" });
    expectFramed(del);

    const getEcho = await request(port, "/api/echo");
    expect(getEcho.status).toBe(405);
    expect(getEcho.headers.allow).toBe("POST");

    const putTools = await request(port, "/api/tools", { method: "PUT", body: "{}" });
    expect(putTools.status).toBe(405);
    expect(putTools.headers.allow).toBe("GET, POST, HEAD");
  });

  it("GET /api/cacheable → public, max-age=60 and a hit counter", async () => {
    const first = await request(port, "/api/cacheable");
    const second = await request(port, "/api/cacheable");
    expect(first.status).toBe(200);
    expect(first.headers["cache-control"]).toBe("public, max-age=60");
    expect(first.headers["content-type"]).toBe(JSON_TYPE);
    expectFramed(first);
    const a = JSON.parse(first.text) as { hits: number };
    const b = JSON.parse(second.text) as { hits: number };
    expect(b.hits).toBe(a.hits + 1);
  });

  it("GET /api/slow?ms=N waits N ms; bad values → 400", async () => {
    const t0 = performance.now();
    const res = await request(port, "/api/slow?ms=200");
    const elapsed = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ sleptMs: 200 });
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(1_000);
    expectFramed(res);
    expect((await request(port, "/api/slow?ms=abc")).status).toBe(400);
    expect((await request(port, "/api/slow?ms=999999999")).status).toBe(400);
  });

  it("GET /metrics → Prometheus text with the backend series", async () => {
    await request(port, "/health");
    const res = await request(port, "/metrics");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expectFramed(res);
    expect(res.text).toMatch(/^http_requests_total\{method="GET",route="\/health",status="200"\} [1-9]\d*$/m);
    expect(res.text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} [1-9]\d*$/m);
    expect(res.text).toMatch(/^backend_tcp_connections_accepted_total [1-9]\d*$/m);
    expect(res.text).toMatch(/^backend_tcp_connections_open [1-9]\d*$/m); // at least the scrape's own
    expect(res.text).toMatch(/^backend_sse_clients 0$/m);
    expect(res.text).toMatch(/^backend_http_client_connections_open 0$/m);
    expect(res.text).toContain("process_cpu_user_seconds_total");
  });

  it("exposes the shared outgoing pool's state in /metrics", async () => {
    const out = await backend.httpClient.request(`http://127.0.0.1:${port}/health`);
    await out.body.text();
    const res = await request(port, "/metrics");
    expect(res.text).toMatch(/^backend_http_client_connections_open 1$/m);
    expect(res.text).toMatch(/^backend_http_client_connections_free 1$/m);
  });
});

describe("router while draining", () => {
  it("/health and new SSE streams answer 503; other routes keep working", async () => {
    let draining = false;
    const router = createRouter({ config: testConfig(), metrics: createMetrics({ defaultMetrics: false }), isDraining: () => draining });
    const server = http.createServer((req, res) => router.handle(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    try {
      expect((await rawRequest(port, "/health")).status).toBe(200);
      draining = true;
      const health = await rawRequest(port, "/health");
      expect(health.status).toBe(503);
      expect(JSON.parse(health.text)).toEqual({ status: "draining" });
      expect(health.headers["content-length"]).toBe(String(health.body.length));
      const sse = await rawRequest(port, "/api/v1/sse?count=1");
      expect(sse.status).toBe(503);
      expect(sse.headers["retry-after"]).toBe("1");
      expect((await rawRequest(port, "/version")).status).toBe(200);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
