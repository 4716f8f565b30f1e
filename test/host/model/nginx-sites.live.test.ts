// Sites on the wire, through the real nginx with TLS: the host's nginx (1.22.1) and edgekit's
// image of the newest release (1.30), in a container on the host network. Every site answers its
// own names over SNI with its own certificate (its site header proves which server answered), a
// name no site lists is refused (TLS handshake rejected; plain HTTP closed without a response),
// host redirects keep the path and query, and a site with an ECDSA and an RSA certificate gives
// each client the one it supports. `edgekit verify`'s sites check passes against the same edge.
import type { PeerCertificate } from "node:tls";
import { checkServerIdentity, connect } from "node:tls";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNginxImage } from "../../../src/nginx-check/images.js";
import { releaseNginx, type NginxRunner } from "../../../src/nginx-check/runner.js";
import { TESTED_RELEASES } from "../../../src/nginx-features/index.js";
import { specSchema, type Spec } from "../../../src/spec/schema.js";
import { sites as sitesCheck } from "../../../src/verify/checks/sites.js";
import { specPlan } from "../../../src/verify/plan.js";
import { makeTarget } from "../../../src/verify/target.js";
import { request } from "../../../src/verify/http1.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { startTestBackend, type TestBackend } from "../../support/test-backend.js";

const dockerUp = (await execa("docker", ["info"], { reject: false })).exitCode === 0;
const NEWEST = TESTED_RELEASES.at(-1)!;

const CERTS = "/etc/nginx/certs";
const QUERY_PATH = "/deep/link?x=1&y=%2Fa&z=%E2%9C%93";

function edgeSpec(version: string, backendPort: number): Spec {
  return specSchema.parse({
    nginx: { version, workerProcesses: 1 },
    sites: {
      app: { names: ["app.example.com"], headers: { "X-Site": "app" }, routes: [{ kind: "api", path: "/" }] },
      api: {
        names: ["api.example.com"],
        certificates: [
          { certificate: `${CERTS}/api-ecdsa.pem`, key: `${CERTS}/api-ecdsa.key` },
          { certificate: `${CERTS}/api-rsa.pem`, key: `${CERTS}/api-rsa.key` },
        ],
        headers: { "X-Site": "api", "X-Frame-Options": "SAMEORIGIN" },
        routes: [{ kind: "api", path: "/" }],
      },
      apex: { names: ["example.com", "www.example.com"], redirect: { to: "app.example.com" } },
      old: { names: ["old.example.com"], redirect: { to: "api.example.com", status: 302 } },
    },
    defaultServer: "refuse",
    upstreams: { app: { servers: [{ host: "127.0.0.1", port: backendPort }] } },
  });
}

interface Hello {
  ok: boolean;
  certificate: PeerCertificate | null;
  alpn?: string | false | null;
  error?: string;
}

/** One TLS handshake to the edge asking for `name` (or no SNI), optionally only with these signature algorithms. */
function hello(nginx: RunningNginx, name: string | null, sigalgs?: string, alpn?: string[]): Promise<Hello> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: nginx.httpsPort, ca: nginx.caCert, rejectUnauthorized: false, ...(name ? { servername: name } : {}), ...(sigalgs ? { sigalgs } : {}), ...(alpn ? { ALPNProtocols: alpn } : {}) });
    socket.setTimeout(5000, () => socket.destroy(new Error("timeout")));
    socket.once("secureConnect", () => {
      const certificate = socket.getPeerCertificate();
      socket.end();
      resolve({ ok: true, certificate, alpn: socket.alpnProtocol });
    });
    socket.once("error", (error) => {
      socket.destroy();
      resolve({ ok: false, certificate: null, error: error.message });
    });
  });
}

function get(nginx: RunningNginx, name: string, path: string, https = true) {
  const port = https ? nginx.httpsPort : nginx.httpPort;
  return request(`${https ? "https" : "http"}://127.0.0.1:${port}${path}`, { headers: { host: name }, tls: { ca: nginx.caCert, servername: name }, timeoutMs: 5000 });
}

