// Traffic split on the real nginx: 2,000 new clients (no cookie) split within 3 points of 10%
// to the canary, every one gets edgekit's cookie (HttpOnly, SameSite=Lax, Path=/, Secure under
// TLS), a returning client stays on its side for 50 requests, and a cached split route never
// serves one pool's answer to the other pool's clients. Keyed on a header or the client address,
// the split is stable per key and sets no cookie.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../../support/http.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";

interface Pool {
  server: http.Server;
  port: number;
}

async function pool(name: string): Promise<Pool> {
  const server = http.createServer((req, res) => {
    const body = JSON.stringify({ pool: name, path: req.url });
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "Cache-Control": "public, max-age=60" });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as { port: number }).port };
}

let v1: Pool;
let v2: Pool;
let nginx: RunningNginx;

const to = [
  { upstream: "v1", percent: 90 },
  { upstream: "v2", percent: 10 },
];

beforeAll(async () => {
  [v1, v2] = [await pool("v1"), await pool("v2")];
  nginx = await startNginx(
    spec({
      upstreams: { v1: { servers: [{ host: "127.0.0.1", port: v1.port }] }, v2: { servers: [{ host: "127.0.0.1", port: v2.port }] } },
      routes: [
        { kind: "api", path: "/", split: { to } },
        { kind: "api", path: "/cached/", split: { to }, cache: { valid: [{ statuses: [200], time: "10m" }] } },
        { kind: "api", path: "/by-header/", split: { by: "header", header: "X-User-Id", to } },
        { kind: "api", path: "/by-address/", split: { by: "client_ip", to } },
      ],
    }),
  );
});

afterAll(async () => {
  await nginx?.stop();
  for (const p of [v1, v2]) await new Promise((r) => p?.server.close(r));
});

const get = (path: string, headers: Record<string, string> = {}) => request(`https://127.0.0.1:${nginx.httpsPort}${path}`, { ca: nginx.caCert, headers: { host: "app.example.com", ...headers } });
const poolOf = (text: string) => (JSON.parse(text) as { pool: string }).pool;

/** Runs `count` tasks, `width` at a time. */
async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += width) out.push(...(await Promise.all(Array.from({ length: Math.min(width, count - i) }, (_, j) => task(i + j)))));
  return out;
}

describe("a 90/10 split on edgekit's cookie", () => {
  let clients: { pool: string; cookie: string }[];

  beforeAll(async () => {
    clients = await inBatches(2000, 50, async () => {
      const reply = await get("/");
      const setCookie = reply.headers["set-cookie"] ?? [];
      expect(setCookie).toHaveLength(1);
      return { pool: poolOf(reply.text), cookie: setCookie[0]! };
    });
  }, 120_000);

  it("sends 10% (+-3 points) of 2,000 new clients to the canary", () => {
    const share = clients.filter((c) => c.pool === "v2").length / clients.length;
    console.log(`canary share over ${clients.length} new clients: ${(share * 100).toFixed(1)}%`);
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.13);
  });

  it("gives each new client a random, HttpOnly, SameSite=Lax, Secure cookie for the whole site", () => {
    const { cookie } = clients[0]!;
    expect(cookie).toMatch(/^edgekit_split=[0-9a-f]{32}; Path=\/; Max-Age=2592000; HttpOnly; SameSite=Lax; Secure$/);
    expect(new Set(clients.map((c) => c.cookie.split(";")[0])).size).toBe(clients.length);
  });

  it("keeps a returning client on its side for 50 requests, and sets no new cookie", async () => {
    for (const side of ["v1", "v2"]) {
      const client = clients.find((c) => c.pool === side)!;
      const cookie = client.cookie.split(";")[0]!;
      const replies = await inBatches(50, 10, () => get("/again", { cookie }));
      expect(replies.map((r) => poolOf(r.text))).toEqual(Array(50).fill(side));
      expect(replies.every((r) => r.headers["set-cookie"] === undefined)).toBe(true);
    }
  });

  it("never serves one pool's cached answer to the other pool's clients", async () => {
    // New clients (no cookie yet) are served from the cache, keyed on their pool; each one's true
    // side is what its cookie gets on an uncached route.
    const seen = await inBatches(200, 20, async () => {
      const reply = await get("/cached/page");
      const cookie = reply.headers["set-cookie"]![0]!.split(";")[0]!;
      const truth = await get("/truth", { cookie });
      return { cached: poolOf(reply.text), truth: poolOf(truth.text), status: reply.headers["x-cache-status"] };
    });
    expect(seen.filter((s) => s.cached !== s.truth)).toEqual([]);
    expect(new Set(seen.map((s) => s.truth))).toEqual(new Set(["v1", "v2"]));
    expect(seen.filter((s) => s.status === "HIT").length).toBeGreaterThan(150);
  });
});

describe("a split on a header or the client address", () => {
  it("is stable per header value, random without it, and sets no cookie", async () => {
    const users = await inBatches(400, 50, (i) => get("/by-header/x", { "x-user-id": `user-${i}` }));
    const share = users.filter((r) => poolOf(r.text) === "v2").length / users.length;
    expect(share).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.16);
    const user = users.findIndex((r) => poolOf(r.text) === "v2");
    const again = await inBatches(20, 10, () => get("/by-header/y", { "x-user-id": `user-${user}` }));
    expect(again.map((r) => poolOf(r.text))).toEqual(Array(20).fill("v2"));
    expect([...users, ...again].every((r) => r.headers["set-cookie"] === undefined)).toBe(true);
  });

  it("keeps one address on one side", async () => {
    const replies = await inBatches(20, 10, () => get("/by-address/x"));
    expect(new Set(replies.map((r) => poolOf(r.text))).size).toBe(1);
    expect(replies.every((r) => r.headers["set-cookie"] === undefined)).toBe(true);
  });
});
