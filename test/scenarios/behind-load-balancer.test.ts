// examples/behind-load-balancer.yaml on the wire (issue 10): nginx 1.22.1 (edgekit's Debian 12
// image) serving plain HTTP behind a simulated TLS-terminating load balancer
// (support/tls-load-balancer.mjs), with its two upstream servers as echo servers at the addresses
// the example names (10.0.1.10, 10.0.1.11). A client container on a network of its own
// (198.18.77.0/24, outside realIp.from) asks through the load balancer, and straight at the edge
// with forged X-Forwarded-* headers:
//   through the LB   the backend is told https and one client address (the one the LB saw), HSTS
//   straight, forged nothing forged is believed: http, the client's own address, no HSTS
// The edge's network is 10.0.1.0/24, inside realIp.from (10.0.0.0/8), as a cloud VPC would be; the
// client's network is the internet. No response carries a header twice.
import { execa } from "execa";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawExchange, type RawReply } from "../support/raw-http.js";
import { REPO, repeated, type Scenario, startScenario, values } from "./support/scenario.js";

const PORTS = { http: 20110, https: 20111, prometheus: 20112 };
/** The load balancer's TLS port, published on the host as well. */
const LB_PORT = 20113;
const SUBNET = "10.0.1.0/24";
const LB_ADDRESS = "10.0.1.20";
// Outside Docker's own address pools (172.17-31.x, 192.168.x), so no other stack's network overlaps it.
const OUTSIDE = { subnet: "198.18.77.0/24", client: "198.18.77.50", lb: "198.18.77.20" };
const PUBLIC_NAME = "api.example.com";
const SUPPORT = join(REPO, "test/scenarios/support");
const HSTS = "max-age=63072000; includeSubDomains";

let scn: Scenario;
let clientId: string | undefined;
const replies: { what: string; reply: RawReply }[] = [];

/** What an echo upstream reports: Node's view of the headers, and the raw lines as they arrived. */
interface Echo {
  server: string;
  url: string;
  headers: Record<string, string>;
  raw: string[];
  remote: string;
}

/** The lines of request header `name` the upstream received (raw: a header sent twice shows twice). */
const rawValues = (echo: Echo, name: string) => echo.raw.filter((_, i) => i % 2 === 0).flatMap((n, i) => (n.toLowerCase() === name ? [echo.raw[2 * i + 1]!] : []));

/** One exchange from the client container on the outside network (support/raw-client.mjs). */
async function fromOutside(what: string, target: "lb" | "edge", path: string, headerLines: string[] = []): Promise<RawReply> {
  const args = target === "lb" ? ["https", "lb", "8443"] : ["http", "nginx", String(PORTS.http)];
  const env = target === "lb" ? ["-e", "CA_FILE=/lb/lb.pem", "-e", `SNI=${PUBLIC_NAME}`, "-e", `HOST_HEADER=${PUBLIC_NAME}`] : ["-e", `HOST_HEADER=${PUBLIC_NAME}`];
  // docker exec on the container id: docker-compose exec costs seconds of Python start-up a request.
  clientId ??= String((await scn.compose("ps", "-q", "client")).stdout).trim();
  const run = await execa("docker", ["exec", ...env, clientId, "node", "/echo/raw-client.mjs", ...args, "GET", path, ...headerLines]);
  const reply = JSON.parse(String(run.stdout).trim().split("\n").pop()!) as RawReply & { error?: string };
  if (reply.error) throw new Error(`${what}: ${reply.error}`);
  replies.push({ what, reply });
  return reply;
}

const echoOf = (reply: RawReply) => JSON.parse(reply.body) as Echo;

