// Route auth on the real nginx (the host's 1.22.1): basic auth against a htpasswd file in the
// secrets directory (where compose mounts it), and forward auth, where an auth service decides
// every request and its identity headers reach the backend in place of whatever the client sent.
import http from "node:http";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nginxSecrets } from "../../../src/plan/secrets.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { rawRequest, values } from "../../support/raw-http.js";
import { spec } from "../../support/specs.js";

// Hashes of the password "secret": bcrypt ($2y$, as `htpasswd -B` writes) and SHA-512-crypt (`openssl passwd -6`).
const HTPASSWD = [
  "# edgekit test users",
  "alice:$2y$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a",
  "bob:$6$nUo6tWTWjc1hF8js$YY48pak2KqBMg9iHInnFSLZTZ.dMtMP3ZOhA1c/LdMzn2YDNoIunsWaT3uj66ywOV.STDgXOQmWswmqeRIyjp/",
  "",
].join("\n");

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let backend: http.Server;
let authService: http.Server;
const backendSaw: Seen[] = [];
const authSaw: Seen[] = [];
let nginx: RunningNginx;
let secretsDir: string;

function recorder(into: Seen[], answer: (seen: Seen, res: http.ServerResponse) => void): http.Server {
  return http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += String(d)));
    req.on("end", () => {
      const seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      into.push(seen);
      answer(seen, res);
    });
  });
}

const listen = async (server: http.Server) => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as { port: number }).port;
};

beforeAll(async () => {
  backend = recorder(backendSaw, (_seen, res) => res.writeHead(200, { "Content-Type": "text/plain" }).end("backend"));
  // The auth service: a bearer token or a session cookie names the user; "banned" is forbidden.
  authService = recorder(authSaw, (seen, res) => {
    const token = /^Bearer (\w+)$/.exec(String(seen.headers.authorization ?? ""))?.[1] ?? /session=(\w+)/.exec(String(seen.headers.cookie ?? ""))?.[1];
    if (token === undefined) return res.writeHead(401, { "WWW-Authenticate": 'Bearer realm="app"' }).end();
    if (token === "banned") return res.writeHead(403).end();
    if (token === "broken") return res.writeHead(502).end();
    const identity: Record<string, string> = { "X-User": token };
    if (token === "alice") identity["X-Email"] = "alice@example.com";
    return res.writeHead(200, identity).end();
  });
  const [backendPort, authPort] = [await listen(backend), await listen(authService)];

  secretsDir = mkdtempSync(join(tmpdir(), "edgekit-secrets-"));
  chmodSync(secretsDir, 0o755);
  const input = spec({
    nginx: { version: "1.22.1" },
    tls: { enabled: false },
    container: { secretsDir },
    upstreams: { app: { servers: [{ host: "127.0.0.1", port: backendPort }] }, auth: { servers: [{ host: "127.0.0.1", port: authPort }] } },
    routes: [
      { kind: "api", path: "/admin/", upstream: "app", auth: { basic: { file: "secrets/admin.htpasswd", realm: "Admin area" } } },
      { kind: "api", path: "/app/", upstream: "app", auth: { forward: { upstream: "auth", path: "/verify", identityHeaders: ["X-User", "X-Email"] } } },
    ],
  });
  // Where compose would mount secrets/admin.htpasswd; nginx's workers read it, so world-readable.
  const [secret] = nginxSecrets(input);
  mkdirSync(secretsDir, { recursive: true });
  writeFileSync(secret!.target, HTPASSWD, { mode: 0o644 });
  nginx = await startNginx(input);
});

afterAll(async () => {
  await nginx?.stop();
  await new Promise((r) => backend?.close(r));
  await new Promise((r) => authService?.close(r));
  if (secretsDir) rmSync(secretsDir, { recursive: true, force: true });
});

