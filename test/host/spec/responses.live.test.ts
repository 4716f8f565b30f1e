// Where responseBody() stops, on the real nginx -t: a body is one quoted argument of return, and
// nginx reads one argument within its 4,096-byte read buffer. A quoted argument of 4,095 bytes always
// passes; one of 4,096 passes or fails depending on where it falls in the buffer (values.live.test.ts
// saw it fail for add_header; the body here happens to pass), and 4,097 bytes never fit. So the schema
// stops at 4,095. Plain text, escapes (" \ newline tab), `$` (written ${edgekit_dollar}) and
// multi-byte UTF-8 each count as the bytes nginx reads.
import { describe, expect, it } from "vitest";
import { installedNginxVersion, nginxTest } from "../../../src/nginx-check/nginx-test.js";
import { hostNginx } from "../../../src/nginx-check/runner.js";
import { quoteText } from "../../../src/nginx-syntax/quote.js";
import { responseBody } from "../../../src/spec/responses.js";
import { spec } from "../../support/specs.js";

describe("response bodies at nginx's argument limit (real nginx -t)", async () => {
  const installed = (await installedNginxVersion())!;
  const base = { nginx: { version: installed }, tls: { enabled: false }, compression: { zstd: { enabled: false } } };
  // The longest bodies of each shape: quoted, each is 4,095 bytes.
  const edge = [
    "a".repeat(4093),
    "\n".repeat(2046) + "b",
    `${"$".repeat(240)}${"c".repeat(4093 - 240 * 17)}`,
    `${"é".repeat(2046)}d`, // 2 bytes each in UTF-8
  ];

  it.each(edge.map((v) => [Buffer.byteLength(quoteText(v)), v.length, v]))("a quoted body of %i bytes (%i characters) is accepted and nginx -t passes", async (_, __, body) => {
    expect(Buffer.byteLength(quoteText(body))).toBe(4095);
    expect(responseBody().safeParse(body).success).toBe(true);
    const s = spec({ ...base, routes: [{ kind: "respond", path: "/", body }], errorPages: { 502: { body } } });
    const result = await nginxTest(s, { runner: hostNginx() });
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  it.each(edge.map((v) => [JSON.stringify(v.at(-1)), `${v}${v.at(-1)}`]))("one character more (%s) is refused by the schema", (_, body) => {
    expect(responseBody().safeParse(body).error?.issues.map((i) => i.message).join(" ")).toMatch(/at most 4093 bytes as nginx reads it/);
  });

  it.each(edge.map((v) => [JSON.stringify(v.at(-1)), `${v}${v.at(-1)!.repeat(2)}`]))("two characters more (%s, 4,097 bytes quoted) and nginx -t fails on it, wherever it sits: too long parameter", async (_, body) => {
    const s = spec({ ...base, routes: [{ kind: "respond", path: "/" }] });
    (s.routes![0] as { body: string }).body = body; // past the schema, to show what nginx does with it
    const result = await nginxTest(s, { runner: hostNginx() });
    expect(result.ok).toBe(false);
    expect(result.output).toContain("too long parameter");
  });
});
