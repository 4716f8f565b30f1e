// Why responseHeaderName() refuses Content-Length: on the real nginx, add_header does not replace the
// length nginx writes, it adds a second one, and an HTTP client refuses the response.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  s.routes[0]!.headers["Content-Length"] = "5";
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
