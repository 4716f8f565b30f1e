// Rule raw-directives: a snippet parses on its own and stays in its block, or it is refused with the
// spec field and the line (and column) within the snippet.
import { describe, expect, it } from "vitest";
import { rawDirectives } from "../../../src/rules/raw-directives.js";
import { spec } from "../../support/specs.js";

const routeRaw = (raw: string) => spec({ routes: [{ kind: "api", path: "/" }, { kind: "api", path: "/b/", raw }] });
const findings = (s: ReturnType<typeof spec>) => rawDirectives.check(s);

describe("rule raw-directives refuses", () => {
  it.each([
    ["a '}' that would close the location", "proxy_set_header X-A a;\n}\nlocation / {", "line 2, column 1 of the snippet: unbalanced braces"],
    ["an unclosed block", "location /x/ {\n  return 200;", "line 1, column 1 of the snippet: unbalanced braces"],
    ["a directive without ';'", "proxy_set_header X-A a", "line 1"],
    ["include", "include /etc/nginx/extra.conf;", "line 1, column 1 of the snippet: include is refused"],
    ["include inside a nested block", "location /x/ {\n    include snippets/x.conf;\n}", "line 2, column 5 of the snippet: include is refused"],
    ["load_module", "load_module modules/x.so;", "load_module is refused"],
    ["a server inside a location", "server {\n    listen 8080;\n}", "'server' does not belong in the location block"],
    ["a map inside a location", 'map $a $b {\n    default "";\n}', "'map' does not belong in the location block"],
    ["a quoted argument across lines", 'return 200 "a\nb";', "a quoted argument runs across lines"],
  ])("%s", (_, raw, message) => {
    const found = findings(routeRaw(raw));
    expect(found.map((f) => f.path)).toContainEqual(["routes", 1, "raw"]);
    expect(found.map((f) => f.message).join("\n")).toContain(message);
  });

  it("a location at http level, and a server at server level", () => {
    const found = findings(spec({ raw: { http: "location / {\n}\n", server: "upstream x {\n    server a;\n}\n" } }));
    expect(found.map((f) => [f.path, f.message])).toEqual([
      [["raw", "http"], "line 1, column 1 of the snippet: 'location' does not belong in the http block"],
      [["raw", "server"], "line 1, column 1 of the snippet: 'upstream' does not belong in the server block"],
    ]);
  });
});

describe("rule raw-directives accepts", () => {
  it.each([
    ["directives with variables and escapes", 'proxy_set_header X-Client $remote_addr;\nreturn 200 "ok\\n";'],
    ["a nested location", "location = /ping {\n    return 204;\n}"],
    ["comments and blank lines", "# why\n\nproxy_set_header X-A a; # trailing\n"],
  ])("%s", (_, raw) => {
    expect(findings(routeRaw(raw))).toEqual([]);
  });

  it("maps and zones at http level, locations at server level", () => {
    expect(findings(spec({ raw: { http: 'map $http_x_a $x_a {\n    default "";\n}\n', server: "location = /robots.txt {\n    return 200 \"User-agent: *\\n\";\n}" } }))).toEqual([]);
  });
});
