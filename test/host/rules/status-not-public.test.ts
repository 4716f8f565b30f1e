// Why rule status-not-public judges the allow list as a set: on the real nginx, two halves of the
// IPv4 space serve stub_status to every client, exactly as 0.0.0.0/0 would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRules } from "../../../src/rules/index.js";
import { request } from "../../support/http.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";

const SPLIT = ["0.0.0.0/1", "128.0.0.0/1"];
let nginx: RunningNginx;

beforeAll(async () => {
  // Rendered without the rules (startNginx renders what it is given), to show what the rule prevents.
  nginx = await startNginx(spec({ upstreams: { app: { servers: [{ host: "127.0.0.1", port: 9 }] } }, metrics: { allow: SPLIT } }));
});

afterAll(async () => {
  await nginx?.stop();
});

describe("status-not-public on the real nginx", () => {
  it("allow 0.0.0.0/1; allow 128.0.0.0/1; deny all; serves stub_status to any IPv4 client (here 127.0.0.1)", async () => {
    const response = await request(`http://127.0.0.1:${nginx.httpPort}/nginx_status`, { headers: { host: "app.example.com" } });
    expect(response.status).toBe(200);
    expect(response.text).toContain("Active connections");
  });

  it("so the rule refuses that spec, saying which blocks together cover everyone", () => {
    const found = runRules(spec({ metrics: { allow: SPLIT } }), () => ({ line: 3, column: 5 }));
    expect(found).toEqual([expect.objectContaining({ code: "status-not-public", severity: "error", path: ["metrics", "allow"], message: expect.stringContaining("0.0.0.0/1, 128.0.0.0/1 together cover every IPv4 address") })]);
  });
});
