// Answers nginx gives itself, on the real nginx: fixed responses (maintenance 503 with Retry-After, a
// health answer), redirects (each status, Location with the path and query kept or not, encoded
// characters kept encoded, `$` literal), and error pages (a stopped backend's 502 and a rate limit's
// 429 as the spec's JSON; a backend's own 404 passes unchanged). Every response keeps the security
// headers and carries no header twice. Run on the host's nginx (security headers repeated in every
// location, the named error locations included) and on nginx 1.30 (add_header_inherit merge).
// With an upstream at max_conns, the busy answer (503 + Retry-After) carries the spec's 503 page,
// and a capped upstream that refuses connections the spec's 502 page.
// Requests go over a raw socket, so every header line is seen as nginx wrote it.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedNginxVersion } from "../../../src/nginx-check/nginx-test.js";
import { expectedSecurityHeaders } from "../../../src/verify/plan.js";
import { freePort, startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { rawRequest } from "../../support/raw-http.js";
import { spec } from "../../support/specs.js";

interface RawReply {
  status: number;
  /** Every header line, names lower-cased, in order. */
  lines: [string, string][];
  headers: Record<string, string>;
  body: string;
}

async function rawGet(port: number, path: string): Promise<RawReply> {
  const reply = await rawRequest(port, "GET", path, [], "", "utf8");
  const lines = reply.lines.map((l): [string, string] => [l.name, l.value]);
  return { status: reply.status, lines, headers: Object.fromEntries(lines), body: reply.body };
}

/** Header names that occur more than once in a reply. */
const repeated = (reply: RawReply) => reply.lines.map(([n]) => n).filter((n, i, all) => all.indexOf(n) !== i);

const BODY_502 = '{"error":"backend unavailable","code":502}';
const BODY_429 = '{"error":"too many requests"}';
const BODY_503 = '{"error":"busy, retry"}';
const HOLD_MS = 1500;
const MAINTENANCE = "Down for maintenance.\nBack at 14:00 ($5 credit for the trouble) \"really\".";

let backend: http.Server;
let backendPort: number;
let deadPort: number;

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    if (req.url?.startsWith("/capped/")) return void setTimeout(() => res.end("slow done"), HOLD_MS);
    const own404 = req.url?.startsWith("/api/missing");
    const body = own404 ? '{"error":"no such user"}' : '{"ok":true}';
    res.writeHead(own404 ? 404 : 200, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)) });
    res.end(body);
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  backendPort = (backend.address() as { port: number }).port;
  deadPort = await freePort(); // nothing listens here: a stopped backend
});

afterAll(async () => {
  await new Promise((r) => backend?.close(r));
});

const versions = [(await installedNginxVersion())!, "1.30.6"];

