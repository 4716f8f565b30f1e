// Forward auth's sign-in redirect on the real nginx: an auth service that answers 401 sends a
// browser to the sign-in page with the original URL (scheme, host, path, query) URL-encoded in `rd`
// (or the route's signInParam), so it decodes back to exactly the URL asked for; 200 lets the request
// through with the service's identity headers; 403 still goes to the client; a URL with more
// characters to encode than nginx's maps handle gets an empty `rd`, never a wrong one. Raw socket:
// every header line is seen as nginx wrote it (one Location, the security headers, nothing twice).
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_IN_ENCODE_LEVELS } from "../../../src/spec/auth.js";
import { installedNginxVersion } from "../../../src/nginx-check/nginx-test.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { rawRequest, repeated, values } from "../../support/raw-http.js";
import { spec } from "../../support/specs.js";

const SIGN_IN = "https://auth.example.com/oauth2/start?client=shop";

/** What the edge should send: every character but the unreserved ones and !$'()*,/:@ percent-encoded. */
const encoded = (url: string) => url.replace(/[^A-Za-z0-9._~!$'()*,/:@-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);

let backend: http.Server;
let authService: http.Server;
const backendSaw: http.IncomingHttpHeaders[] = [];

const listen = async (server: http.Server) => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as { port: number }).port;
};

let backendPort: number;
let authPort: number;

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    backendSaw.push(req.headers);
    res.writeHead(200, { "Content-Type": "text/plain" }).end(`backend ${req.url}`);
  });
  // 401 without a session cookie (as the edge must be told: not a 302 to the login page), 403 for "banned".
  authService = http.createServer((req, res) => {
    const session = /session=(\w+)/.exec(String(req.headers.cookie ?? ""))?.[1];
    if (session === undefined) return void res.writeHead(401).end();
    if (session === "banned") return void res.writeHead(403).end();
    res.writeHead(200, { "X-User": session }).end();
  });
  [backendPort, authPort] = [await listen(backend), await listen(authService)];
});

afterAll(async () => {
  await new Promise((r) => backend?.close(r));
  await new Promise((r) => authService?.close(r));
});

describe.each([(await installedNginxVersion())!, "1.30.6"])("forward auth with signIn on nginx %s", (version) => {
  let nginx: RunningNginx;
  const get = (path: string, headers: string[] = []) => rawRequest(nginx.httpPort, "GET", path, headers);

  beforeAll(async () => {
    nginx = await startNginx(
      spec({
        nginx: { version },
        tls: { enabled: false },
        upstreams: { app: { servers: [{ host: "127.0.0.1", port: backendPort }] }, auth: { servers: [{ host: "127.0.0.1", port: authPort }] } },
        routes: [
          { kind: "api", path: "/app/", upstream: "app", auth: { forward: { upstream: "auth", path: "/verify", identityHeaders: ["X-User"], signIn: SIGN_IN } } },
          { kind: "api", path: "/next/", upstream: "app", auth: { forward: { upstream: "auth", path: "/verify", signIn: "http://login.example.com:8080/sign-in", signInParam: "return_to" } } },
          { kind: "api", path: "/api/", upstream: "app", auth: { forward: { upstream: "auth", path: "/verify" } } },
        ],
      }),
    );
  });

  afterAll(async () => {
    await nginx?.stop();
  });

  it.each([
    "/app/dashboard",
    "/app/dashboard?tab=users&page=2",
    "/app/a%2Fb?next=%26x%3D1&q=a+b;c",
    "/app/x?list=[1,2]&quote=%22&pipe=|&caret=^&brace={}&tick=`&lt=<>",
    "/app/it's(ok)!*,~:@$",
  ])("a 401 for %s becomes a 302 to signIn with the original URL encoded in rd", async (path) => {
    const reply = await get(path);
    expect(reply.status).toBe(302);
    const original = `http://app.example.com${path}`;
    expect(values(reply, "location")).toEqual([`${SIGN_IN}&rd=${encoded(original)}`]);
    expect(new URL(values(reply, "location")[0]!).searchParams.get("rd")).toBe(original);
    expect(values(reply, "x-content-type-options")).toEqual(["nosniff"]);
    expect(repeated(reply)).toEqual([]);
  });

  it("uses signInParam, and starts the query when signIn has none", async () => {
    const reply = await get("/next/a?b=1");
    expect(values(reply, "location")).toEqual([`http://login.example.com:8080/sign-in?return_to=${encoded("http://app.example.com/next/a?b=1")}`]);
  });

  it(`sends an empty rd, never a wrong one, for a URL with more than ${SIGN_IN_ENCODE_LEVELS} characters to encode`, async () => {
    // `?`, then n `=` and n - 1 `&`: exactly as many characters to encode as there are levels.
    const just = `/app/?${Array.from({ length: SIGN_IN_ENCODE_LEVELS / 2 }, (_, i) => `a=${i}`).join("&")}`;
    const within = await get(just);
    expect(new URL(values(within, "location")[0]!).searchParams.get("rd")).toBe(`http://app.example.com${just}`);
    const tooMany = await get(`${just}&b=1`);
    expect(values(tooMany, "location")).toEqual([`${SIGN_IN}&rd=`]);
  });

  it("lets a signed-in request through with the service's identity, replacing the client's", async () => {
    const reply = await get("/app/dashboard?tab=1", ["Cookie: session=alice", "X-User: mallory"]);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain("backend /app/dashboard?tab=1"); // chunked: the body between chunk sizes
    expect(backendSaw.at(-1)!["x-user"]).toBe("alice");
  });

  it("still sends a 403 to the client, and a 401 where the route has no signIn", async () => {
    expect((await get("/app/x", ["Cookie: session=banned"])).status).toBe(403);
    const api = await get("/api/x");
    expect([api.status, values(api, "location")]).toEqual([401, []]);
  });
});
