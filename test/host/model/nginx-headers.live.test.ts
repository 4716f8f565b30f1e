// Headers on the wire, through the real nginx with a Node backend that echoes what it receives.
// nginx listens on every loopback address, so a request from 127.0.0.2 (the simulated load balancer,
// trusted in realIp.from) and one from 127.0.0.3 (anyone else) reach the same edge from different
// peers. Proves: X-Forwarded-For/-Proto/-Host and X-Request-ID are believed from the trusted peer
// only, the backend sees https and one client address behind the load balancer, HSTS goes out only
// on what the load balancer received over https, a request id is kept or made and returned, and no
// response of any route kind (404 and 429 included) carries a header twice, the author's value
// replacing the generated one and the backend's.
import http from "node:http";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import type { SpecInput } from "../../../src/spec/schema.js";
import { spec } from "../../support/specs.js";

const LOAD_BALANCER = "127.0.0.2";
const STRANGER = "127.0.0.3";
const CLIENT = "203.0.113.7";
const HOST = "app.example.com";

interface Reply {
  status: number;
  /** Every response header line as sent: lower-cased name and value, duplicates kept. */
  lines: [string, string][];
  /** The backend's view of the request (its headers), when the backend answered. */
  seen: Record<string, string> | null;
}

const dockerUp = (await execa("docker", ["info"], { reject: false })).exitCode === 0;
/**
 * The host's nginx 1.22.1 (a location's add_header drops the server's, so every location lists them
 * all) and, where Docker runs, edgekit's 1.30.6 image (add_header_inherit merge at server level; a
 * location that replaces one of the server's headers turns inheritance off and lists its own).
 */
const VERSIONS = ["1.22.1", ...(dockerUp ? ["1.30.6"] : [])];

let backend: http.Server;
const behindLb = new Map<string, RunningNginx>();
let nginxAlone: RunningNginx;
let staticDir: string;

beforeAll(async () => {
  // Echoes the request headers; on /api/loud/ also sends the headers the edge sets itself, so a
  // second copy would show.
  backend = http.createServer((req, res) => {
    const body = JSON.stringify(req.headers);
    const headers: Record<string, string> = { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)) };
    if (req.url?.includes("/loud/")) {
      Object.assign(headers, { "X-Frame-Options": "ALLOWALL", "Content-Security-Policy": "default-src *", "X-Request-ID": "from-backend", "Cache-Control": "public, max-age=999", "Strict-Transport-Security": "max-age=1" });
    }
    res.writeHead(200, headers);
    res.end(body);
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  const port = (backend.address() as { port: number }).port;
  staticDir = mkdtempSync(join(tmpdir(), "edgekit-headers-"));
  chmodSync(staticDir, 0o755); // nginx's workers run as an unprivileged user
  writeFileSync(join(staticDir, "a.txt"), "static file\n");
  const upstreams = { app: { servers: [{ host: "127.0.0.1", port }] } };
  const routes: NonNullable<SpecInput["routes"]> = [
    { kind: "api", path: "/api/", headers: { "x-frame-options": "SAMEORIGIN", "Content-Security-Policy": "default-src 'none'" }, requestHeaders: { "X-Edge": "edge-1", "X-Client": "${remote_addr} via $scheme", "X-Id": "$request_id" } },
    { kind: "api", path: "/limited/", rateLimit: { rate: "1r/m" } },
    { kind: "api", path: "/cached/", cache: {} },
    { kind: "sse", path: "/sse" },
    { kind: "websocket", path: "/ws" },
    { kind: "static", path: "/static/", root: staticDir },
    { kind: "static", path: "/assets/", root: staticDir, headers: { "cache-control": "no-cache" } },
    { kind: "health", path: "/health", match: "exact" },
    { kind: "metrics", path: "/metrics", match: "exact" },
  ];
  for (const version of VERSIONS) {
    const edge = spec({
      nginx: { version },
      tls: { enabled: false, terminatedBy: "loadBalancer" },
      realIp: { enabled: true, from: [LOAD_BALANCER] },
      requestId: { keepIncoming: "trusted" },
      logging: { access: { buffer: "0" } },
      headers: { "Permissions-Policy": "camera=()", "X-Top": "1", "Cross-Origin-Opener-Policy": null },
      upstreams,
      routes,
    });
    behindLb.set(version, await startNginx(edge));
  }
  nginxAlone = await startNginx(spec({ nginx: { version: "1.22.1" }, tls: { enabled: false }, upstreams, routes: [{ kind: "api", path: "/api/" }] }));
});

