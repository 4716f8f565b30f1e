import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { installedNginxVersion, nginxTest } from "../../../src/nginx-check/nginx-test.js";
import { hostNginx } from "../../../src/nginx-check/runner.js";
import { NginxQuoteError, quote, quoteRegex, quotedLength, regexLiteral, token } from "../../../src/nginx-syntax/quote.js";
import { spec } from "../../support/specs.js";

/** nginx's own rule for a double-quoted token: \" \' \\ unescape, anything else stays as is. */
function unquote(q: string): string {
  expect(q.startsWith('"') && q.endsWith('"')).toBe(true);
  return q.slice(1, -1).replace(/\\(["'\\])/g, "$1");
}

const printableNoDollar = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x24).map((c) => String.fromCharCode(c)) });

describe("quote", () => {
  it("quotedLength is the length of what quote renders", () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom("a", '"', "\\", " ", ";", "'") }), (v) => {
      expect(quotedLength(v)).toBe(quote(v).length);
    }));
  });

  it("round-trips every printable value without `$`", () => {
    fc.assert(
      fc.property(printableNoDollar, (s) => {
        expect(unquote(quote(s))).toBe(s);
      }),
    );
  });
  it("never lets an unescaped double quote end the token early", () => {
    fc.assert(
      fc.property(printableNoDollar, (s) => {
        const inner = quote(s).slice(1, -1);
        expect(/(^|[^\\])(\\\\)*"/.test(inner)).toBe(false);
      }),
    );
  });
  it("refuses `$` (nginx would expand it) and control characters (they end lines)", () => {
    for (const bad of ["$host", "a\nb", "a\rb", "tab\there", "\x00"]) expect(() => quote(bad)).toThrow(NginxQuoteError);
  });
  it("token() refuses anything that is not a bare safe word", () => {
    expect(token("/var/log/nginx/access.log")).toBe("/var/log/nginx/access.log");
    for (const bad of ["a b", "a;b", "a{", "}", '"x"', "$x", "#c", ""]) expect(() => token(bad)).toThrow(NginxQuoteError);
  });
  it("regexLiteral escapes regex metacharacters", () => {
    expect(regexLiteral("connect.sid")).toBe("connect\\.sid");
    expect(new RegExp(`^${regexLiteral("a+b(c)|d")}$`).test("a+b(c)|d")).toBe(true);
  });
});

describe("no header value can inject a directive (real nginx -t)", async () => {
  const installed = await installedNginxVersion();
  it("random values full of nginx syntax render a config nginx accepts, with no extra directive", async () => {
    const nasty = fc.array(fc.constantFrom('"', "'", ";", "{", "}", "\\", "#", " ", "add_header X-Evil 1", "include /etc/passwd", "a"), { maxLength: 12 }).map((parts) => parts.join(""));
    await fc.assert(
      fc.asyncProperty(nasty, async (value) => {
        // Rendered for the host's nginx, which runs the check (Debian 12: no zstd module either).
        const s = spec({ nginx: { version: installed! }, tls: { enabled: false }, compression: { zstd: { enabled: false } }, routes: [{ kind: "api", path: "/", headers: { "X-Test": value } }] });
        const result = await nginxTest(s, { runner: hostNginx() });
        expect(result.output).toBe("");
        expect(result.ok).toBe(true);
        expect(result.config.match(/^\s*add_header X-Evil/gm)).toBeNull();
        const line = result.config.split("\n").find((l) => l.trim().startsWith("add_header X-Test "))!;
        expect(unquote(line.trim().slice("add_header X-Test ".length, -" always;".length))).toBe(value);
        expect(result.config.match(/^\s*include /gm)).toHaveLength(1);
      }),
      { numRuns: 30 },
    );
  });
});

describe("quoteRegex", () => {
  it("double-quotes a location pattern, keeping $ (an anchor there) and doubling backslashes", () => {
    expect(quoteRegex("^/a\\.json$")).toBe('"^/a\\\\.json$"');
    expect(quoteRegex('^/a"b')).toBe('"^/a\\"b"');
    expect(() => quoteRegex("^/a\nb")).toThrow(NginxQuoteError);
  });
});
