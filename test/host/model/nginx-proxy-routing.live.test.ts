// Upstream paths, retries, passive health and location matching through the real nginx. Requests
// are written on a raw socket so paths reach nginx exactly as sent (%2F, %2e%2e, ..), and the
// backends record every request line they receive: what the backend sees is the measurement.
import http from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";
import { runRules } from "../../../src/rules/index.js";

interface Seen {
  method: string;
  url: string;
}

interface Recorder {
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

/** A backend that records each request and answers `status` (200 with the URL it saw by default). */
async function recorder(status = 200): Promise<Recorder> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "" });
    req.resume();
    req.on("end", () => {
      const body = JSON.stringify({ url: req.url });
      res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as { port: number }).port, seen, close: () => new Promise((r) => server.close(() => r())) };
}

let nginx: RunningNginx;
let live: Recorder;
let failing: Recorder; // answers 502 to everything
let unavailable: Recorder; // answers 503 to everything
let deadPort: number;

/** `method path` exactly as given, HTTP/1.1 on a fresh connection; resolves with the status. */
function raw(method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(nginx.httpPort, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", reject);
    socket.on("end", () => resolve(Number(Buffer.concat(chunks).toString("latin1").split(" ")[1])));
    const body = method === "POST" ? "{}" : "";
    const length = method === "POST" ? ["Content-Type: application/json", `Content-Length: ${body.length}`] : [];
    socket.write([`${method} ${path} HTTP/1.1`, "Host: localhost", "Connection: close", ...length, "", body].join("\r\n"));
  });
}

/** What `backend` saw since `from` (an index into its log), as "METHOD url". */
const since = (backend: Recorder, from: number) => backend.seen.slice(from).map((s) => `${s.method} ${s.url}`);

const server = (port: number, extra: { maxFails?: number; failTimeout?: string } = {}) => ({ host: "127.0.0.1", port, ...extra });

beforeAll(async () => {
  [live, failing, unavailable] = await Promise.all([recorder(), recorder(502), recorder(503)]);
  deadPort = await freePort(); // nothing listens here: connection refused
  const pool = (servers: ReturnType<typeof server>[]) => ({ balance: "round_robin" as const, servers });
  nginx = await startNginx(
    spec({
      tls: { enabled: false },
      upstreams: {
        users: pool([server(live.port), server(deadPort)]),
        orders: pool([server(live.port)]),
        // maxFails 0: the 502 server stays in the pool, so POSTs keep reaching it (this is about retries).
        flaky: pool([server(failing.port, { maxFails: 0 }), server(live.port, { maxFails: 0 })]),
        shed: pool([server(unavailable.port, { maxFails: 1, failTimeout: "60s" }), server(live.port)]),
        unshed: pool([server(unavailable.port, { maxFails: 1, failTimeout: "60s" }), server(live.port)]),
        shedpost: pool([server(unavailable.port, { maxFails: 1, failTimeout: "60s" }), server(live.port)]),
      },
      routes: [
        { kind: "api", path: "/api/users/", upstream: "users", upstreamPath: "/" },
        { kind: "api", path: "/api/orders/", upstream: "orders", upstreamPath: "/orders/" },
        { kind: "api", path: "/api/plain/", upstream: "orders" },
        { kind: "api", path: "/flaky/", upstream: "flaky", retry: { on: ["error", "timeout", "http_502"] } },
        { kind: "api", path: "/shed/", upstream: "shed", retry: { on: ["error", "timeout", "http_503"] } },
        { kind: "api", path: "/unshed/", upstream: "unshed" },
        { kind: "api", path: "/shedpost/", upstream: "shedpost", retry: { on: ["error", "timeout", "http_503"] } },
        { kind: "api", path: "^/v[0-9]+/items$", match: "regex", upstream: "orders" },
        { kind: "api", path: "/api/upload", upstream: "orders" },
        { kind: "api", path: "/files/upload", match: "exact", upstream: "orders" },
        { kind: "api", path: "/files/upload/", upstream: "orders" },
      ],
    }),
  );
});

