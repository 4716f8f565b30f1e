// Why address sets keep the families apart: on the real nginx an IPv4 client is judged only by IPv4
// blocks. ::ffff:0:0/96 (every IPv4-mapped address) and ::/2 (which holds it) let no IPv4 client
// past allow/deny, and set_real_ip_from ::ffff:0:0/96 does not make nginx believe an IPv4 proxy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coversEveryone } from "../../../src/spec/address-set.js";
import { request } from "../../support/http.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";

const MAPPED = ["::ffff:0:0/96", "::/2"];
let nginx: RunningNginx;

beforeAll(async () => {
  nginx = await startNginx(
    spec({
      tls: { enabled: false },
      upstreams: { app: { servers: [{ host: "127.0.0.1", port: 9 }] } },
      metrics: { allow: MAPPED },
      realIp: { enabled: true, from: ["::ffff:0:0/96"] },
      routes: [
        { kind: "metrics", path: "/trusted", match: "exact", access: { allow: ["203.0.113.7"] } },
        { kind: "metrics", path: "/loopback", match: "exact", access: { allow: ["127.0.0.1"] } },
      ],
    }),
  );
});

afterAll(async () => {
  await nginx?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => request(`http://127.0.0.1:${nginx.httpPort}${path}`, { headers: { host: "app.example.com", ...headers } });

describe("IPv4 clients and IPv6 blocks on the real nginx", () => {
  it(`allow ${MAPPED.join("; allow ")}; deny all; refuses 127.0.0.1, so those blocks are not everyone`, async () => {
    expect((await get("/nginx_status")).status).toBe(403);
    expect(coversEveryone(MAPPED)).toBe(false);
  });

  it("set_real_ip_from ::ffff:0:0/96 does not believe X-Forwarded-For from 127.0.0.1 (an allowed proxy would have made it 203.0.113.7)", async () => {
    expect((await get("/trusted", { "x-forwarded-for": "203.0.113.7" })).status).toBe(403);
    // The control: the client's own address passes the same kind of list (502: allowed, and the upstream is down).
    expect((await get("/loopback", { "x-forwarded-for": "203.0.113.7" })).status).toBe(502);
  });
});