describe.each(versions)("nginx %s answers itself", (version) => {
  let nginx: RunningNginx;
  let edge: ReturnType<typeof spec>;
  const get = (path: string) => rawGet(nginx.httpPort, path);

  beforeAll(async () => {
    edge = spec({
      nginx: { version },
      tls: { enabled: false },
      compression: { zstd: { enabled: false }, brotli: { enabled: false } },
      upstreams: {
        app: { servers: [{ host: "127.0.0.1", port: backendPort }] },
        dead: { servers: [{ host: "127.0.0.1", port: deadPort }] },
        capped: { servers: [{ host: "127.0.0.1", port: backendPort, maxConns: 1 }], keepalive: { connections: 4 } },
        cappeddead: { servers: [{ host: "127.0.0.1", port: deadPort, maxConns: 5, maxFails: 0 }], keepalive: { connections: 4 } },
      },
      errorPages: {
        502: { body: BODY_502 },
        404: { contentType: "text/html", body: "<h1>Nothing here</h1>" },
        429: { body: BODY_429, headers: { "Retry-After": "60" } },
        503: { body: BODY_503 },
      },
      routes: [
        { kind: "api", path: "/api/", upstream: "app" },
        { kind: "api", path: "/dead/", upstream: "dead" },
        { kind: "api", path: "/dead-html/", upstream: "dead", errorPages: { 502: { contentType: "text/html", body: "<p>The shop is resting.</p>" } } },
        { kind: "api", path: "/limited/", upstream: "app", rateLimit: { rate: "1r/m" } },
        { kind: "api", path: "/limited503/", upstream: "app", rateLimit: { rate: "1r/m", status: 503 } },
        { kind: "api", path: "/capped/", upstream: "capped" },
        { kind: "api", path: "/capped-dead/", upstream: "cappeddead" },
        { kind: "respond", path: "/maintenance/", status: 503, body: MAINTENANCE, headers: { "Retry-After": "120" } },
        { kind: "respond", path: "/healthz", match: "exact", body: "ok" },
        { kind: "respond", path: "/gone.json", match: "exact", status: 410, contentType: "application/json", body: '{"gone":true}' },
        { kind: "redirect", path: "/r301/", to: "/new/", status: 301, keepPath: true },
        { kind: "redirect", path: "/r302", to: "https://example.com/landing?from=r302", status: 302, keepQuery: false },
        { kind: "redirect", path: "/r307/", to: "/n307/", status: 307, keepPath: true, keepQuery: false },
        { kind: "redirect", path: "/r308", match: "exact", to: "https://other.example.com/a$b", status: 308 },
      ],
    });
    nginx = await startNginx(edge);
  });

  afterAll(async () => {
    await nginx?.stop();
  });

  const security = () => expectedSecurityHeaders(edge, { https: false });

  /** Every security header with the spec's value, and no header twice. */
  function expectEdgeHeaders(reply: RawReply) {
    for (const [name, value] of Object.entries(security())) expect(reply.headers[name], name).toBe(value);
    expect(repeated(reply)).toEqual([]);
  }

  it("a maintenance route answers 503 with Retry-After, its body as written ($ and quotes literal) and the security headers", async () => {
    const reply = await get("/maintenance/any/page?x=1");
    expect(reply.status).toBe(503);
    expect(reply.headers["retry-after"]).toBe("120");
    expect(reply.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(reply.body).toBe(MAINTENANCE);
    expectEdgeHeaders(reply);
  });

  it("a health answer comes from nginx itself; a .json path doesn't change a body's type", async () => {
    const health = await get("/healthz");
    expect([health.status, health.body, health.headers["content-type"]]).toEqual([200, "ok", "text/plain; charset=utf-8"]);
    expectEdgeHeaders(health);
    const gone = await get("/gone.json");
    expect([gone.status, gone.body, gone.headers["content-type"]]).toEqual([410, '{"gone":true}', "application/json"]);
  });

  const REDIRECTS: [string, number, string][] = [
    // path kept (still percent-encoded: a %0D%0A never becomes a header line), query kept, `$` literal
    ["/r301/a%20b/%0D%0ASet-Cookie:x=1?q=1&z=$uri", 301, "/new/a%20b/%0D%0ASet-Cookie:x=1?q=1&z=$uri"],
    ["/r301/", 301, "/new/"],
    ["/r302/deep/path?drop=1", 302, "https://example.com/landing?from=r302"],
    ["/r307/x/y.html?drop=1", 307, "/n307/x/y.html"],
    ["/r308?keep=1", 308, "https://other.example.com/a$b?keep=1"],
    ["/r308", 308, "https://other.example.com/a$b"],
  ];

  it.each(REDIRECTS)("GET %s answers %i with Location %s", async (path, status, location) => {
    const reply = await get(path);
    expect(reply.status).toBe(status);
    expect(reply.headers.location).toBe(location);
    expect(reply.headers["set-cookie"]).toBeUndefined();
    expectEdgeHeaders(reply);
  });

  it("a stopped backend gives the spec's 502 JSON, with the security headers", async () => {
    const reply = await get("/dead/users/42");
    expect(reply.status).toBe(502);
    expect(reply.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(reply.body)).toEqual(JSON.parse(BODY_502));
    expectEdgeHeaders(reply);
  });

  it("a route's own page replaces the top-level one for its status", async () => {
    const reply = await get("/dead-html/");
    expect([reply.status, reply.headers["content-type"], reply.body]).toEqual([502, "text/html; charset=utf-8", "<p>The shop is resting.</p>"]);
    expectEdgeHeaders(reply);
  });

  it("a rate-limited request gets the spec's 429 JSON with its Retry-After", async () => {
    expect((await get("/limited/a")).status).toBe(200);
    const reply = await get("/limited/a");
    expect([reply.status, reply.headers["content-type"], reply.headers["retry-after"], reply.body]).toEqual([429, "application/json", "60", BODY_429]);
    expectEdgeHeaders(reply);
  });

  it("at max_conns the excess gets the busy answer as the spec's 503 page, with Retry-After: 1", async () => {
    const first = get("/capped/a");
    await new Promise((r) => setTimeout(r, 300)); // the first request holds the only connection now
    const excess = await Promise.all(Array.from({ length: 3 }, () => get("/capped/b")));
    expect((await first).body).toBe("slow done");
    for (const reply of excess) {
      expect([reply.status, reply.headers["content-type"], reply.headers["retry-after"], reply.body]).toEqual([503, "application/json", "1", BODY_503]);
      expectEdgeHeaders(reply);
    }
  });

  it("a capped upstream that refuses connections gives the spec's 502 page, without Retry-After", async () => {
    const reply = await get("/capped-dead/x");
    expect([reply.status, reply.headers["retry-after"], reply.body]).toEqual([502, undefined, BODY_502]);
    expectEdgeHeaders(reply);
  });

  it("a 503 that is not the busy answer (a rate limit's) gets the 503 page without Retry-After", async () => {
    expect((await get("/limited503/a")).status).toBe(200);
    const reply = await get("/limited503/a");
    expect([reply.status, reply.headers["retry-after"], reply.body]).toEqual([503, undefined, BODY_503]);
    expectEdgeHeaders(reply);
  });

  it("no route gives the spec's 404 page; the backend's own 404 JSON passes unchanged", async () => {
    const none = await get("/nowhere");
    expect([none.status, none.body]).toEqual([404, "<h1>Nothing here</h1>"]);
    expectEdgeHeaders(none);
    const own = await get("/api/missing/7");
    expect([own.status, own.body]).toEqual([404, '{"error":"no such user"}']);
    expectEdgeHeaders(own);
  });
});
