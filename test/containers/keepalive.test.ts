// Keep-alive on both sides of the edge: clients reuse their connection to nginx, and nginx
// reuses its pool to the backend (counted by the backend itself), and the proof can fail: with
// the pool switched off the same load opens about one backend connection per request.
import https from "node:https";
import { describe, expect, it } from "vitest";
import { h2load } from "./support/h2load.js";
import { stackSpec, withNginxVariant } from "./support/nginx-config.js";
import { acceptedDuring, backendConnectionsDuring, dockerExec, httpsUrl, noStack, request, stack } from "./support/stack.js";

const LOAD = ["-n", "5000", "-c", "50", "-m", "1"];

describe.skipIf(noStack)("client keep-alive", () => {
  it("50 sequential HTTP/1.1 requests reuse one connection", async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: stack().caCert });
    let sockets = 0;
    const connectionHeaders = new Set<string | undefined>();
    try {
      const accepted = await acceptedDuring(async () => {
        for (let i = 0; i < 50; i++) {
          const reply = await request(httpsUrl("/api/tools"), { agent });
          expect(reply.status).toBe(200);
          connectionHeaders.add(reply.headers.connection);
        }
      });
      sockets = accepted;
    } finally {
      agent.destroy();
    }
    console.log(`[figure] 50 sequential HTTP/1.1 requests: ${sockets} TCP connection(s) accepted by nginx`);
    expect(connectionHeaders).toEqual(new Set(["keep-alive"]));
    expect(sockets).toBe(1);
  });

  it("20,000 h2 requests over 10 connections x 10 streams: zero failures, no GOAWAY cut-off", async () => {
    const result = await h2load(httpsUrl("/api/tools"), ["-n", "20000", "-c", "10", "-m", "10"]);
    console.log(`[figure] h2load 20000 req, 10 conn x 10 streams: ${result.succeeded} succeeded, ${result.failed} failed, ${result.errored} errored, ${result.requestsPerSecond} req/s`);
    expect(result.total).toBe(20000);
    expect(result.succeeded).toBe(20000);
    expect(result.status2xx).toBe(20000);
    expect(result.failed + result.errored + result.timeout).toBe(0);
  });

  it("for contrast, nginx's stock keepalive_requests 1000 cuts the same h2 run off with GOAWAY", async () => {
    const result = await withNginxVariant(
      (spec) => ({ ...spec, client: { ...spec.client, keepalive: { ...spec.client.keepalive, requests: 1000 } } }),
      () => h2load(httpsUrl("/api/tools"), ["-n", "20000", "-c", "10", "-m", "10"]),
    );
    console.log(`[figure] keepalive_requests 1000: ${result.succeeded} of 20000 succeeded, ${result.failed + result.errored} failed`);
    expect(result.succeeded).toBeLessThan(20000);
  });
});

describe.skipIf(noStack)("upstream keep-alive", () => {
  const workers = async () => Number(await dockerExec("nginx", ["nproc"]));

  it("5,000 proxied requests at concurrency 50 open at most pool size x workers backend connections", async () => {
    const pool = stackSpec().upstreams.gateway!.keepalive.connections;
    const bound = pool * (await workers());
    // Reloaded first (same config), so the pool starts empty and every connection it needs counts.
    const { opened, succeeded } = await withNginxVariant(
      (spec) => spec,
      async () => {
        let result: Awaited<ReturnType<typeof h2load>> | undefined;
        const count = await backendConnectionsDuring(async () => {
          result = await h2load(httpsUrl("/api/tools"), LOAD);
        });
        return { opened: count, succeeded: result!.succeeded };
      },
    );
    console.log(`[figure] pool on: ${opened} backend connections for ${succeeded} requests (bound ${bound} = ${pool} x ${await workers()} workers)`);
    expect(succeeded).toBe(5000);
    expect(opened).toBeGreaterThan(0);
    expect(opened).toBeLessThanOrEqual(bound);
  });

  it("with the pool disabled the same load opens about one backend connection per request", async () => {
    const opened = await withNginxVariant(
      (spec) => ({ ...spec, upstreams: { gateway: { ...spec.upstreams.gateway!, keepalive: { ...spec.upstreams.gateway!.keepalive, connections: 0 } } } }),
      async () => {
        let result: Awaited<ReturnType<typeof h2load>> | undefined;
        const count = await backendConnectionsDuring(async () => {
          result = await h2load(httpsUrl("/api/tools"), LOAD);
        });
        expect(result!.succeeded).toBe(5000);
        return count;
      },
    );
    console.log(`[figure] pool off: ${opened} backend connections for 5000 requests`);
    expect(opened).toBeGreaterThanOrEqual(4900);
  });
});
