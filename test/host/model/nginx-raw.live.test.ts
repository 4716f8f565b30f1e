// Raw directives on the real nginx: an http-level map, a server-level location that uses it and a
// route-level header to the backend all take effect where the spec put them.
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { request } from "../../support/http.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";

let backend: http.Server;
let nginx: RunningNginx;
const seen: Record<string, string | undefined>[] = [];

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    seen.push({ tenant: req.headers["x-tenant"] as string | undefined, url: req.url });
    res.writeHead(200, { "Content-Type": "text/plain" }).end("backend");
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  const port = (backend.address() as { port: number }).port;
  nginx = await startNginx(
    spec({
      tls: { enabled: false },
      upstreams: { app: { servers: [{ host: "127.0.0.1", port }] } },
      raw: {
        http: 'map $http_x_tenant $edgekit_tenant {\n    default "none";\n    "~^[a-z]{1,20}\\z" $http_x_tenant;\n}\n',
        server: 'location = /tenant {\n    default_type text/plain;\n    return 200 "tenant=$edgekit_tenant\\n";\n}\n',
      },
      routes: [{ kind: "api", path: "/", raw: "proxy_set_header X-Tenant $edgekit_tenant;\n" }],
    }),
  );
});

afterAll(async () => {
  await nginx?.stop();
  await new Promise((r) => backend?.close(r));
});

const get = (path: string, headers: Record<string, string> = {}) => request(`http://127.0.0.1:${nginx.httpPort}${path}`, { headers });

it("the server-level location answers, with the http-level map", async () => {
  expect((await get("/tenant", { "x-tenant": "acme" })).text).toBe("tenant=acme\n");
  expect((await get("/tenant", { "x-tenant": "Bad;Value" })).text).toBe("tenant=none\n");
});

it("the route-level directive reaches the backend, and the generated ones still do their work", async () => {
  const reply = await get("/x", { "x-tenant": "acme" });
  expect([reply.status, reply.text]).toEqual([200, "backend"]);
  expect(seen.at(-1)).toEqual({ tenant: "acme", url: "/x" });
  expect(reply.headers["x-content-type-options"]).toBe("nosniff");
});