beforeAll(async () => {
  // The load balancer's certificate (self-signed, for its public name); the edge itself has none.
  const tmp = mkdtempSync(join(tmpdir(), "edgekit-lb-"));
  await execa("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", `/CN=${PUBLIC_NAME}`, "-addext", `subjectAltName=DNS:${PUBLIC_NAME}`, "-keyout", join(tmp, "lb.key"), "-out", join(tmp, "lb.pem")]);
  const cert = readFileSync(join(tmp, "lb.pem"), "utf8");
  const key = readFileSync(join(tmp, "lb.key"), "utf8");
  rmSync(tmp, { recursive: true, force: true });
  const lbDir = join(REPO, "test/scenarios/.stacks/lb/lb");
  const mounts = [
    { type: "bind", source: SUPPORT, target: "/echo", read_only: true },
    { type: "bind", source: lbDir, target: "/lb", read_only: true },
  ];
  scn = await startScenario({
    name: "lb",
    example: "examples/behind-load-balancer.yaml",
    ports: PORTS,
    subnet: SUBNET,
    echo: [
      { host: "api-1", port: 3000, ipv4: "10.0.1.10" },
      { host: "api-2", port: 3000, ipv4: "10.0.1.11" },
    ],
    files: { "lb/lb.pem": cert, "lb/lb.key": key },
    networks: { outside: { ipam: { config: [{ subnet: OUTSIDE.subnet }] } } },
    edgeNetworks: ["outside"],
    services: {
      lb: {
        image: "edgekit-backend:local",
        command: ["node", "/echo/tls-load-balancer.mjs"],
        environment: { LISTEN_PORT: "8443", TARGET_HOST: "nginx", TARGET_PORT: String(PORTS.http), TLS_CERT: "/lb/lb.pem", TLS_KEY: "/lb/lb.key" },
        volumes: mounts,
        ports: [`127.0.0.1:${LB_PORT}:8443`],
        networks: { default: { ipv4_address: LB_ADDRESS }, outside: { ipv4_address: OUTSIDE.lb } },
      },
      client: {
        image: "edgekit-backend:local",
        command: ["node", "-e", "setInterval(() => {}, 1 << 30)"],
        volumes: mounts,
        networks: { outside: { ipv4_address: OUTSIDE.client } },
      },
    },
  });
});

afterAll(async () => {
  await scn?.down();
});

describe("behind-load-balancer: through the TLS-terminating load balancer", () => {
  it("the backend is told https, once, and one client address: the one the load balancer saw", async () => {
    const reply = await fromOutside("via LB GET /v1/orders", "lb", "/v1/orders?page=2");
    expect(reply.status).toBe(200);
    const echo = echoOf(reply);
    expect(["api-1", "api-2"]).toContain(echo.server);
    expect(echo.url).toBe("/v1/orders?page=2");
    expect(rawValues(echo, "x-forwarded-proto")).toEqual(["https"]);
    expect(rawValues(echo, "x-client-tls"), "requestHeaders X-Client-TLS: $scheme follows the load balancer").toEqual(["https"]);
    // One X-Forwarded-For line: the client the LB saw, then the LB itself (the peer nginx saw), as
    // each proxy appends the address it got the request from; the client appears once.
    const xff = rawValues(echo, "x-forwarded-for");
    expect(xff).toHaveLength(1);
    const chain = xff[0]!.split(",").map((a) => a.trim());
    expect(chain).toEqual([OUTSIDE.client, LB_ADDRESS]);
    expect(rawValues(echo, "x-real-ip")).toEqual([OUTSIDE.client]);
    expect(echo.remote).not.toBe(OUTSIDE.client);
    const lbLog = (await scn.compose("logs", "--no-color", "lb")).stdout;
    expect(String(lbLog)).toContain(`"client":"${OUTSIDE.client}","method":"GET","url":"/v1/orders?page=2"`);
    console.log(`[figure] lb via LB: upstream ${echo.server} saw X-Forwarded-Proto: ${rawValues(echo, "x-forwarded-proto").join(" | ")}; X-Forwarded-For: ${xff.join(" | ")}; X-Real-IP: ${rawValues(echo, "x-real-ip").join(" | ")}; X-Client-TLS: ${rawValues(echo, "x-client-tls").join(" | ")} (LB saw ${OUTSIDE.client})`);
  });

  it("a client's own X-Forwarded-* sent to the load balancer never reach the backend (the LB replaces them)", async () => {
    const reply = await fromOutside("via LB GET /v1/forged", "lb", "/v1/forged", ["X-Forwarded-For: 198.51.100.77", "X-Forwarded-Proto: http"]);
    const echo = echoOf(reply);
    expect(rawValues(echo, "x-forwarded-for")).toEqual([`${OUTSIDE.client}, ${LB_ADDRESS}`]);
    expect(rawValues(echo, "x-forwarded-proto")).toEqual(["https"]);
    expect(rawValues(echo, "x-real-ip")).toEqual([OUTSIDE.client]);
  });

  it("responses carry HSTS, once", async () => {
    for (const path of ["/v1/orders", "/healthz"]) {
      const reply = await fromOutside(`via LB GET ${path}`, "lb", path);
      expect(values(reply, "strict-transport-security"), path).toEqual([HSTS]);
    }
    const missing = await fromOutside("via LB GET /nothing-here", "lb", "/nothing-here");
    expect(values(missing, "strict-transport-security"), "an edge 404 too").toEqual([HSTS]);
    console.log(`[figure] lb via LB: /v1/orders, /healthz and a 404 -> Strict-Transport-Security: ${HSTS}`);
  });

  it("both upstream servers are reached, each told the same", async () => {
    const servers = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const echo = echoOf(await fromOutside(`via LB GET /v1/rr/${i}`, "lb", `/v1/rr/${i}`));
      servers.add(echo.server);
      expect(rawValues(echo, "x-forwarded-proto")).toEqual(["https"]);
      expect(rawValues(echo, "x-forwarded-for")).toEqual([`${OUTSIDE.client}, ${LB_ADDRESS}`]);
    }
    expect([...servers].sort()).toEqual(["api-1", "api-2"]);
  });
});

