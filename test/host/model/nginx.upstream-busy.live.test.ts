// An upstream at its max_conns answers 503 with Retry-After ("busy, retry"), not the 502 of a broken
// backend, on the oldest release (host nginx 1.22: security headers repeated per location) and the
// newest (1.30 in edgekit's image: headers inherited with add_header_inherit merge); a backend that
// refuses connections still gives 502, without Retry-After. Every answer carries the security headers.
import http from "node:http";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNginxImage } from "../../../src/nginx-check/images.js";
import { releaseNginx } from "../../../src/nginx-check/runner.js";
import { securityHeaderValues } from "../../../src/model/security-headers.js";
import { TESTED_RELEASES } from "../../../src/nginx-features/index.js";
import { request, type Reply } from "../../support/http.js";
import { freePort, startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";

const dockerUp = (await execa("docker", ["info"], { reject: false })).exitCode === 0;
if (!dockerUp && process.env.CI === "true") throw new Error("Docker is not running, and CI readies it (scripts/docker-ready.sh)");

const HOLD_MS = 1500;
const RELEASES = [TESTED_RELEASES[0]!, TESTED_RELEASES[TESTED_RELEASES.length - 1]!];

describe.each(RELEASES)("nginx $version: an upstream at max_conns", (release) => {
  const onHost = release === TESTED_RELEASES[0];
  let slow: http.Server;
  let slowPort: number;
  let deadPort: number;
  let served = 0;
  let nginx: RunningNginx;
  let edge: ReturnType<typeof spec>;

  beforeAll(async () => {
    if (!onHost && !dockerUp) return;
    if (!onHost) await ensureNginxImage(release);
    // Holds each request for HOLD_MS, so one request keeps the only allowed connection busy.
    slow = http.createServer((_req, res) => {
      served++;
      setTimeout(() => res.end("slow done"), HOLD_MS);
    });
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    slowPort = (slow.address() as { port: number }).port;
    deadPort = await freePort(); // nothing listens here: connections are refused
    edge = spec({
      nginx: { version: release.version, workerProcesses: 2 },
      tls: { enabled: false },
      upstreams: {
        capped: { servers: [{ host: "127.0.0.1", port: slowPort, maxConns: 1 }], keepalive: { connections: 4 } },
        dead: { servers: [{ host: "127.0.0.1", port: deadPort, maxConns: 5, maxFails: 0 }], keepalive: { connections: 4 } },
      },
      routes: [
        { kind: "api", path: "/capped/", upstream: "capped" },
        { kind: "api", path: "/dead/", upstream: "dead" },
      ],
      backend: { enabled: false },
      waive: [{ rule: "keepalive-pool-size", reason: "one connection is the point of the test" }],
    });
    nginx = await startNginx(edge, onHost ? {} : { runner: releaseNginx(release) });
  }, 180_000);

  afterAll(async () => {
    await nginx?.stop();
    await new Promise((r) => (slow ? slow.close(r) : r(undefined)));
  });

  const url = (path: string) => `http://127.0.0.1:${nginx.httpPort}${path}`;
  const expectSecurityHeaders = (reply: Reply) => {
    for (const { name, value } of securityHeaderValues(edge, { https: false })) expect(reply.headers[name.toLowerCase()], name).toBe(value);
  };

  it.skipIf(!onHost && !dockerUp)("the excess gets 503 with Retry-After while the one allowed request is served", async () => {
    const before = served;
    const first = request(url("/capped/a"));
    await new Promise((r) => setTimeout(r, 300)); // the first request holds the connection now
    const excess = await Promise.all(Array.from({ length: 5 }, () => request(url("/capped/b"))));
    const held = await first;
    console.log(`[figure] nginx ${release.version} at max_conns 1: first ${held.status}, excess ${excess.map((r) => r.status).join(",")}, Retry-After ${excess[0]!.headers["retry-after"]}`);
    expect(held.status).toBe(200);
    expect(held.text).toBe("slow done");
    expect(held.headers["retry-after"]).toBeUndefined();
    for (const reply of excess) {
      expect(reply.status).toBe(503);
      expect(reply.headers["retry-after"]).toBe("1");
      expectSecurityHeaders(reply);
    }
    expect(served - before).toBe(1); // the excess never reached the backend
  });

  it.skipIf(!onHost && !dockerUp)("a backend that refuses connections still gives 502, without Retry-After", async () => {
    const replies = await Promise.all(Array.from({ length: 3 }, () => request(url("/dead/x"))));
    for (const reply of replies) {
      expect(reply.status).toBe(502);
      expect(reply.headers["retry-after"]).toBeUndefined();
      expectSecurityHeaders(reply);
    }
    expect(nginx.errorLog()).toMatch(/connect\(\) failed \(111: Connection refused\)/);
  });
});
