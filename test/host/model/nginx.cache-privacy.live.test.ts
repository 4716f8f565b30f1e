// The cache never serves one user's response to another, through the real nginx: a request with
// credentials (Authorization, Proxy-Authorization, any cookie not declared harmless, however it is
// spelled) bypasses the cache and is never stored, and responses the backend marks private
// (Set-Cookie, Cache-Control: private / no-store) are never stored. Requests are written by hand on
// a raw socket so header spelling (two Cookie lines, "sid =alice") reaches nginx exactly as sent.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { rawRequest } from "../../support/raw-http.js";
import { spec } from "../../support/specs.js";

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

let backend: http.Server;
let backendPort: number;
const hits = new Map<string, number>();
let nginx: RunningNginx;

beforeAll(async () => {
  // The body names whoever the request claims to be, so a leak is visible in what anyone else gets.
  backend = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const who = req.headers.cookie ?? req.headers.authorization ?? req.headers["proxy-authorization"] ?? "anonymous";
    const headers: Record<string, string> = { "Content-Type": "text/plain" };
    if (path.endsWith("/set-cookie")) headers["Set-Cookie"] = "sid=fresh; HttpOnly";
    if (path.endsWith("/private")) headers["Cache-Control"] = "private, max-age=600";
    if (path.endsWith("/no-store")) headers["Cache-Control"] = "no-store";
    const body = `user:${who}`;
    res.writeHead(200, { ...headers, "Content-Length": String(Buffer.byteLength(body)) });
    res.end(body);
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  backendPort = (backend.address() as { port: number }).port;
  nginx = await startNginx(
    spec({
      tls: { enabled: false },
      cache: { harmlessCookies: ["_ga", "_gid"] },
      upstreams: { app: { servers: [{ host: "127.0.0.1", port: backendPort }] } },
      routes: [{ kind: "api", path: "/c/", cache: { valid: [{ statuses: [200], time: "10m" }] } }],
    }),
  );
});

afterAll(async () => {
  await nginx?.stop();
  await new Promise((r) => backend?.close(r));
});

/** GET `path` with these header lines, exactly as given, over HTTP/1.1 on a fresh connection. */
async function rawGet(path: string, headerLines: string[] = []): Promise<RawReply> {
  const reply = await rawRequest(nginx.httpPort, "GET", path, headerLines);
  return { status: reply.status, headers: Object.fromEntries(reply.lines.map((l) => [l.name, l.value])), body: reply.body };
}

const CREDENTIALS: [string, string[]][] = [
  ["a space before '='", ["Cookie: sid =alice"]],
  ["an upper-case session name", ["Cookie: SID=alice"]],
  ["a session cookie of an unknown name", ["Cookie: _myapp_session=alice"]],
  ["two Cookie headers, the first harmless", ["Cookie: _ga=GA1.2.3", "Cookie: sid=alice"]],
  ["a session cookie after another cookie", ["Cookie: a=1; sid=alice"]],
  ["a session cookie after a harmless one", ["Cookie: _ga=GA1.2.3; sid=alice"]],
  ["a comma-joined cookie behind a harmless one", ["Cookie: _ga=1, sid=alice"]],
  ["a space-joined cookie behind a harmless one", ["Cookie: _ga=1 sid=alice"]],
  ["a cookie without a name", ["Cookie: alice"]],
  ["a harmless name in the wrong case", ["Cookie: _GA=alice"]],
  ["a cookie that is not declared harmless", ["Cookie: theme=alice"]],
  ["Authorization", ["Authorization: Bearer alice"]],
  ["Proxy-Authorization", ["Proxy-Authorization: Basic alice"]],
];

describe("requests with credentials bypass the cache and are never stored", () => {
  it.each(CREDENTIALS.map(([name, lines], i) => [name, lines, i] as const))("%s: BYPASS, then anonymous MISS and HIT with its own body", async (_name, lines, i) => {
    const path = `/c/user-${i}`;
    const alice = await rawGet(path, lines);
    expect(alice.status).toBe(200);
    expect(alice.headers["x-cache-status"]).toBe("BYPASS");
    expect(alice.body).toContain("alice");

    const first = await rawGet(path);
    expect(first.body).toBe("user:anonymous");
    expect(first.headers["x-cache-status"]).toBe("MISS");
    const second = await rawGet(path);
    expect(second.body).toBe("user:anonymous");
    expect(second.headers["x-cache-status"]).toBe("HIT");

    // Once anonymous is cached, alice still gets her own response, never the shared one.
    const again = await rawGet(path, lines);
    expect(again.headers["x-cache-status"]).toBe("BYPASS");
    expect(again.body).toContain("alice");
    expect(hits.get(path)).toBe(3);
  });
});

describe("requests whose cookies are all declared harmless share the cache", () => {
  it.each([
    ["one harmless cookie", ["Cookie: _ga=GA1.2.3"]],
    ["two harmless cookies", ["Cookie: _ga=GA1.2.3; _gid=GA1.4"]],
    ["spaces around '=' and ';', a trailing ';'", ["Cookie:  _ga = GA1 ;_gid=2; "]],
    ["two Cookie headers, both harmless", ["Cookie: _ga=1", "Cookie: _gid=2"]],
  ])("%s: HIT on what an anonymous request stored", async (name, lines) => {
    const path = `/c/harmless-${name.replace(/\W+/g, "-")}`;
    expect((await rawGet(path)).headers["x-cache-status"]).toBe("MISS");
    const reply = await rawGet(path, lines);
    expect(reply.headers["x-cache-status"]).toBe("HIT");
    expect(reply.body).toBe("user:anonymous");
    expect(hits.get(path)).toBe(1);
  });
});

describe("responses the backend marks private are never stored", () => {
  it.each(["set-cookie", "private", "no-store"])("/c/%s: every anonymous request reaches the backend", async (kind) => {
    const path = `/c/${kind}`;
    for (let i = 0; i < 3; i++) expect((await rawGet(path)).headers["x-cache-status"]).toBe("MISS");
    expect(hits.get(path)).toBe(3);
  });
});
