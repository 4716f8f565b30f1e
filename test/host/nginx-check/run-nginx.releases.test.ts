// What differs between the nginx releases edgekit claims, proven on the wire on each release's
// own nginx (edgekit's image, in a container on the host network): the HTTP/2 syntax of its
// version, upstream keep-alive reuse counted by the backend, the pool really off when the spec
// turns it off (from 1.29.7 nginx pools by default, so edgekit writes `keepalive 0`), security
// headers on every location, and HTTP/3 over QUIC (with Alt-Svc) where the release has it,
// fetched by the curl of the release's own image (built with HTTP/3).
import { brotliDecompressSync, gunzipSync, zstdDecompressSync } from "node:zlib";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNginxImage } from "../../../src/nginx-check/images.js";
import { releaseNginx } from "../../../src/nginx-check/runner.js";
import { hasFeature, nginxImageTag, TESTED_RELEASES } from "../../../src/nginx-features/index.js";
import { enabledCompression } from "../../../src/model/nginx.js";
import { securityHeaderValues } from "../../../src/model/security-headers.js";
import { runRules } from "../../../src/rules/index.js";
import type { Spec } from "../../../src/spec/schema.js";
import { handshake } from "../../../src/verify/tls-probe.js";
import { request } from "../../support/http.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";
import { startTestBackend, type TestBackend } from "../../support/test-backend.js";

const dockerUp = (await execa("docker", ["info"], { reject: false })).exitCode === 0;
if (!dockerUp && process.env.CI === "true") throw new Error("Docker is not running, and CI readies it (scripts/docker-ready.sh)");

const REQUESTS = 20;

function decode(coding: string, body: Buffer): Buffer {
  if (coding === "gzip") return gunzipSync(body);
  if (coding === "br") return brotliDecompressSync(body);
  return zstdDecompressSync(body);
}

