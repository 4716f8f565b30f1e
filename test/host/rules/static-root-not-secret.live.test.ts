// Why the rule exists, on the real nginx: a static route whose root is the certificate directory
// serves the TLS private key to anyone (shown by starting nginx on that spec without the rules),
// and edgekit refuses that spec; a spec it accepts serves its static files but no request path,
// traversal spellings included, reaches the key.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevCerts, type DevCerts } from "../../../src/certs/dev-certs.js";
import { runRules } from "../../../src/rules/index.js";
import { request } from "../../support/http.js";
import { startNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";

let work: string;
let certs: DevCerts;
let certDir: string;
let siteDir: string;
let key: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "edgekit-secret-root-"));
  chmodSync(work, 0o755);
  certDir = join(work, "certs");
  certs = await createDevCerts({ dir: certDir, names: ["app.example.com"], certFile: "fullchain.pem", keyFile: "privkey.pem" });
  key = readFileSync(certs.key, "utf8");
  siteDir = join(work, "site");
  mkdirSync(siteDir);
  writeFileSync(join(siteDir, "app.css"), "body { color: black; }\n");
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const withRoot = (root: string) =>
  spec({
    tls: { certificate: certs.cert, certificateKey: certs.key },
    upstreams: { app: { servers: [{ host: "127.0.0.1", port: 9 }] } },
    routes: [{ kind: "static", path: "/static/", root }],
  });

describe("a static root over the certificate directory", () => {
  it("serves the private key when nothing refuses it, and edgekit refuses the spec", async () => {
    expect(dirname(certs.key)).toBe(certDir);
    const unsafe = withRoot(certDir);
    const nginx = await startNginx(unsafe, { certs });
    try {
      const reply = await request(`https://127.0.0.1:${nginx.httpsPort}/static/privkey.pem`, { ca: nginx.caCert });
      expect(reply.status).toBe(200);
      expect(reply.body.toString()).toBe(key);
    } finally {
      await nginx.stop();
    }
    const errors = runRules(unsafe, () => undefined).filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.path.join(".")])).toEqual([["static-root-not-secret", "routes.0.root"]]);
    expect(errors[0]!.message).toContain(`is the certificate directory ${certDir} (tls.certificate), which holds the private key`);
  });

  it("an accepted root serves its files, and no path reaches the key", async () => {
    const safe = withRoot(siteDir);
    expect(runRules(safe, () => undefined).filter((d) => d.severity === "error")).toEqual([]);
    const nginx = await startNginx(safe, { certs });
    try {
      const get = (path: string) => request(`https://127.0.0.1:${nginx.httpsPort}${path}`, { ca: nginx.caCert });
      expect((await get("/static/app.css")).status).toBe(200);
      for (const path of ["/static/../certs/privkey.pem", "/static/..%2fcerts/privkey.pem", "/static/%2e%2e/certs/privkey.pem", "/static../certs/privkey.pem", "/static/..%2f..%2fcerts/privkey.pem", "/certs/privkey.pem"]) {
        const reply = await get(path);
        expect(reply.body.toString(), path).not.toContain("PRIVATE KEY");
        expect(reply.status, path).not.toBe(200);
      }
    } finally {
      await nginx.stop();
    }
  });
});
