// The idle-connection memory measurement on the real nginx of this host: every connection made its
// request and is still open when memory is read, the resident memory of master and workers grows
// with the connections, and a server that drops idle connections early shows in "still open".
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mbPerThousand, measureIdleMemory, treeRssKiB } from "../../../src/bench/idle-memory.js";
import { startNginx, type RunningNginx } from "../../../src/nginx-check/run-nginx.js";
import { hostNginx } from "../../../src/nginx-check/runner.js";
import { spec } from "../../support/specs.js";

const host = hostNginx();
const PATH = "/api/hello";
let backend: Server;
let backendPort = 0;

beforeAll(async () => {
  backend = createServer((req, res) => {
    res.statusCode = req.url === PATH ? 200 : 404;
    res.end('{"hello":"world"}');
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  backendPort = (backend.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => backend.close(() => r())));

/** The test spec with this host's nginx version and its upstream at the in-test backend. */
async function edgeSpec(extra: Record<string, unknown>) {
  const version = await host.version();
  expect(version, "nginx not installed: apt-get install nginx libnginx-mod-http-brotli-filter").not.toBeNull();
  return spec({ upstreams: { app: { servers: [{ host: "127.0.0.1", port: backendPort }] } }, ...extra, nginx: { version: version!, ...(extra.nginx as object) } });
}

describe("measureIdleMemory on this host's nginx", { timeout: 60_000 }, () => {
  let nginx: RunningNginx;
  beforeAll(async () => {
    nginx = await startNginx(await edgeSpec({ nginx: { workerProcesses: 2 } }), { runner: host });
  });
  afterAll(() => nginx?.stop());

  it("reads the master's and workers' resident memory", () => {
    const rss = treeRssKiB(nginx.pid);
    expect(rss).toBeGreaterThan(1000);
    expect(treeRssKiB(2 ** 22 + 12345)).toBeNull();
  });

  for (const protocol of ["h1", "h2"] as const) {
    it(`${protocol}: 300 connections, each with one answered request, all still open; memory grows`, async () => {
      const f = await measureIdleMemory({ origin: `https://127.0.0.1:${nginx.httpsPort}`, path: PATH, protocol, connections: 300, pid: nginx.pid });
      expect(f).toMatchObject({ opened: 300, stillOpen: 300 });
      expect(f.rssAfterKiB).toBeGreaterThan(f.rssBeforeKiB);
      const mb = mbPerThousand(f);
      // Plausible for nginx: more than the kernel's share alone could explain away, far below a leak.
      expect(mb).toBeGreaterThan(0.1);
      expect(mb).toBeLessThan(200);
    });
  }

  it("a path the server refuses is an error, not a figure", async () => {
    await expect(measureIdleMemory({ origin: `https://127.0.0.1:${nginx.httpsPort}`, path: "/no-such-route-here", protocol: "h1", connections: 10, pid: nginx.pid })).rejects.toThrow(/answered/);
  });
});

describe("measureIdleMemory against a server that closes idle connections", { timeout: 60_000 }, () => {
  it("counts the connections nginx closed before memory was read", async () => {
    const nginx = await startNginx(await edgeSpec({ nginx: { workerProcesses: 1 }, client: { keepalive: { timeout: "1s" } } }), { runner: host });
    try {
      const f = await measureIdleMemory({ origin: `https://127.0.0.1:${nginx.httpsPort}`, path: PATH, protocol: "h1", connections: 50, pid: nginx.pid, settleMs: 2500 });
      expect(f.opened).toBe(50);
      expect(f.stillOpen).toBe(0);
    } finally {
      await nginx.stop();
    }
  });
});