describe.skipIf(!dockerUp).each(TESTED_RELEASES)("nginx $version on the wire", (release) => {
  const runner = releaseNginx(release);
  const http3 = hasFeature(release.version, "http3");
  let backend: TestBackend;
  let pooled: RunningNginx;
  let unpooled: RunningNginx;
  let edgeSpec: Spec;

  const edge = (keepalive: number): Spec =>
    spec({
      nginx: { version: release.version, workerProcesses: 1 },
      upstreams: { app: { servers: [{ host: "127.0.0.1", port: backend.port }], keepalive: { connections: keepalive } } },
      routes: [
        { kind: "api", path: "/api/" },
        { kind: "api", path: "/cached", match: "exact", cache: {} },
        { kind: "sse", path: "/events/sse", match: "exact" },
      ],
      tls: { http3 },
      // The pool-off variant is the point of the test, not a mistake: say so.
      waive: keepalive === 0 ? [{ rule: "keepalive-pool-disabled", reason: "the test proves the pool is really off" }] : [],
    });

  beforeAll(async () => {
    await ensureNginxImage(release);
    backend = await startTestBackend();
    edgeSpec = edge(16);
    pooled = await startNginx(edgeSpec, { runner });
    unpooled = await startNginx(edge(0), { runner });
  }, 600_000);

  afterAll(async () => {
    await pooled?.stop();
    await unpooled?.stop();
    await backend?.close();
  });

  /** Backend connections opened while `REQUESTS` requests, each on a new client connection, go through `nginx`. */
  async function backendConnectionsFor(nginx: RunningNginx): Promise<number> {
    const before = backend.connections();
    for (let i = 0; i < REQUESTS; i++) {
      const reply = await request(`https://127.0.0.1:${nginx.httpsPort}/api/${i}`, { ca: nginx.caCert });
      expect(reply.status).toBe(200);
    }
    return backend.connections() - before;
  }

  it("upstream keep-alive: 20 requests reuse one backend connection", async () => {
    expect(await backendConnectionsFor(pooled)).toBe(1);
  });

  it("the pool off is really off: one backend connection per request", async () => {
    expect(await backendConnectionsFor(unpooled)).toBe(REQUESTS);
  });

  it("offers HTTP/2 with the syntax of its version", async () => {
    expect(pooled.config).toContain(hasFeature(release.version, "http2-directive") ? "    http2 on;" : " ssl http2 default_server;");
    const h = await handshake({ url: new URL(`https://127.0.0.1:${pooled.httpsPort}/`), httpOrigin: null, tls: { ca: pooled.caCert, servername: "localhost" } }, { alpn: ["h2", "http/1.1"] });
    expect(h.alpn).toBe("h2");
  });

  it("security headers on every location (a cached one and a 404 too)", async () => {
    for (const path of ["/api/x", "/cached", "/nowhere"]) {
      const reply = await request(`https://127.0.0.1:${pooled.httpsPort}${path}`, { ca: pooled.caCert });
      const served = { ...edgeSpec, listen: { ...edgeSpec.listen, httpsPort: pooled.httpsPort } };
      for (const { name, value } of securityHeaderValues(served, { https: true })) expect(reply.headers[name.toLowerCase()], `${path}: ${name}`).toBe(value);
    }
  });

  it("compresses JSON with every coding the release has (zstd where its image packages the module), always with Vary, never an event stream", async () => {
    const codings = ["gzip", "br", ...(release.modules.includes("zstd") ? ["zstd"] : [])];
    expect(enabledCompression(edgeSpec).map((c) => ({ gzip: "gzip", brotli: "br", zstd: "zstd" })[c])).toEqual(codings);
    const identity = await request(`https://127.0.0.1:${pooled.httpsPort}/api/big`, { ca: pooled.caCert, headers: { "accept-encoding": "identity" } });
    const sizes: string[] = [];
    for (const coding of codings) {
      const reply = await request(`https://127.0.0.1:${pooled.httpsPort}/api/big`, { ca: pooled.caCert, headers: { "accept-encoding": coding } });
      expect(reply.headers["content-encoding"], coding).toBe(coding);
      expect(reply.headers.vary, coding).toMatch(/accept-encoding/i);
      expect(decode(coding, reply.body).equals(identity.body), `${coding} decodes to the identity body`).toBe(true);
      expect(reply.body.length).toBeLessThan(identity.body.length / 4);
      sizes.push(`${coding} ${reply.body.length} B`);
      const stream = await request(`https://127.0.0.1:${pooled.httpsPort}/events/sse`, { ca: pooled.caCert, headers: { "accept-encoding": coding } });
      expect(stream.headers["content-encoding"], `SSE with ${coding}`).toBeUndefined();
    }
    // A browser offers them all: say which one nginx picks (the filters' order decides).
    const browser = await request(`https://127.0.0.1:${pooled.httpsPort}/api/big`, { ca: pooled.caCert, headers: { "accept-encoding": "gzip, deflate, br, zstd" } });
    console.log(`[figure] nginx ${release.version}: identity ${identity.body.length} B, ${sizes.join(", ")}; a browser's Accept-Encoding gets ${browser.headers["content-encoding"]} (${browser.body.length} B)`);
    expect(codings).toContain(browser.headers["content-encoding"]);
  });

  // One of the two, by what the release has (no test is registered only to be skipped).
  if (!http3) {
    it("has no HTTP/3, and a spec asking for it is refused with the version that has it", () => {
      const refused = runRules(spec({ nginx: { version: release.version }, tls: { http3: true } }), () => undefined);
      expect(refused.map((d) => `${d.severity} ${d.code}`)).toContain("error http3-needs-nginx-1-25");
      expect(pooled.config).not.toContain("quic");
    });
  } else {
    it("answers HTTP/3 over QUIC, and advertises it with Alt-Svc over TCP", async () => {
      const overTcp = await request(`https://127.0.0.1:${pooled.httpsPort}/api/h3`, { ca: pooled.caCert });
      expect(overTcp.headers["alt-svc"]).toBe(`h3=":${pooled.httpsPort}"; ma=86400`);
      const curl = await execa(
        "docker",
        ["run", "--rm", "--network", "host", "--entrypoint", "curl", nginxImageTag(release), "--http3-only", "-k", "-sS", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", `https://127.0.0.1:${pooled.httpsPort}/api/h3`],
        { reject: false, all: true },
      );
      expect(curl.all).toBe("3 200");
    });
  }
});
