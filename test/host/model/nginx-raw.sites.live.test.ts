// Raw directives with several sites on the real nginx: raw.server answers on every site, a site's
// own raw on that site only, and a route's raw reaches the backend from its site's location.
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { request } from "../../support/http.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";

let backend: http.Server;
let nginx: RunningNginx;
const seen: { site: string | undefined; url: string | undefined }[] = [];

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    seen.push({ site: req.headers["x-site"] as string | undefined, url: req.url });
    res.writeHead(200, { "Content-Type": "text/plain" }).end("backend");
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  const port = (backend.address() as { port: number }).port;
  nginx = await startNginx(
    spec({
      domain: undefined,
      tls: { enabled: false },
      upstreams: { app: { servers: [{ host: "127.0.0.1", port }] } },
      raw: { server: 'location = /everywhere {\n    default_type text/plain;\n    return 200 "everywhere\\n";\n}\n' },
      sites: {
        one: { names: ["one.example.com"], raw: 'location = /one-only {\n    default_type text/plain;\n    return 200 "one\\n";\n}\n', routes: [{ kind: "api", path: "/" }] },
        two: { names: ["two.example.com"], routes: [{ kind: "api", path: "/", raw: "proxy_set_header X-Site two;\n" }] },
      },
    }),
  );
});

afterAll(async () => {
  await nginx?.stop();
  await new Promise((r) => backend?.close(r));
});

const get = (host: string, path: string) => request(`http://127.0.0.1:${nginx.httpPort}${path}`, { headers: { host } });

it("raw.server answers on every site", async () => {
  expect((await get("one.example.com", "/everywhere")).text).toBe("everywhere\n");
  expect((await get("two.example.com", "/everywhere")).text).toBe("everywhere\n");
});

it("a site's raw answers on that site only; the other proxies the path", async () => {
  expect((await get("one.example.com", "/one-only")).text).toBe("one\n");
  const other = await get("two.example.com", "/one-only");
  expect([other.status, other.text]).toEqual([200, "backend"]);
  expect(seen.at(-1)).toEqual({ site: "two", url: "/one-only" });
});

it("a route's raw applies in its own site's location only", async () => {
  await get("one.example.com", "/x");
  expect(seen.at(-1)).toEqual({ site: undefined, url: "/x" });
  await get("two.example.com", "/y");
  expect(seen.at(-1)).toEqual({ site: "two", url: "/y" });
});