afterAll(async () => {
  await nginx?.stop();
  await Promise.all([live, failing, unavailable].map((b) => b?.close()));
});

describe("upstreamPath: what the backend sees", () => {
  // request path -> what the live backend received ("" when the request never reached it)
  const STRIP: [string, string][] = [
    ["/api/users/42", "/42"],
    ["/api/users/42?expand=orders&next=%2Fa%2F..", "/42?expand=orders&next=%2Fa%2F.."],
    ["/api/users/a%2Fb", "/a/b"],
    ["/api/users/a%20b", "/a%20b"],
    ["/api/users/a%3Fb", "/a%3Fb"],
    ["/api/users/a%0D%0AX-Injected:%201", "/a%0D%0AX-Injected:%201"],
    ["/api/users/%252e%252e/admin", "/%252e%252e/admin"],
    ["/api/users/x/../42", "/42"],
    ["/api/users/x%2F..%2F42", "/42"],
    ["/api/users/x/%2e%2e/42", "/42"],
    ["/api/users//42", "/42"],
    ["/api/users/../admin", ""],
    ["/api/users/%2e%2e/admin", ""],
    ["/api/users/..%2Fadmin", ""],
    ["/api/users/%2E%2E%2Fadmin", ""],
  ];

  it.each(STRIP)("strip: %s reaches the backend as %j", async (path, expected) => {
    const from = live.seen.length;
    const status = await raw("GET", path);
    const seen = since(live, from);
    console.log(`[figure] strip ${path} -> ${status} ${JSON.stringify(seen)}`);
    if (expected === "") {
      // Resolved to /api/admin before a route was chosen: no route matches, the backend sees nothing.
      expect(status).toBe(404);
      expect(seen).toEqual([]);
    } else {
      expect(status).toBe(200);
      expect(seen).toEqual([`GET ${expected}`]);
    }
  });

  it("replace: /api/orders/7?x=1 reaches the backend as /orders/7?x=1; without upstreamPath the URI goes on as sent", async () => {
    let from = live.seen.length;
    expect(await raw("GET", "/api/orders/7?x=1")).toBe(200);
    expect(since(live, from)).toEqual(["GET /orders/7?x=1"]);
    from = live.seen.length;
    expect(await raw("GET", "/api/plain/a%2Fb/./c")).toBe(200);
    expect(since(live, from)).toEqual(["GET /api/plain/a%2Fb/./c"]);
  });
});

