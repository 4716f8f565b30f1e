// examples/api-gateway.yaml on the wire (issue 10): three services behind one edge, two echo
// servers each. What the issue saw go wrong, and what this proves instead: the backend saw
// /users/42 (now /42, the prefix replaced, even for encoded and dot-segment paths); with a server
// dead six GETs went 502 200 502 … (now 100 of 100 succeed, while a POST is never sent twice); no
// basic auth (now 401 with a JSON body, then 200); nginx's HTML error pages (now JSON, also with a
// whole service down); a client's X-Request-Id replaced (now kept from the private network the
// example trusts, replaced from anywhere else); and no response carries a header twice.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { repeated, startScenario, values, type Scenario } from "./support/scenario.js";
import type { RawReply } from "../support/raw-http.js";

const NAME = "api.example.com";
// A private subnet of its own: the host's requests reach nginx from its gateway, 10.231.52.1, inside
// the 10.0.0.0/8 the example trusts with X-Request-ID.
const SUBNET = "10.231.52.0/24";
const SUBNET_GATEWAY = "10.231.52.1";
// `openssl passwd -6 -salt edgekitscn 'correct horse battery'`: the file holds the hash only.
const USER = "clerk";
const PASSWORD = "correct horse battery";
const HTPASSWD = `${USER}:$6$edgekitscn$VGaTrfqzNK.NGOb65QBfmTsGJ.Jod1P0JAKoU7kbhXE0tytMlwn.I/OdKJimwVyiPKGW.Mf1rgZ66kHNVTpHr.\n`;
const basic = (user: string, password: string) => `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

let scn: Scenario;
/** Every reply of the file, for the closing check that no header came twice. */
const replies: { what: string; reply: RawReply }[] = [];

async function request(method: string, path: string, headerLines: string[] = [], body = ""): Promise<RawReply> {
  const reply = await scn.request(NAME, method, path, headerLines, body);
  replies.push({ what: `${method} ${path} -> ${reply.status}`, reply });
  return reply;
}

/** What the echo server that answered was asked: its name, path and request headers. */
function echoed(reply: RawReply): { server: string; url: string; method: string; headers: Record<string, string> } {
  return JSON.parse(reply.body) as { server: string; url: string; method: string; headers: Record<string, string> };
}

/** Requests the servers of a service saw for exactly this method and upstream URL. */
async function seenBy(hosts: string[], method: string, url: string): Promise<string[]> {
  const all = await Promise.all(hosts.map((h) => scn.seen(h)));
  return all.flat().filter((e) => e.method === method && e.url === url).map((e) => e.echo);
}

const USERS = ["users-1", "users-2"];
const ORDERS = ["orders-1", "orders-2"];

describe("examples/api-gateway.yaml on the wire", () => {
  beforeAll(async () => {
    scn = await startScenario({
      name: "gateway",
      example: "examples/api-gateway.yaml",
      ports: { http: 20200, https: 20201, prometheus: 20202 },
      subnet: SUBNET,
      files: { "secrets/billing.htpasswd": HTPASSWD },
      echo: [
        // Fixed addresses: a server stopped and started again comes back where nginx resolved it.
        { host: "users-1", port: 8080, ipv4: "10.231.52.11" },
        { host: "users-2", port: 8080, ipv4: "10.231.52.12" },
        { host: "orders-1", port: 8080, ipv4: "10.231.52.21" },
        { host: "orders-2", port: 8080, ipv4: "10.231.52.22" },
        { host: "billing-1", port: 9000, ipv4: "10.231.52.31" },
        { host: "billing-2", port: 9000, ipv4: "10.231.52.32" },
      ],
    });
  });

  afterAll(async () => {
    await scn?.down();
  });

  it("each service sees its own path: the prefix stripped or replaced, encoded and dot-segment paths resolved inside it", async () => {
    const cases: [string, string][] = [
      ["/users/42", "/42"],
      ["/orders/7", "/api/v1/orders/7"],
      ["/users/42?fields=name", "/42?fields=name"],
      // Encoded characters stay encoded on their way to the service.
      ["/users/a%20b", "/a%20b"],
      ["/users/caf%C3%A9", "/caf%C3%A9"],
      // nginx resolves dot segments (plain or percent-encoded) before it picks a route.
      ["/users/x/../42", "/42"],
      ["/users/x/%2e%2e/43", "/43"],
      ["/orders/./7", "/api/v1/orders/7"],
      ["/orders/x/.%2E/7", "/api/v1/orders/7"],
      // The regex route passes the path as it is.
      ["/v2/users/42", "/v2/users/42"],
    ];
    for (const [path, upstream] of cases) {
      const reply = await request("GET", path);
      expect(reply.status, path).toBe(200);
      const echo = echoed(reply);
      expect(echo.url, path).toBe(upstream);
      console.log(`[figure] gateway path: ${path} -> ${echo.server} saw ${echo.url}`);
    }
  });

  it("a path that climbs out of /users/ never reaches the users service with '..' in it", async () => {
    const before = (await Promise.all(USERS.map((h) => scn.seen(h)))).flat().length;
    // Out of /users/ into /orders/: served by the orders route, as the resolved path says.
    const intoOrders = await request("GET", "/users/../orders/7");
    expect(intoOrders.status).toBe(200);
    expect(echoed(intoOrders).url).toBe("/api/v1/orders/7");
    expect(echoed(intoOrders).server).toMatch(/^orders-/);
    const encoded = await request("GET", "/users/%2e%2e/orders/8");
    expect(echoed(encoded).url).toBe("/api/v1/orders/8");
    // Out of /users/ to a path no route has: the JSON 404, no service asked.
    const nowhere = await request("GET", "/users/..%2f..%2fetc/passwd");
    const above = await request("GET", "/users/../../etc/passwd");
    console.log(`[figure] gateway climb: /users/..%2f..%2fetc/passwd -> ${nowhere.status}, /users/../../etc/passwd -> ${above.status}`);
    for (const reply of [nowhere, above]) {
      expect([400, 404]).toContain(reply.status);
      if (reply.status === 404) expect(JSON.parse(reply.body)).toEqual({ error: "not_found", message: "no such API" });
    }
    const after = (await Promise.all(USERS.map((h) => scn.seen(h)))).flat();
    expect(after.length).toBe(before);
    expect(after.filter((e) => /\.\.|%2e/i.test(e.url))).toEqual([]);
  });

  it("no route: the JSON 404, not nginx's HTML page", async () => {
    const reply = await request("GET", "/nope");
    expect(reply.status).toBe(404);
    expect(values(reply, "content-type")).toEqual(["application/json"]);
    expect(JSON.parse(reply.body)).toEqual({ error: "not_found", message: "no such API" });
  });

  it("a GET that meets a 502 is retried once on the other server; a POST that reached a server is not sent again", async () => {
    const get = await request("GET", "/users/status/502?try=get");
    // Both servers answered 502: the second's own answer passes (a backend's response is never paged).
    expect(get.status).toBe(502);
    const getSeen = await seenBy(USERS, "GET", "/status/502?try=get");
    expect(getSeen.sort()).toEqual(USERS);

    const post = await request("POST", "/users/status/502?try=post", ["Content-Type: application/json"], '{"amount":1}');
    expect(post.status).toBe(502);
    const postSeen = await seenBy(USERS, "POST", "/status/502?try=post");
    expect(postSeen).toHaveLength(1);
    console.log(`[figure] gateway retry: GET /users/status/502 reached ${getSeen.length} servers (${getSeen.join(", ")}); POST reached ${postSeen.length} (${postSeen.join(", ")})`);
    // Both servers now hold failures toward maxFails 2 (failTimeout 15s): let them expire, so the
    // next test starts with two healthy servers.
    await new Promise((r) => setTimeout(r, 16_000));
  });

  it("with one users server stopped, 100 GETs all succeed (the dead one is skipped, then rested)", async () => {
    await scn.compose("stop", "-t", "1", "echo-users-2");
    onTestFinished(async () => {
      await scn.compose("start", "echo-users-2");
    });
    const statuses: number[] = [];
    const servers = new Map<string, number>();
    const started = Date.now();
    let slowest = 0;
    for (let i = 0; i < 100; i++) {
      const t = Date.now();
      const reply = await request("GET", `/users/${i}`);
      slowest = Math.max(slowest, Date.now() - t);
      statuses.push(reply.status);
      if (reply.status === 200) servers.set(echoed(reply).server, (servers.get(echoed(reply).server) ?? 0) + 1);
    }
    const seconds = (Date.now() - started) / 1000;
    const ok = statuses.filter((s) => s === 200).length;
    console.log(`[figure] gateway dead server: ${ok}/100 GETs answered 200 in ${seconds.toFixed(1)} s with users-2 stopped (slowest ${slowest} ms: a connect to the dead one, then the other; answered by ${[...servers].map(([s, n]) => `${s} ${n}`).join(", ")})`);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect([...servers.keys()]).toEqual(["users-1"]);
  });

  it("basic auth on /billing/: 401 with WWW-Authenticate and a JSON body, then 200 with the right credentials", async () => {
    const none = await request("GET", "/billing/invoices");
    expect(none.status).toBe(401);
    expect(values(none, "www-authenticate")).toEqual(['Basic realm="Billing"']);
    expect(values(none, "content-type")).toEqual(["application/json"]);
    expect(JSON.parse(none.body)).toEqual({ error: "unauthorized", message: "valid credentials required" });

    const wrong = await request("GET", "/billing/invoices", [basic(USER, "wrong horse")]);
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error).toBe("unauthorized");

    const right = await request("GET", "/billing/invoices", [basic(USER, PASSWORD)]);
    expect(right.status).toBe(200);
    expect(echoed(right).url).toBe("/invoices");
    expect(echoed(right).server).toMatch(/^billing-/);
    console.log(`[figure] gateway basic auth: no credentials ${none.status} (${values(none, "www-authenticate")[0]}, ${none.body}), wrong password ${wrong.status}, right password ${right.status}`);
  });

  it("the billing rate limit answers 429 as JSON with Retry-After", async () => {
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => request("GET", `/billing/invoices?n=${i}`, [basic(USER, PASSWORD)])));
    const limited = burst.filter((r) => r.status === 429);
    console.log(`[figure] gateway rate limit: 40 simultaneous GETs to /billing/ (10r/s, burst 20): ${burst.length - limited.length} answered, ${limited.length} got 429`);
    expect(limited.length).toBeGreaterThan(0);
    expect(burst.filter((r) => r.status !== 429 && r.status !== 200)).toEqual([]);
    for (const reply of limited) {
      expect(values(reply, "content-type")).toEqual(["application/json"]);
      expect(values(reply, "retry-after")).toEqual(["1"]);
      expect(JSON.parse(reply.body)).toEqual({ error: "rate_limited", message: "too many requests, slow down" });
    }
  });

  it("a client's X-Request-Id from the trusted network reaches the service and comes back", async () => {
    const reply = await request("GET", "/users/42", ["X-Request-Id: client-abc-123"]);
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-real-ip"]).toBe(SUBNET_GATEWAY);
    expect(echoed(reply).headers["x-request-id"]).toBe("client-abc-123");
    expect(values(reply, "x-request-id")).toEqual(["client-abc-123"]);
    // A malformed id is replaced even from there.
    const malformed = await request("GET", "/users/42", ["X-Request-Id: client abc;123"]);
    expect(echoed(malformed).headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    expect(values(malformed, "x-request-id")).toEqual([echoed(malformed).headers["x-request-id"]]);
    console.log(`[figure] gateway request id from ${SUBNET_GATEWAY} (trusted): client-abc-123 -> service saw ${echoed(reply).headers["x-request-id"]}, client got ${values(reply, "x-request-id").join(", ")}; malformed -> ${echoed(malformed).headers["x-request-id"]}`);
  });

  it("with the process of every orders server down (their hosts up, refusing), the JSON 502 page at once", async () => {
    await scn.compose("kill", "-s", "SIGUSR2", "echo-orders-1", "echo-orders-2");
    try {
      const started = Date.now();
      const reply = await request("GET", "/orders/7");
      const ms = Date.now() - started;
      console.log(`[figure] gateway service down (connections refused): GET /orders/7 -> ${reply.status} ${reply.body} in ${ms} ms`);
      expect(reply.status).toBe(502);
      expect(ms).toBeLessThan(2_000);
      expect(values(reply, "content-type")).toEqual(["application/json"]);
      expect(JSON.parse(reply.body)).toEqual({ error: "bad_gateway", message: "the service is unavailable" });
      // The page keeps the edge's headers: the request id and the security headers.
      expect(values(reply, "x-request-id")).toHaveLength(1);
      expect(values(reply, "strict-transport-security")).toHaveLength(1);
    } finally {
      await scn.compose("restart", "-t", "1", "echo-orders-1", "echo-orders-2");
    }
  });

  it("with every orders container stopped (their addresses silent), a JSON page after the connect timeouts", async () => {
    await scn.compose("stop", "-t", "1", "echo-orders-1", "echo-orders-2");
    try {
      const started = Date.now();
      const reply = await request("GET", "/orders/8");
      const ms = Date.now() - started;
      console.log(`[figure] gateway service down (containers stopped): GET /orders/8 -> ${reply.status} ${reply.body} in ${ms} ms`);
      // A silent address is a connect timeout (5s, then the other server's): 504; an address the
      // kernel already knows is gone fails at once: 502. Either way the page is the example's JSON.
      const pages: Record<number, unknown> = {
        502: { error: "bad_gateway", message: "the service is unavailable" },
        504: { error: "gateway_timeout", message: "the service did not answer in time" },
      };
      expect(Object.keys(pages)).toContain(String(reply.status));
      expect(values(reply, "content-type")).toEqual(["application/json"]);
      expect(JSON.parse(reply.body)).toEqual(pages[reply.status]);
      expect(ms).toBeLessThan(2 * 5_000 + 5_000);
    } finally {
      await scn.compose("start", "echo-orders-1", "echo-orders-2");
    }
  });

  it("from a peer outside the trusted network, the client's X-Request-Id is replaced by nginx's own", async () => {
    // The same request, with the trust narrowed to one address that is not the host's gateway.
    await scn.reconfigure((spec) => spec.setIn(["realIp", "from"], ["10.231.52.250/32"]));
    const reply = await request("GET", "/users/42", ["X-Request-Id: client-abc-123"]);
    expect(reply.status).toBe(200);
    const id = echoed(reply).headers["x-request-id"];
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(values(reply, "x-request-id")).toEqual([id]);
    console.log(`[figure] gateway request id from ${SUBNET_GATEWAY} (untrusted after reconfigure): client-abc-123 -> service saw ${id}, client got ${values(reply, "x-request-id").join(", ")}`);
  });

  it("no response carried a header twice", () => {
    const twice = replies.map(({ what, reply }) => ({ what, repeated: repeated(reply) })).filter((r) => r.repeated.length > 0);
    console.log(`[figure] gateway headers: ${replies.length} responses, ${twice.length} with a header twice`);
    expect(twice).toEqual([]);
    expect(replies.length).toBeGreaterThan(150);
  });
});