describe("behind-load-balancer: straight at the edge, from an address outside realIp.from", () => {
  it("forged X-Forwarded-Proto: https and X-Forwarded-For are not believed, and no HSTS is sent", async () => {
    const reply = await fromOutside("direct forged GET /v1/orders", "edge", "/v1/orders", ["X-Forwarded-Proto: https", "X-Forwarded-For: 198.51.100.77", "X-Real-IP: 198.51.100.77", "X-Forwarded-Host: evil.example.net"]);
    expect(reply.status).toBe(200);
    const echo = echoOf(reply);
    expect(rawValues(echo, "x-forwarded-proto")).toEqual(["http"]);
    expect(rawValues(echo, "x-client-tls")).toEqual(["http"]);
    expect(rawValues(echo, "x-forwarded-for")).toEqual([OUTSIDE.client]);
    expect(rawValues(echo, "x-real-ip")).toEqual([OUTSIDE.client]);
    expect(rawValues(echo, "x-forwarded-host")).toEqual([PUBLIC_NAME]);
    expect(values(reply, "strict-transport-security")).toEqual([]);
    console.log(`[figure] lb direct from ${OUTSIDE.client} with forged https / 198.51.100.77: upstream saw X-Forwarded-Proto: ${rawValues(echo, "x-forwarded-proto").join(" | ")}; X-Forwarded-For: ${rawValues(echo, "x-forwarded-for").join(" | ")}; X-Real-IP: ${rawValues(echo, "x-real-ip").join(" | ")}; HSTS: ${values(reply, "strict-transport-security").join(" | ") || "(none)"}`);
  });

  it("without forged headers the backend is told the same: http, the client's address", async () => {
    const echo = echoOf(await fromOutside("direct GET /v1/plain", "edge", "/v1/plain"));
    expect(rawValues(echo, "x-forwarded-proto")).toEqual(["http"]);
    expect(rawValues(echo, "x-forwarded-for")).toEqual([OUTSIDE.client]);
  });
});

describe("behind-load-balancer: from the host", () => {
  it("through the load balancer's published port: https and HSTS (the host reaches it through a Docker gateway)", async () => {
    const lbCa = readFileSync(join(scn.dir, "lb/lb.pem"), "utf8");
    const reply = await rawExchange({ port: LB_PORT, host: PUBLIC_NAME, tls: { servername: PUBLIC_NAME, ca: lbCa } }, "GET", "/v1/from-host", [], "", "utf8");
    replies.push({ what: "host via LB GET /v1/from-host", reply });
    expect(reply.status).toBe(200);
    const echo = echoOf(reply);
    expect(rawValues(echo, "x-forwarded-proto")).toEqual(["https"]);
    expect(rawValues(echo, "x-forwarded-for")).toHaveLength(1);
    expect(values(reply, "strict-transport-security")).toEqual([HSTS]);
    console.log(`[figure] lb from the host via LB (127.0.0.1:${LB_PORT}): upstream saw X-Forwarded-For: ${rawValues(echo, "x-forwarded-for").join(" | ")}, X-Real-IP: ${rawValues(echo, "x-real-ip").join(" | ")}`);
  });
});

describe("behind-load-balancer: no header twice", () => {
  it("no reply of this file carries any header twice", () => {
    expect(replies.length).toBeGreaterThan(10);
    const twice = replies.map(({ what, reply }) => ({ what, twice: repeated(reply) })).filter((r) => r.twice.length > 0);
    console.log(`[figure] lb: ${replies.length} replies, ${twice.length} with a header twice${twice.length ? `: ${twice.map((t) => `${t.what} (${t.twice.join(", ")})`).join("; ")}` : ""}`);
    expect(twice).toEqual([]);
  });
});