describe("retry and passive health", () => {
  it("one of two servers dead: 100 GETs all succeed, and the backend got each exactly once", async () => {
    const from = live.seen.length;
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push(await raw("GET", `/api/users/${i}`));
    const tally = Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length]));
    console.log(`[figure] 100 GETs, one of two servers refusing connections: ${JSON.stringify(tally)}; live backend received ${since(live, from).length}`);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(since(live, from)).toHaveLength(100);
  });

  it("a server answering 502: GETs go on to the next server, a POST is never sent twice", async () => {
    const [liveFrom, failingFrom] = [live.seen.length, failing.seen.length];
    const gets: number[] = [];
    for (let i = 0; i < 10; i++) gets.push(await raw("GET", `/flaky/g${i}`));
    const posts: number[] = [];
    for (let i = 0; i < 10; i++) posts.push(await raw("POST", `/flaky/p${i}`));
    const liveSeen = since(live, liveFrom);
    const failingSeen = since(failing, failingFrom);
    const postsTo = (seen: string[]) => seen.filter((s) => s.startsWith("POST")).length;
    console.log(`[figure] flaky pool (502 server + live): GET statuses ${gets.join(",")}; POST statuses ${posts.join(",")}; POSTs at the 502 server ${postsTo(failingSeen)}, at the live one ${postsTo(liveSeen)}`);
    expect(gets.every((s) => s === 200)).toBe(true);
    // Every POST reached exactly one server: those that hit the 502 server got its 502, none was resent.
    const postPaths = [...failingSeen, ...liveSeen].filter((s) => s.startsWith("POST")).map((s) => s.split(" ")[1]);
    expect(postPaths.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `/flaky/p${i}`).sort());
    expect(posts.filter((s) => s === 502).length).toBe(postsTo(failingSeen));
    expect(postsTo(failingSeen)).toBeGreaterThan(0);
  });

  it("a POST whose connection was refused goes on to the live server (it was never sent)", async () => {
    const from = live.seen.length;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await raw("POST", `/api/users/p${i}`));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(since(live, from).filter((s) => s.startsWith("POST"))).toHaveLength(6);
  });

  it("with http_503 in retry.on a server answering 503 counts toward maxFails and leaves the pool; without, it keeps getting requests", async () => {
    const count = (path: string) => unavailable.seen.filter((s) => s.url.startsWith(path)).length;
    const shed: number[] = [];
    const unshed: number[] = [];
    for (let i = 0; i < 20; i++) {
      shed.push(await raw("GET", `/shed/${i}`));
      unshed.push(await raw("GET", `/unshed/${i}`));
    }
    console.log(`[figure] 20 GETs each: with http_503 listed the 503 server got ${count("/shed/")} (statuses ${[...new Set(shed)].join(",")}); without, it got ${count("/unshed/")} and ${unshed.filter((s) => s === 503).length} clients saw 503`);
    expect(shed.every((s) => s === 200)).toBe(true);
    expect(count("/shed/")).toBe(1); // maxFails 1: the first 503 took it out for failTimeout
    expect(count("/unshed/")).toBeGreaterThanOrEqual(9);
    expect(unshed.filter((s) => s === 503).length).toBe(count("/unshed/"));
  });

  it("a 503 answered to a POST (not passed on) does not count toward maxFails: the server keeps getting POSTs", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await raw("POST", `/shedpost/${i}`));
    const at503 = unavailable.seen.filter((s) => s.url.startsWith("/shedpost/")).length;
    console.log(`[figure] 10 POSTs, http_503 listed, maxFails 1: the 503 server got ${at503}, statuses ${statuses.join(",")}`);
    expect(at503).toBeGreaterThanOrEqual(4);
    expect(statuses.filter((s) => s === 503).length).toBe(at503);
  });
});

describe("location matching", () => {
  it("a regex route matches what it says and not more", async () => {
    const cases: [string, number][] = [
      ["/v2/items", 200],
      ["/v10/items?page=2", 200],
      ["/v2/items/", 404],
      ["/v2/itemsX", 404],
      ["/v/items", 404],
      ["/V2/items", 404],
      ["/x/v2/items", 404],
    ];
    const got = await Promise.all(cases.map(async ([path]) => [path, await raw("GET", path)] as const));
    expect(got).toEqual(cases);
  });

  it("a prefix path without a trailing slash also takes longer names, and rule route-prefix-boundary says so; exact + trailing slash does not", async () => {
    const from = live.seen.length;
    expect(await raw("GET", "/api/uploadsXYZ")).toBe(200);
    expect(since(live, from)).toEqual(["GET /api/uploadsXYZ"]);
    expect(await raw("GET", "/files/upload")).toBe(200);
    expect(await raw("GET", "/files/upload/a")).toBe(200);
    expect(await raw("GET", "/files/uploadsXYZ")).toBe(404);
    const findings = runRules(
      spec({ upstreams: { app: { servers: [{ host: "backend" }] } }, routes: [{ kind: "api", path: "/api/upload" }, { kind: "api", path: "/files/upload", match: "exact" }, { kind: "api", path: "/files/upload/" }] }),
      () => undefined,
    ).filter((d) => d.code === "route-prefix-boundary");
    expect(findings.map((d) => [d.severity, d.path])).toEqual([["warning", ["routes", 0, "path"]]]);
  });
});
