// examples/canary.yaml on the wire (issue 10): 10% of new clients to v2, each kept on its side by
// edgekit's cookie and, within v1, on one server by nginx's sticky cookie; and the maintenance
// switch the example's comment describes (a respond route on /: 503 with Retry-After, no backend
// asked), put in and taken out with a reload. The edge had only ip_hash and no way to
// answer 503 itself. No response carries a header twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, type Document } from "yaml";
import { REPO, repeated, startScenario, values, type Scenario } from "./support/scenario.js";
import type { RawReply } from "../support/raw-http.js";

const NAME = "app.example.com";
const V1 = ["app-v1-a", "app-v1-b"];
const V2 = ["app-v2"];
const NEW_CLIENTS = 2_000;
const MAINTENANCE_BODY = '{"error":"maintenance","message":"back in 10 minutes"}';

/** The maintenance route exactly as the example's comment writes it (so the comment can't rot). */
function maintenanceRouteFromComment(): unknown {
  const text = readFileSync(join(REPO, "examples/canary.yaml"), "utf8");
  const lines = text.split("\n");
  const first = lines.findIndex((l) => /^\s*#\s+- \{ kind: respond/.test(l));
  expect(first, "examples/canary.yaml's maintenance comment").toBeGreaterThan(0);
  const block: string[] = [];
  for (const line of lines.slice(first)) {
    block.push(line.replace(/^\s*#\s{3}/, ""));
    if (line.trimEnd().endsWith("}")) break;
  }
  return (parse(block.join("\n")) as unknown[])[0];
}

let scn: Scenario;
const replies: { what: string; reply: RawReply }[] = [];

async function request(path: string, headerLines: string[] = []): Promise<RawReply> {
  const reply = await scn.request(NAME, "GET", path, headerLines);
  replies.push({ what: `GET ${path} ${headerLines.join(" ")} -> ${reply.status}`, reply });
  return reply;
}

const server = (reply: RawReply) => (JSON.parse(reply.body) as { server: string }).server;

/** The name=value part of each Set-Cookie for `name`. */
function setCookies(reply: RawReply, name: string): string[] {
  return values(reply, "set-cookie")
    .map((c) => c.split(";")[0]!.trim())
    .filter((c) => c.startsWith(`${name}=`));
}

interface Client {
  side: "v1" | "v2";
  server: string;
  cookies: string[];
}

describe("examples/canary.yaml on the wire", () => {
  beforeAll(async () => {
    scn = await startScenario({
      name: "canary",
      example: "examples/canary.yaml",
      ports: { http: 20210, https: 20211, prometheus: 20212 },
      echo: [...V1, ...V2].map((host) => ({ host, port: 3000 })),
    });
  });

  afterAll(async () => {
    await scn?.down();
  });

  const clients: Client[] = [];

  it(`${NEW_CLIENTS} new clients: v2's share is within 3 points of 10%, and each is given its canary cookie`, async () => {
    const started = Date.now();
    for (let batch = 0; batch < NEW_CLIENTS; batch += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => request("/")));
      for (const reply of answers) {
        expect(reply.status).toBe(200);
        const name = server(reply);
        const canary = setCookies(reply, "app_canary");
        const sticky = setCookies(reply, "app_server");
        // Every new client gets its canary cookie once; v1's answers also nginx's sticky cookie.
        expect(canary).toHaveLength(1);
        expect(sticky).toHaveLength(V1.includes(name) ? 1 : 0);
        clients.push({ side: V1.includes(name) ? "v1" : "v2", server: name, cookies: [...canary, ...sticky] });
      }
    }
    const v2 = clients.filter((c) => c.side === "v2").length;
    const share = (100 * v2) / clients.length;
    const perServer = [...V1, ...V2].map((s) => `${s} ${clients.filter((c) => c.server === s).length}`).join(", ");
    console.log(
      `[figure] canary split: ${v2} of ${clients.length} new clients on v2 = ${share.toFixed(2)}% (target 10 +-3; ${perServer}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(clients).toHaveLength(NEW_CLIENTS);
    expect(share).toBeGreaterThanOrEqual(7);
    expect(share).toBeLessThanOrEqual(13);
    // Canary cookies are each client's own.
    expect(new Set(clients.map((c) => c.cookies[0])).size).toBe(NEW_CLIENTS);
  });

  it("a returning client stays on its side, and within v1 on its server, over 20 requests", async () => {
    // 20 clients of each v1 server and 20 of v2.
    const sample = [...V1, ...V2].flatMap((s) => clients.filter((c) => c.server === s).slice(0, 20));
    expect(sample).toHaveLength(60);
    let moved = 0;
    let recookied = 0;
    for (const client of sample) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => request("/", [`Cookie: ${client.cookies.join("; ")}`])));
      for (const reply of answers) {
        expect(reply.status).toBe(200);
        if (server(reply) !== client.server) moved++;
        // A client that already has its canary cookie is not given another.
        if (setCookies(reply, "app_canary").length > 0) recookied++;
      }
    }
    console.log(`[figure] canary stickiness: ${sample.length} returning clients x 20 requests: ${moved} answered by another server than their first, ${recookied} given a new canary cookie`);
    expect(moved).toBe(0);
    expect(recookied).toBe(0);
  });

  it("maintenance: a respond route on / answers 503 with Retry-After and its body, no backend asked; switched back, 200 again", async () => {
    let splitRoute: unknown;
    const seenBefore = await seenCount();
    const maintenance = maintenanceRouteFromComment();
    expect(maintenance).toMatchObject({ kind: "respond", path: "/", status: 503, headers: { "Retry-After": "600" }, body: MAINTENANCE_BODY });
    await scn.reconfigure((spec: Document) => {
      splitRoute = spec.getIn(["routes", 0]);
      spec.setIn(["routes", 0], spec.createNode(maintenance));
    });
    const v1Client = clients.find((c) => c.side === "v1")!;
    const v2Client = clients.find((c) => c.side === "v2")!;
    const answers = [await request("/"), await request("/some/page?x=1"), await request("/", [`Cookie: ${v1Client.cookies.join("; ")}`]), await request("/", [`Cookie: ${v2Client.cookies.join("; ")}`])];
    for (const reply of answers) {
      expect(reply.status).toBe(503);
      expect(values(reply, "retry-after")).toEqual(["600"]);
      expect(values(reply, "content-type")).toEqual(["application/json"]);
      expect(reply.body).toBe(MAINTENANCE_BODY);
      // No canary or sticky cookie from an answer that went to no pool.
      expect(values(reply, "set-cookie")).toEqual([]);
    }
    // The health check still reaches v1 (load balancers keep the edge in rotation).
    const health = await request("/health");
    expect(health.status).toBe(200);
    expect(V1).toContain(server(health));
    const seenDuring = await seenCount();
    expect(seenDuring.root).toBe(seenBefore.root);
    console.log(`[figure] canary maintenance: ${answers.map((r) => r.status).join(" ")} with Retry-After ${values(answers[0]!, "retry-after").join(",")} and body ${answers[0]!.body}; /health ${health.status}; backends asked for / meanwhile: ${seenDuring.root - seenBefore.root}`);

    await scn.reconfigure((spec: Document) => spec.setIn(["routes", 0], splitRoute));
    const back = await request("/");
    expect(back.status).toBe(200);
    const v1Back = await request("/", [`Cookie: ${v1Client.cookies.join("; ")}`]);
    const v2Back = await request("/", [`Cookie: ${v2Client.cookies.join("; ")}`]);
    expect(server(v1Back)).toBe(v1Client.server);
    expect(server(v2Back)).toBe(v2Client.server);
    console.log(`[figure] canary maintenance off: / ${back.status}; returning clients back on ${server(v1Back)} and ${server(v2Back)} as before`);
  });

  it("no response carried a header twice (Set-Cookie lines aside, one per cookie: no cookie set twice)", () => {
    const twice = replies.map(({ what, reply }) => ({ what, repeated: headersTwice(reply) })).filter((r) => r.repeated.length > 0);
    const twoCookies = replies.filter(({ reply }) => values(reply, "set-cookie").length > 1).length;
    console.log(`[figure] canary headers: ${replies.length} responses, ${twice.length} with a header or a cookie twice (${twoCookies} set two different cookies, app_canary and app_server, on two Set-Cookie lines as they must be)`);
    expect(twice).toEqual([]);
    expect(replies.length).toBeGreaterThan(NEW_CLIENTS + 1_200);
  });
});

/**
 * Headers a reply carries twice, where Set-Cookie counts per cookie: two cookies are two Set-Cookie
 * lines by necessity (RFC 6265 forbids folding them), one cookie set twice is a fault.
 */
function headersTwice(reply: RawReply): string[] {
  const cookies = values(reply, "set-cookie").map((c) => c.split("=")[0]!.trim());
  const cookiesTwice = cookies.filter((c, i) => cookies.indexOf(c) !== i).map((c) => `set-cookie ${c}`);
  return [...repeated(reply).filter((h) => h !== "set-cookie"), ...cookiesTwice];
}

/** Requests for / (not /health) every backend has logged. */
async function seenCount(): Promise<{ root: number }> {
  const all = (await Promise.all([...V1, ...V2].map((h) => scn.seen(h)))).flat();
  return { root: all.filter((e) => e.url !== "/health").length };
}
