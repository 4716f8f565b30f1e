// The regex subset the schema accepts, against the real nginx's PCRE: every accepted pattern
// compiles (nginx -t), and nginx picks the same route for each sample URI as JavaScript's RegExp
// does with nginx's order (regex routes in spec order, the first match wins).
import http from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { regexPathProblem } from "../../../src/spec/location-match.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";

const PATTERNS = [
  "^/v[0-9]+/items$",
  "^/api/(?:users|orders)/[0-9]{1,9}$",
  "^/img/.+\\.(?:png|jpe?g)$",
  "^/a\\/b\\d\\w+$",
  "^/x(?!/admin)",
  "^/w\\b",
  "^/[^/]+/edit$",
  "^/q[a-c]{2,}z?$",
  "^/dot\\.\\*$",
  "^/brace\\{1\\}$",
];

const SAMPLES = [
  "/v1/items", "/v12/items", "/v/items", "/v1/items/", "/api/users/42", "/api/orders/1234567890", "/api/users/x",
  "/img/a/b.png", "/img/.png", "/img/a.jpeg", "/img/a.gif", "/a/b1x", "/a/b1", "/a/bx", "/x", "/x/admin", "/xy/admin",
  "/w", "/w/x", "/wx", "/doc/edit", "/a/b/edit", "/qab", "/qabcz", "/qa", "/dot.*", "/dotx*", "/brace{1}", "/nothing",
];

let nginx: RunningNginx;
let backend: http.Server;

beforeAll(async () => {
  backend = http.createServer((_, res) => res.end("ok"));
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  const port = (backend.address() as { port: number }).port;
  nginx = await startNginx(
    spec({
      tls: { enabled: false },
      upstreams: { app: { servers: [{ host: "127.0.0.1", port }] } },
      routes: PATTERNS.map((path, i) => ({ kind: "api" as const, path, match: "regex" as const, headers: { "X-Route": String(i) } })),
    }),
  );
});

afterAll(async () => {
  await nginx?.stop();
  await new Promise((r) => backend?.close(r));
});

/** The X-Route header of nginx's answer to GET `path` sent as is ("none" for the 404 catch-all). */
function routeOf(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(nginx.httpPort, "127.0.0.1");
    let text = "";
    socket.on("data", (d) => (text += String(d)));
    socket.on("error", reject);
    socket.on("end", () => resolve(/^X-Route: (\d+)\r$/im.exec(text)?.[1] ?? "none"));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  });
}

describe("regex routes on the real nginx", () => {
  it("every pattern is accepted by the schema and compiles in nginx", () => {
    expect(PATTERNS.map(regexPathProblem)).toEqual(PATTERNS.map(() => null));
    expect(nginx.config).toContain('location ~ "^/v[0-9]+/items$"');
  });

  it("nginx routes each sample where JavaScript's RegExp says the first matching pattern is", async () => {
    const expected = SAMPLES.map((path) => {
      const i = PATTERNS.findIndex((p) => new RegExp(p, "u").test(path));
      return [path, i === -1 ? "none" : String(i)];
    });
    const got = await Promise.all(SAMPLES.map(async (path) => [path, await routeOf(path)]));
    expect(got).toEqual(expected);
  });
});
