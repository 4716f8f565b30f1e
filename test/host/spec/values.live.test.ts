// The limits of spec values, on the real nginx: why responseHeaderName() refuses Content-Length (add_header
// does not replace the length nginx writes, it adds a second one, and an HTTP client refuses the
// response), and where headerValue() stops (nginx reads one argument of at most 4,096 bytes).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedNginxVersion, nginxTest } from "../../../src/nginx-check/nginx-test.js";
import { hostNginx } from "../../../src/nginx-check/runner.js";
import { quote } from "../../../src/nginx-syntax/quote.js";
import { headerValue } from "../../../src/spec/values.js";
import { request } from "../../support/http.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";

let nginx: RunningNginx;
let root: string;

/** The raw response head, as bytes on the wire (no client parser in between). */
function rawHead(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(`GET ${path} HTTP/1.1\r\nHost: app.example.com\r\nConnection: close\r\n\r\n`));
    let data = "";
    socket.on("data", (d) => (data += String(d)));
    socket.on("end", () => resolve(data.split("\r\n\r\n")[0]!));
    socket.on("error", reject);
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "edgekit-cl-"));
  chmodSync(root, 0o755);
  writeFileSync(join(root, "a.txt"), "hello world\n");
  chmodSync(join(root, "a.txt"), 0o644);
  const s = spec({ tls: { enabled: false }, routes: [{ kind: "static", path: "/files/", root }] });
  // What the schema now refuses, put past it to show what nginx does with it.
  s.routes![0]!.headers["Content-Length"] = "5";
  nginx = await startNginx(s);
});

afterAll(async () => {
  await nginx?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("add_header Content-Length on the real nginx", () => {
  it("sends two Content-Length headers that disagree, and an HTTP client refuses the response", async () => {
    const head = await rawHead(nginx.httpPort, "/files/a.txt");
    expect(head.match(/^content-length: .*$/gim)).toEqual(["Content-Length: 12", "Content-Length: 5"]);
    await expect(request(`http://127.0.0.1:${nginx.httpPort}/files/a.txt`, { headers: { host: "app.example.com" } })).rejects.toThrow(/content-length/i);
  });
});

describe("header values at nginx's argument limit (real nginx -t)", async () => {
  const installed = (await installedNginxVersion())!;
  const base = { nginx: { version: installed }, tls: { enabled: false }, compression: { zstd: { enabled: false } } };
  // The longest values of each shape: plain, all escapes, and mixed; quoted, each is 4,095 bytes.
  const edge = ["a".repeat(4093), '"'.repeat(2046), `${"\\".repeat(100)}${"b".repeat(3893)}`, `${'"'.repeat(1000)}${"c".repeat(2093)}`];

  it.each(edge.map((v) => [quote(v).length, v.length, v]))("a quoted value of %i bytes (%i characters) is accepted and nginx -t passes", async (_, __, value) => {
    expect(headerValue().safeParse(value).success).toBe(true);
    const s = spec({ ...base, securityHeaders: { contentSecurityPolicy: value }, routes: [{ kind: "api", path: "/", headers: { "X-Long": value } }] });
    const result = await nginxTest(s, { runner: hostNginx() });
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  it.each(edge.map((v) => [`${v.slice(0, 8)}… + ${v.at(-1)}`, `${v}${v.at(-1)}`]))("one character more (%s) is refused by the schema, and nginx -t fails on it: too long parameter", async (_, value) => {
    expect(headerValue().safeParse(value).error?.issues.map((i) => i.message).join(" ")).toMatch(/at most 4093 characters/);
    const s = spec({ ...base, routes: [{ kind: "api", path: "/" }] });
    s.routes![0]!.headers["X-Long"] = value; // past the schema, to show what nginx does with it
    const result = await nginxTest(s, { runner: hostNginx() });
    expect(result.ok).toBe(false);
    expect(result.output).toContain("too long parameter");
  });
});
