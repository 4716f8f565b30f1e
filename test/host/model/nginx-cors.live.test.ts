// Route CORS on the real nginx, the host's 1.22.1 (every location repeats its headers) and the
// newest release in its container (add_header_inherit merge: the server's headers plus the
// location's, the preflight's `if` included): an allowed origin gets each Access-Control-* header once (the backend's own are dropped), an origin
// outside the list gets none, a preflight is answered 204 at the edge without reaching the backend
// or the route's auth, and a wildcard label matches exactly one label.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { rawRequest, repeated, values, type RawReply } from "../../support/raw-http.js";
import { DEFAULT_NGINX_VERSION } from "../../../src/nginx-features/index.js";
import { spec } from "../../support/specs.js";

describe.each(["1.22.1", DEFAULT_NGINX_VERSION])("CORS on nginx %s", (version) => {
  let backend: http.Server;
  let hits = 0;
  let nginx: RunningNginx;

  beforeAll(async () => {
    // A backend that sends CORS headers of its own, which must not reach the client beside the edge's.
    backend = http.createServer((req, res) => {
      hits++;
      req.resume();
      // .../big: JSON larger than gzip_min_length, which nginx compresses.
      if (req.url?.endsWith("/big")) {
        const body = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` })) });
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "Access-Control-Allow-Origin": "*" }).end(body);
        return;
      }
      res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": "2", "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "DELETE", "X-Request-Id": "r1" }).end("ok");
    });
    await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
    const port = (backend.address() as { port: number }).port;
    nginx = await startNginx(
      spec({
        nginx: { version },
        tls: { enabled: false },
        upstreams: { app: { servers: [{ host: "127.0.0.1", port }] } },
        routes: [
          {
            kind: "api",
            path: "/api/",
            cors: {
              origins: ["https://app.example.com", "https://*.example.org"],
              methods: ["GET", "POST", "PUT"],
              headers: ["Content-Type", "Authorization"],
              exposeHeaders: ["X-Request-Id"],
              credentials: true,
              maxAge: 600,
            },
          },
          { kind: "api", path: "/open/", cors: { origins: ["*"] } },
          // Basic auth with a file that does not exist: only the preflight may pass.
          { kind: "api", path: "/private/", auth: { basic: { file: "missing.htpasswd" } }, cors: { origins: ["https://app.example.com"], credentials: true } },
        ],
      }),
    );
  });

  afterAll(async () => {
    await nginx?.stop();
    await new Promise((r) => backend?.close(r));
  });

  const cors = (reply: RawReply) => reply.lines.filter((l) => l.name.startsWith("access-control-"));
  const get = (path: string, origin: string) => rawRequest(nginx.httpPort, "GET", path, [`Origin: ${origin}`]);
  const preflight = (path: string, origin: string, method = "PUT", headers = "content-type") =>
    rawRequest(nginx.httpPort, "OPTIONS", path, [`Origin: ${origin}`, `Access-Control-Request-Method: ${method}`, `Access-Control-Request-Headers: ${headers}`]);

  describe("an allowed origin", () => {
    it("gets its origin, credentials and exposed headers once each, the backend's own CORS headers dropped, and Vary: Origin", async () => {
      const reply = await get("/api/x", "https://app.example.com");
      expect(reply.status).toBe(200);
      expect(cors(reply)).toEqual([
        { name: "access-control-allow-origin", value: "https://app.example.com" },
        { name: "access-control-allow-credentials", value: "true" },
        { name: "access-control-expose-headers", value: "X-Request-Id" },
      ]);
      // One Vary line: the route compresses, so it names Accept-Encoding too (gzip_vary is off there).
      expect(values(reply, "vary")).toEqual(["Origin, Accept-Encoding"]);
      expect(repeated(reply)).toEqual([]);
    });

    it("gets one Vary naming Origin and Accept-Encoding on a compressed answer (gzip's own Vary is not sent beside it)", async () => {
      const reply = await rawRequest(nginx.httpPort, "GET", "/api/big", ["Origin: https://app.example.com", "Accept-Encoding: gzip"]);
      expect(reply.status).toBe(200);
      expect(values(reply, "content-encoding")).toEqual(["gzip"]);
      expect(values(reply, "vary")).toEqual(["Origin, Accept-Encoding"]);
      expect(values(reply, "access-control-allow-origin")).toEqual(["https://app.example.com"]);
      expect(repeated(reply)).toEqual([]);
    });

    it("matches a wildcard first label for exactly one label", async () => {
      expect(values(await get("/api/x", "https://eu.example.org"), "access-control-allow-origin")).toEqual(["https://eu.example.org"]);
    });

    it("gets a preflight answered 204 by the edge with the allow headers, the backend never asked", async () => {
      const before = hits;
      const reply = await preflight("/api/x", "https://app.example.com");
      expect(reply.status).toBe(204);
      expect(cors(reply)).toEqual([
        { name: "access-control-allow-origin", value: "https://app.example.com" },
        { name: "access-control-allow-credentials", value: "true" },
        { name: "access-control-allow-methods", value: "GET, POST, PUT" },
        { name: "access-control-allow-headers", value: "Content-Type, Authorization" },
        { name: "access-control-max-age", value: "600" },
      ]);
      expect(repeated(reply)).toEqual([]);
      expect(hits).toBe(before);
    });
  });

  describe("an origin outside the list", () => {
    const OUTSIDE = [
      "https://evil.example.com",
      "https://app.example.com.evil.net",
      "http://app.example.com",
      "https://app.example.com:8443",
      "https://example.org",
      "https://a.b.example.org",
      "https://evilexample.org",
      "null",
    ];

    it.each(OUTSIDE)("%s gets the response but no CORS header at all", async (origin) => {
      const reply = await get("/api/x", origin);
      expect(reply.status).toBe(200);
      expect(cors(reply)).toEqual([]);
    });

    it("gets a preflight answered 204 with no CORS header, the backend never asked", async () => {
      const before = hits;
      const reply = await preflight("/api/x", "https://evil.example.com");
      expect(reply.status).toBe(204);
      expect(cors(reply)).toEqual([]);
      expect(hits).toBe(before);
    });
  });

  describe("requests that are not preflights", () => {
    it("an OPTIONS without Access-Control-Request-Method goes to the backend", async () => {
      const before = hits;
      const reply = await rawRequest(nginx.httpPort, "OPTIONS", "/api/x", ["Origin: https://app.example.com"]);
      expect(reply.status).toBe(200);
      expect(hits).toBe(before + 1);
    });

    it("a request without Origin gets no CORS header", async () => {
      expect(cors(await rawRequest(nginx.httpPort, "GET", "/api/x"))).toEqual([]);
    });
  });

  describe("origins: ['*']", () => {
    it("answers any origin with *, without credentials or Vary", async () => {
      const reply = await get("/open/x", "https://anyone.example.net");
      expect(cors(reply)).toEqual([{ name: "access-control-allow-origin", value: "*" }]);
      expect(values(reply, "vary")).toEqual([]);
      expect(repeated(reply)).toEqual([]);
    });

    it("keeps gzip's own Vary: Accept-Encoding on a compressed answer, once", async () => {
      const reply = await rawRequest(nginx.httpPort, "GET", "/open/big", ["Origin: https://anyone.example.net", "Accept-Encoding: gzip"]);
      expect(values(reply, "content-encoding")).toEqual(["gzip"]);
      expect(values(reply, "vary")).toEqual(["Accept-Encoding"]);
      expect(repeated(reply)).toEqual([]);
    });
  });

  describe("cors on a route with auth", () => {
    it("answers the preflight (which never carries credentials) before auth", async () => {
      const reply = await preflight("/private/x", "https://app.example.com", "GET", "authorization");
      expect(reply.status).toBe(204);
      expect(values(reply, "access-control-allow-origin")).toEqual(["https://app.example.com"]);
    });

    it("lets the browser read the 401 of a request without credentials", async () => {
      const reply = await get("/private/x", "https://app.example.com");
      expect(reply.status).toBe(401);
      expect(values(reply, "access-control-allow-origin")).toEqual(["https://app.example.com"]);
      expect(values(reply, "www-authenticate")).toEqual(['Basic realm="Restricted"']);
    });
  });
});
