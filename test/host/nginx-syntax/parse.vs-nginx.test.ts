// The parser is exact where it matters: on these snippets it reports a syntax error exactly when the
// real `nginx -t` does. (Each snippet sits in a map, whose entries nginx checks only loosely, so
// any nginx complaint other than a syntax one means the syntax was fine.)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { parseNginxConfig } from "../../../src/nginx-syntax/parse.js";

const VALID = [
  String.raw`default "a\"b";`,
  String.raw`default 'x y'; "~^/a{2}" 1;`,
  "default x#y;",
  "default ${request_uri}z;",
  String.raw`default a\ b;`,
  `"" 1; default 0; # trailing comment`,
  "default 0;}#",
  `default "x")y;`,
];
const INVALID = [`default "x"y;`, "default 'x;", "default 0 }", "default 0; } }", "default 0; map $uri $w {", "; default 0;", `default "x"#c;`, `default ''"";`];

const dir = mkdtempSync(join(tmpdir(), "edgekit-parse-"));
mkdirSync(join(dir, "logs"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(entries: string): string {
  const tail = entries.endsWith("}#") ? "\n}\n" : "\n}\n}\n";
  return `pid ${dir}/nginx.pid;\nerror_log ${dir}/logs/error.log;\nevents {}\nhttp {\naccess_log off;\nmap $request_uri $v {\n${entries}${tail}`;
}

/** nginx's verdict: "syntax" for a tokenizer error, "ok" otherwise (including non-syntax complaints). */
async function nginxSyntax(text: string): Promise<"syntax" | "ok"> {
  const file = join(dir, "nginx.conf");
  writeFileSync(file, text);
  const result = await execa("nginx", ["-t", "-q", "-p", dir, "-c", file], { reject: false });
  return /\[emerg\] .*unexpected/.test(String(result.stderr)) ? "syntax" : "ok";
}

describe("parser vs the real nginx -t", () => {
  it.each([...VALID.map((s) => [s, "ok"] as const), ...INVALID.map((s) => [s, "syntax"] as const)])("%s -> %s", async (snippet, expected) => {
    const text = config(snippet);
    const ours = parseNginxConfig(text).diagnostics.some((d) => d.code === "nginx-syntax") ? "syntax" : "ok";
    expect(ours).toBe(expected);
    expect(await nginxSyntax(text)).toBe(expected);
  });
});

// nginx reads a config file in 4096-byte buffers: a word (from its first byte, after an opening
// quote) or a comment that reaches 4096 bytes before it ends fails `nginx -t` with "too long
// parameter"; 4095 bytes pass. Bytes, not characters: "é" is two.
describe("long words and a byte order mark vs the real nginx -t", () => {
  const word = (n: number, unit = "a") => unit.repeat(n);
  const cases: [string, string][] = [
    ["unquoted, 4095 bytes", `default ${word(4095)};`],
    ["unquoted, 4096 bytes", `default ${word(4096)};`],
    ["double-quoted, 4094 bytes", `default "${word(4094)}";`],
    ["double-quoted, 4095 bytes", `default "${word(4095)}";`],
    ["single-quoted, 5000 bytes", `default '${word(5000)}';`],
    ["a comment of 4095 bytes", `#${word(4094)}\ndefault 0;`],
    ["a comment of 4096 bytes", `#${word(4095)}\ndefault 0;`],
    ["2-byte characters, 4094 bytes", `default ${word(2047, "é")};`],
    ["2-byte characters, 4096 bytes", `default ${word(2048, "é")};`],
  ];
  it.each(cases)("%s: ours and nginx's verdicts agree", async (_, entries) => {
    const text = config(entries);
    const file = join(dir, "nginx.conf");
    writeFileSync(file, text);
    const result = await execa("nginx", ["-t", "-q", "-p", dir, "-c", file], { reject: false });
    const nginxSays = /too long parameter/.test(String(result.stderr));
    const ours = parseNginxConfig(text).diagnostics.filter((d) => d.code === "nginx-syntax");
    expect(ours.some((d) => d.message.startsWith("too long parameter"))).toBe(nginxSays);
    if (!nginxSays) expect(ours).toEqual([]);
  });

  it("a UTF-8 byte order mark: nginx fails on an unknown directive, and so does the parser, at 1:1", async () => {
    const text = `\uFEFF${config("default 0;")}`;
    const file = join(dir, "nginx.conf");
    writeFileSync(file, text);
    const result = await execa("nginx", ["-t", "-q", "-p", dir, "-c", file], { reject: false });
    expect(String(result.stderr)).toMatch(/unknown directive "\uFEFFpid"/);
    const { diagnostics } = parseNginxConfig(text);
    expect(diagnostics).toMatchObject([{ severity: "error", code: "nginx-syntax", position: { line: 1, column: 1 } }]);
    expect(diagnostics[0]!.message).toMatch(/^unknown directive "<BOM>pid" .*byte order mark/);
  });
});