afterAll(async () => {
  for (const nginx of behindLb.values()) await nginx.stop();
  await nginxAlone?.stop();
  await new Promise((r) => backend?.close(r));
  rmSync(staticDir, { recursive: true, force: true });
});

/** GET `path` on `nginx` from the local address `from`, with these request headers. */
function get(nginx: RunningNginx, path: string, from: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: nginx.httpPort, path, localAddress: from, agent: false, headers: { Host: HOST, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const lines: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
        const text = Buffer.concat(chunks).toString("utf8");
        let seen: Record<string, string> | null = null;
        if (String(res.headers["content-type"]).startsWith("application/json")) seen = JSON.parse(text) as Record<string, string>;
        resolve({ status: res.statusCode ?? 0, lines, seen });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

const values = (reply: Reply, name: string) => reply.lines.filter(([n]) => n === name).map(([, v]) => v);
const one = (reply: Reply, name: string) => {
  const all = values(reply, name);
  expect(all, `${name} once`).toHaveLength(1);
  return all[0];
};
const repeated = (reply: Reply) => {
  const counts = new Map<string, number>();
  for (const [name] of reply.lines) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([name]) => name);
};

const FORWARDED = { "X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "public.example.com", "X-Request-ID": "lb-abc-123" };

describe.each(VERSIONS)("nginx %s", (version) => {
  const nginx = () => behindLb.get(version)!;

  describe("behind a load balancer (realIp.from: 127.0.0.2, tls.terminatedBy: loadBalancer)", () => {
    it("the backend behind the trusted load balancer sees https, the client once, the forwarded host and the load balancer's request id", async () => {
      const reply = await get(nginx(), "/api/x", LOAD_BALANCER, FORWARDED);
      expect(reply.status).toBe(200);
      expect(reply.seen).toMatchObject({
        "x-forwarded-for": `${CLIENT}, ${LOAD_BALANCER}`,
        "x-real-ip": CLIENT,
        "x-forwarded-proto": "https",
        "x-forwarded-host": "public.example.com",
        "x-request-id": "lb-abc-123",
        host: HOST,
      });
      expect(reply.seen!["x-forwarded-for"]!.split(", ").filter((a) => a === CLIENT)).toHaveLength(1);
      // HSTS, since the load balancer says the client came over https; the id goes back to the client.
      expect(one(reply, "strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
      expect(one(reply, "x-request-id")).toBe("lb-abc-123");
    });

    it("route requestHeaders reach the backend: literals and allowed variables ($scheme is the client's, $request_id the kept id)", async () => {
      const reply = await get(nginx(), "/api/x", LOAD_BALANCER, FORWARDED);
      expect(reply.seen).toMatchObject({ "x-edge": "edge-1", "x-client": `${CLIENT} via https`, "x-id": "lb-abc-123" });
    });

    it("an untrusted peer's X-Forwarded-* and X-Request-ID are replaced by the edge's own, and it gets no HSTS", async () => {
      const reply = await get(nginx(), "/api/x", STRANGER, FORWARDED);
      expect(reply.seen).toMatchObject({ "x-forwarded-for": STRANGER, "x-real-ip": STRANGER, "x-forwarded-proto": "http", "x-forwarded-host": HOST });
      expect(reply.seen!["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
      expect(one(reply, "x-request-id")).toBe(reply.seen!["x-request-id"]);
      expect(values(reply, "strict-transport-security")).toEqual([]);
    });

    it("the trusted load balancer's plain-http request gets no HSTS and the backend is told http", async () => {
      const reply = await get(nginx(), "/api/x", LOAD_BALANCER, { "X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "http" });
      expect(reply.seen).toMatchObject({ "x-forwarded-proto": "http", "x-forwarded-for": `${CLIENT}, ${LOAD_BALANCER}` });
      expect(values(reply, "strict-transport-security")).toEqual([]);
    });

    it("a trusted request id that is not one token is replaced: nothing a client sends lands in the logs as is", async () => {
      for (const bad of ["two words", 'quote"d', "x".repeat(129), "a,b"]) {
        const reply = await get(nginx(), "/api/x", LOAD_BALANCER, { "X-Request-ID": bad });
        expect(reply.seen!["x-request-id"], bad).toMatch(/^[0-9a-f]{32}$/);
      }
    });

    it("the JSON access log records the request id the backend got", async () => {
      const reply = await get(nginx(), "/api/logged", LOAD_BALANCER, { "X-Request-ID": "log-me-42" });
      expect(reply.seen!["x-request-id"]).toBe("log-me-42");
      // The log is unbuffered here (logging.access.buffer 0): the line is written when the request ends.
      const text = readFileSync(join(nginx().prefix, "logs", "access.log"), "utf8");
      const line = text.split("\n").find((l) => l.includes("/api/logged"));
      expect(line && (JSON.parse(line) as { request_id: string }).request_id).toBe("log-me-42");
    });
  });

  describe("no response carries a header twice; the author's value wins", () => {
    const PATHS = ["/api/x", "/api/loud/x", "/cached/loud/x", "/sse", "/ws", "/static/a.txt", "/assets/a.txt", "/health", "/metrics", "/nothing-here"];

    it.each(PATHS)("%s", async (path) => {
      const reply = await get(nginx(), path, LOAD_BALANCER, FORWARDED);
      // /metrics is closed to the public, and the client the load balancer names is public: 403.
      expect(reply.status, path).toBe(path === "/nothing-here" ? 404 : path === "/metrics" ? 403 : 200);
      expect(repeated(reply)).toEqual([]);
      // Top-level headers: one replaced, one added, one removed; on every route.
      expect(one(reply, "permissions-policy")).toBe("camera=()");
      expect(one(reply, "x-top")).toBe("1");
      expect(values(reply, "cross-origin-opener-policy")).toEqual([]);
      expect(one(reply, "strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
      expect(one(reply, "x-request-id")).toBe("lb-abc-123");
      expect(one(reply, "x-frame-options")).toBe(path.startsWith("/api/") ? "SAMEORIGIN" : "DENY");
      expect(one(reply, "content-security-policy")).toBe(path.startsWith("/api/") ? "default-src 'none'" : "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'");
    });

    it("a static route's Cache-Control from expires, and the author's instead where the route sets one", async () => {
      const generated = await get(nginx(), "/static/a.txt", STRANGER);
      const authored = await get(nginx(), "/assets/a.txt", STRANGER);
      expect([generated.status, authored.status]).toEqual([200, 200]);
      expect(one(generated, "cache-control")).toBe("public, max-age=604800");
      expect(one(authored, "cache-control")).toBe("no-cache");
    });

    it("a cached route reports its cache status once, even when the backend sends its own headers", async () => {
      const reply = await get(nginx(), "/cached/loud/y", STRANGER);
      expect(one(reply, "x-cache-status")).toBe("MISS");
      // The backend's Cache-Control passes (the edge sets none there); its security headers don't.
      expect(one(reply, "cache-control")).toBe("public, max-age=999");
      expect(repeated(reply)).toEqual([]);
    });

    it("429 from the rate limit carries every header once", async () => {
      const first = await get(nginx(), "/limited/", STRANGER);
      const second = await get(nginx(), "/limited/", STRANGER);
      expect([first.status, second.status]).toEqual([200, 429]);
      expect(repeated(second)).toEqual([]);
      expect(one(second, "x-frame-options")).toBe("DENY");
      expect(one(second, "x-request-id")).toMatch(/^[0-9a-f]{32}$/);
    });
  });

});

describe("an edge with no trusted proxy (realIp off, requestId.keepIncoming valid)", () => {
  it("a client's X-Forwarded-* are replaced: the backend gets the peer once and the scheme nginx served", async () => {
    const reply = await get(nginxAlone, "/api/x", STRANGER, { "X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example" });
    expect(reply.seen).toMatchObject({ "x-forwarded-for": STRANGER, "x-real-ip": STRANGER, "x-forwarded-proto": "http", "x-forwarded-host": HOST });
  });

  it("a client's well-formed X-Request-ID is kept and returned (the API gateway scenario of the issue); a malformed one is replaced", async () => {
    const kept = await get(nginxAlone, "/api/x", STRANGER, { "X-Request-Id": "client-abc-123" });
    expect(kept.seen!["x-request-id"]).toBe("client-abc-123");
    expect(one(kept, "x-request-id")).toBe("client-abc-123");
    const made = await get(nginxAlone, "/api/x", STRANGER, { "X-Request-Id": "client abc" });
    expect(made.seen!["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    expect(one(made, "x-request-id")).toBe(made.seen!["x-request-id"]);
  });

  it("tls off without terminatedBy sends no HSTS (rule hsts-without-https says so)", async () => {
    const reply = await get(nginxAlone, "/api/x", STRANGER, { "X-Forwarded-Proto": "https" });
    expect(values(reply, "strict-transport-security")).toEqual([]);
  });
});