const basic = (user: string, password: string) => `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("basic auth from the htpasswd secret", () => {
  it("answers 401 with the realm without credentials, and the backend is never asked", async () => {
    const before = backendSaw.length;
    const reply = await rawRequest(nginx.httpPort, "GET", "/admin/report");
    expect(reply.status).toBe(401);
    expect(values(reply, "www-authenticate")).toEqual(['Basic realm="Admin area"']);
    expect(backendSaw.length).toBe(before);
  });

  it("lets the right password through (bcrypt and SHA-512-crypt entries), with the credentials passed on", async () => {
    const alice = await rawRequest(nginx.httpPort, "GET", "/admin/report", [basic("alice", "secret")]);
    expect(alice.status).toBe(200);
    expect(alice.body).toContain("backend");
    expect(backendSaw.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from("alice:secret").toString("base64")}`);
    expect((await rawRequest(nginx.httpPort, "GET", "/admin/report", [basic("bob", "secret")])).status).toBe(200);
  });

  it("refuses a wrong password and an unknown user with 401", async () => {
    expect((await rawRequest(nginx.httpPort, "GET", "/admin/report", [basic("alice", "wrong")])).status).toBe(401);
    expect((await rawRequest(nginx.httpPort, "GET", "/admin/report", [basic("mallory", "secret")])).status).toBe(401);
  });
});

describe("forward auth through the auth service", () => {
  it("passes the service's 401 to the client with its WWW-Authenticate, and the backend is never asked", async () => {
    const before = backendSaw.length;
    const reply = await rawRequest(nginx.httpPort, "GET", "/app/data");
    expect(reply.status).toBe(401);
    expect(values(reply, "www-authenticate")).toEqual(['Bearer realm="app"']);
    expect(backendSaw.length).toBe(before);
  });

  it("passes the service's 403 to the client", async () => {
    expect((await rawRequest(nginx.httpPort, "GET", "/app/data", ["Authorization: Bearer banned"])).status).toBe(403);
  });

  it("turns any other answer of the service into a 500, never a pass", async () => {
    expect((await rawRequest(nginx.httpPort, "GET", "/app/data", ["Authorization: Bearer broken"])).status).toBe(500);
  });

  it("lets a 2xx through, with the service's identity headers replacing the client's own", async () => {
    const reply = await rawRequest(nginx.httpPort, "GET", "/app/data", ["Authorization: Bearer alice", "X-User: admin", "X-Email: root@example.com"]);
    expect(reply.status).toBe(200);
    const seen = backendSaw.at(-1)!;
    expect(seen.headers["x-user"]).toBe("alice");
    expect(seen.headers["x-email"]).toBe("alice@example.com");
    expect(seen.headers.authorization).toBe("Bearer alice");
  });

  it("removes an identity header the service did not send, so a client can't forge it", async () => {
    const reply = await rawRequest(nginx.httpPort, "GET", "/app/data", ["Cookie: session=bob", "X-Email: admin@example.com"]);
    expect(reply.status).toBe(200);
    const seen = backendSaw.at(-1)!;
    expect(seen.headers["x-user"]).toBe("bob");
    expect(seen.headers["x-email"]).toBeUndefined();
  });

  it("asks the service without the body, with the original method and URI in headers, then proxies the body", async () => {
    const reply = await rawRequest(nginx.httpPort, "POST", "/app/items?page=2", ["Authorization: Bearer alice", "Content-Type: application/json"], '{"name":"x"}');
    expect(reply.status).toBe(200);
    const asked = authSaw.at(-1)!;
    expect(asked.url).toBe("/verify");
    expect(asked.body).toBe("");
    expect(asked.headers["content-length"]).toBeUndefined();
    expect(asked.headers["x-original-method"]).toBe("POST");
    expect(asked.headers["x-original-uri"]).toBe("/app/items?page=2");
    expect(asked.headers.authorization).toBe("Bearer alice");
    const seen = backendSaw.at(-1)!;
    expect(seen.method).toBe("POST");
    expect(seen.body).toBe('{"name":"x"}');
  });

  it("keeps the internal auth location away from clients (404)", async () => {
    expect((await rawRequest(nginx.httpPort, "GET", "/.edgekit/auth/app", ["Authorization: Bearer alice"])).status).toBe(404);
  });
});
