// verify's CORS check against the real nginx (the host's 1.22.1): the spec's edge passes every row,
// and an edge whose CORS is not the spec's (another origin list, or none at all) fails the rows
// that tell.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Spec, SpecInput } from "../../../../src/spec/schema.js";
import { makeTarget, specPlan, verifyEdge } from "../../../../src/verify/index.js";
import { startNginx, type RunningNginx } from "../../../support/nginx-harness.js";
import { spec } from "../../../support/specs.js";
import { startTestBackend, type TestBackend } from "../../../support/test-backend.js";

let backend: TestBackend;
const running: RunningNginx[] = [];

beforeAll(async () => {
  backend = await startTestBackend();
});

afterAll(async () => {
  for (const nginx of running) await nginx.stop();
  await backend?.close();
});

type RouteInput = NonNullable<SpecInput["routes"]>[number];

const edge = (routes: RouteInput[]): Spec =>
  spec({ nginx: { version: "1.22.1" }, upstreams: { app: { servers: [{ host: "127.0.0.1", port: backend.port }] } }, routes: [{ kind: "api", path: "/" }, ...routes] });

const SPEC_ROUTES: RouteInput[] = [
  { kind: "api", path: "/api/", cors: { origins: ["https://*.example.com"], methods: ["PUT", "GET"], credentials: true } },
  { kind: "api", path: "/open/", cors: { origins: ["*"] } },
];

/** verify's CORS rows for the edge `running` serves, judged against what `expected` says. */
async function corsRows(served: Spec, expected: Spec): Promise<string[]> {
  const nginx = await startNginx(served);
  running.push(nginx);
  const target = makeTarget(`https://localhost:${nginx.httpsPort}/`, { ca: nginx.caCert, httpPort: nginx.httpPort });
  const report = await verifyEdge({ target, plan: specPlan(expected, target.url), withLoad: false, timeoutMs: 5000, sseWatchMs: 500 }, { only: ["cors"] });
  return report.checks.map((c) => `${c.verdict} ${c.title}: ${c.figure}`);
}

describe("verify's CORS check on a live nginx", () => {
  it("passes the spec's edge, with the figures that show it", async () => {
    expect(await corsRows(edge(SPEC_ROUTES), edge(SPEC_ROUTES))).toEqual([
      "pass /api/ (api) CORS: https://edgekit-verify.example.com allowed: 200, Access-Control-Allow-Origin: https://edgekit-verify.example.com, credentials: true",
      "pass /api/ (api) CORS: https://edgekit-verify.invalid gets no CORS header: 200, no Access-Control-* header",
      "pass /api/ (api) CORS: preflight answered 204: 204, Access-Control-Allow-Methods: PUT, GET",
      "pass /open/ (api) CORS: https://edgekit-verify.example allowed: 200, Access-Control-Allow-Origin: *",
      "pass /open/ (api) CORS: preflight answered 204: 204, Access-Control-Allow-Methods: GET, HEAD, POST",
    ]);
  });

  it("fails an edge that allows every origin where the spec lists some, and one without CORS", async () => {
    const open = edge([{ kind: "api", path: "/api/", cors: { origins: ["*"], methods: ["PUT"] } }, SPEC_ROUTES[1]!]);
    const rows = await corsRows(open, edge(SPEC_ROUTES));
    expect(rows.filter((r) => r.startsWith("fail"))).toEqual([
      "fail /api/ (api) CORS: https://edgekit-verify.example.com allowed: 200, Access-Control-Allow-Origin: *, credentials: none",
      "fail /api/ (api) CORS: https://edgekit-verify.invalid gets no CORS header: 200, access-control-allow-origin",
    ]);
    const none = await corsRows(edge([{ kind: "api", path: "/api/" }, { kind: "api", path: "/open/" }]), edge(SPEC_ROUTES));
    expect(none.filter((r) => r.startsWith("fail")).map((r) => r.split(":")[0])).toEqual([
      "fail /api/ (api) CORS",
      "fail /api/ (api) CORS",
      "fail /open/ (api) CORS",
      "fail /open/ (api) CORS",
    ]);
  });
});