function siteSuite(label: string, version: string, runner: () => NginxRunner | undefined, skip: boolean) {
  describe.skipIf(skip)(`sites on ${label}`, () => {
    let backend: TestBackend;
    let nginx: RunningNginx;
    let spec: Spec;

    beforeAll(async () => {
      backend = await startTestBackend();
      spec = edgeSpec(version, backend.port);
      const chosen = runner();
      nginx = await startNginx(spec, chosen ? { runner: chosen } : {});
    }, 600_000);

    afterAll(async () => {
      await nginx?.stop();
      await backend?.close();
    });

    it("each site answers its own names over SNI, with a certificate for that name and not the other site's", async () => {
      for (const [name, site, other] of [
        ["app.example.com", "app", "api.example.com"],
        ["api.example.com", "api", "app.example.com"],
      ] as const) {
        const h = await hello(nginx, name);
        expect(h.ok, h.error).toBe(true);
        expect(checkServerIdentity(name, h.certificate!)).toBeUndefined();
        expect(checkServerIdentity(other, h.certificate!)).toBeInstanceOf(Error);
        // HTTP/2 is offered by the site's server, behind the refusing default server.
        expect((await hello(nginx, name, undefined, ["h2", "http/1.1"])).alpn).toBe("h2");
        const reply = await get(nginx, name, "/api/x");
        expect(reply.status).toBe(200);
        expect(reply.headers["x-site"]).toBe(site);
      }
      // A site's header replaces the generated one of the same name: one X-Frame-Options, the site's.
      const api = await get(nginx, "api.example.com", "/api/x");
      expect(api.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect((await get(nginx, "app.example.com", "/api/x")).headers["x-frame-options"]).toBe("DENY");
    });

    it("the default server refuses a name no site lists: handshake rejected (also without SNI), plain HTTP closed without a response", async () => {
      const unknown = await hello(nginx, "unknown.example.org");
      expect(unknown.ok).toBe(false);
      expect(unknown.error).toMatch(/alert|handshake|unrecognized name|ECONNRESET|socket/i);
      expect((await hello(nginx, null)).ok).toBe(false);
      await expect(get(nginx, "unknown.example.org", "/", false)).rejects.toThrow(/socket hang up|ECONNRESET/);
      // The internal checks still answer on plain HTTP by address (the container health check).
      expect((await request(`http://127.0.0.1:${nginx.httpPort}/.edgekit/ready`, { timeoutMs: 5000 })).status).toBe(204);
      // A site's own plain-HTTP name is redirected to https on the same name.
      const plain = await get(nginx, "app.example.com", QUERY_PATH, false);
      expect(plain.status).toBe(308);
      expect(plain.headers.location).toBe(`https://app.example.com:${nginx.httpsPort}${QUERY_PATH}`);
    });

    it("host redirects keep the path and query, with the site's status", async () => {
      for (const name of ["example.com", "www.example.com"]) {
        const reply = await get(nginx, name, QUERY_PATH);
        expect(reply.status).toBe(308);
        expect(reply.headers.location).toBe(`https://app.example.com:${nginx.httpsPort}${QUERY_PATH}`);
      }
      const old = await get(nginx, "old.example.com", "/v1/users?id=42");
      expect(old.status).toBe(302);
      expect(old.headers.location).toBe(`https://api.example.com:${nginx.httpsPort}/v1/users?id=42`);
    });

    it("a site with an ECDSA and an RSA certificate gives each client the one it supports", async () => {
      const ecdsa = await hello(nginx, "api.example.com", "ecdsa_secp256r1_sha256");
      const rsa = await hello(nginx, "api.example.com", "rsa_pss_rsae_sha256:rsa_pkcs1_sha256");
      expect(ecdsa.ok, ecdsa.error).toBe(true);
      expect(rsa.ok, rsa.error).toBe(true);
      expect(ecdsa.certificate!.asn1Curve).toBe("prime256v1");
      expect(ecdsa.certificate!.modulus).toBeUndefined();
      expect(rsa.certificate!.bits).toBe(2048);
      expect(rsa.certificate!.modulus).toBeDefined();
      // Both are for the site's name.
      expect(checkServerIdentity("api.example.com", ecdsa.certificate!)).toBeUndefined();
      expect(checkServerIdentity("api.example.com", rsa.certificate!)).toBeUndefined();
    });

    it("edgekit verify's sites check passes: every name over SNI, the redirects, the unknown name refused", async () => {
      const target = makeTarget(`https://127.0.0.1:${nginx.httpsPort}/`, { ca: nginx.caCert, httpPort: nginx.httpPort });
      const url = new URL(target.url);
      const rows = await sitesCheck.run({ target, plan: specPlan(spec, url), withLoad: false, timeoutMs: 5000, sseWatchMs: 1000 });
      expect(rows.map((r) => [r.verdict, r.figure, r.detail ?? ""])).toEqual([
        ["pass", "site app: 1 name, its certificate, answered", ""],
        ["pass", "site api: 1 name, its certificate, answered", ""],
        ["pass", "site apex: 2 names, 308 to app.example.com, path and query kept", ""],
        ["pass", "site old: 1 name, 302 to api.example.com, path and query kept", ""],
        expect.arrayContaining(["pass"]),
      ]);
      expect(rows.at(-1)!.figure).toMatch(/^edgekit-verify-unknown\.invalid: handshake rejected/);
    });
  });
}

siteSuite("the host's nginx", "1.22.1", () => undefined, false);
siteSuite(`edgekit's nginx ${NEWEST.version} image`, NEWEST.version, () => releaseNginx(NEWEST), !dockerUp);

beforeAll(async () => {
  if (dockerUp) await ensureNginxImage(NEWEST);
}, 600_000);
