// A tiny upstream for live nginx tests: counts what reaches it, so tests can prove what didn't.
import http from "node:http";

export interface TestBackend {
  port: number;
  hits: Map<string, number>;
  /** TCP connections accepted so far (nginx's upstream keep-alive shows as few of them). */
  connections(): number;
  close(): Promise<void>;
}

export async function startTestBackend(): Promise<TestBackend> {
  const hits = new Map<string, number>();
  const big = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `tool-${i}`, description: "a compressible description of a tool" })) });
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path.endsWith("/sse")) {
      res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
      let n = 0;
      const timer = setInterval(() => {
        res.write(`id: ${++n}\ndata: ${"x".repeat(2000)}\n\n`);
        if (n === 3) {
          clearInterval(timer);
          res.end();
        }
      }, 150);
      return;
    }
    const body = path.endsWith("/big") || path.endsWith("/cached") ? big : JSON.stringify({ ok: true, path });
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as { port: number }).port,
    hits,
    connections: () => connections,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
