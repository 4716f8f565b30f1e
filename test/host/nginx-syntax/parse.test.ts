// The parser follows nginx's own tokenizer (ngx_conf_read_token): quoting, escapes, comments,
// `${var}`, positions, and nginx's syntax errors as positioned diagnostics.
import { describe, expect, it } from "vitest";
import { blockLabel, expandGlob, parseNginxConfig, unescapeWord, type Directive, type IncludeReader } from "../../../src/nginx-syntax/parse.js";

function tree(text: string): Directive[] {
  const result = parseNginxConfig(text);
  expect(result.diagnostics).toEqual([]);
  return result.tree;
}

function args(text: string): string[] {
  return tree(text)[0]!.args;
}

function error(text: string): { message: string; line: number; column: number; path: readonly (string | number)[] } {
  const { diagnostics } = parseNginxConfig(text, { file: "t.conf" });
  expect(diagnostics).toHaveLength(1);
  const [d] = diagnostics;
  expect(d).toMatchObject({ severity: "error", code: "nginx-syntax", file: "t.conf" });
  return { message: d!.message, line: d!.position!.line, column: d!.position!.column, path: d!.path };
}

describe("parseNginxConfig: structure and positions", () => {
  it("gives directives, arguments, nested blocks and 1-based line:column", () => {
    const text = "user nginx;\nhttp {\n    server {\n        location /static/ {\n            alias /srv/;\n        }\n    }\n}\n";
    expect(tree(text)).toEqual([
      { name: "user", args: ["nginx"], line: 1, column: 1 },
      {
        name: "http",
        args: [],
        line: 2,
        column: 1,
        block: [
          {
            name: "server",
            args: [],
            line: 3,
            column: 5,
            block: [{ name: "location", args: ["/static/"], line: 4, column: 9, block: [{ name: "alias", args: ["/srv/"], line: 5, column: 13 }] }],
          },
        ],
      },
    ]);
  });

  it("accepts an empty block, several directives on one line and arguments over several lines", () => {
    const [events, a, b, types] = tree("events {}\na 1; b 2;\ngzip_types text/plain\n           text/css;");
    expect(events).toEqual({ name: "events", args: [], line: 1, column: 1, block: [] });
    expect(a).toMatchObject({ name: "a", args: ["1"], line: 2, column: 1 });
    expect(b).toMatchObject({ name: "b", args: ["2"], line: 2, column: 6 });
    expect(types).toMatchObject({ name: "gzip_types", args: ["text/plain", "text/css"], line: 3 });
  });

  it("counts CRLF line endings and tabs as nginx does (CR is white space, a tab one column)", () => {
    const [a, b] = tree("a 1;\r\n\tb 2;\r\n");
    expect(a).toMatchObject({ line: 1, column: 1 });
    expect(b).toMatchObject({ line: 2, column: 2, args: ["2"] });
  });

  it("ends a word at ; or { with no space before it", () => {
    expect(tree("location /a{return 204;}")[0]).toMatchObject({ name: "location", args: ["/a"], block: [{ name: "return", args: ["204"] }] });
  });

  it("labels blocks for diagnostic paths, quoting arguments with spaces", () => {
    expect(blockLabel(tree("location = /x {}")[0]!)).toBe("location = /x");
    expect(blockLabel(tree('if ($a = "b c") {}')[0]!)).toBe('if ($a = "b c")');
  });
});

describe("parseNginxConfig: quoting and escapes (as nginx 1.22 returns them)", () => {
  it("removes double and single quotes, keeping the other kind inside", () => {
    expect(args(`add_header X "it's" 'say "hi"';`)).toEqual(["X", "it's", 'say "hi"']);
  });

  it('unescapes \\" \\\' \\\\ and turns \\t \\r \\n into control characters; other backslashes stay', () => {
    expect(args(String.raw`a "x\"y\\z\qT\tN" 'it\'s' "\r\n";`)).toEqual(['x"y\\z\\qT\tN', "it's", "\r\n"]);
    expect(unescapeWord(String.raw`\d\.php$`)).toBe(String.raw`\d\.php$`);
  });

  it("applies the same unescaping outside quotes, and a backslash escapes a separator", () => {
    expect(args(String.raw`return 200 a#b\"c\d;`)).toEqual(["200", 'a#b"c\\d']);
    expect(args(String.raw`a b\ c;`)).toEqual([String.raw`b\ c`]);
  });

  it("keeps an empty quoted argument", () => {
    expect(args(`proxy_set_header Connection "";`)).toEqual(["Connection", ""]);
    expect(tree(`map $a $b { '' 0; }`)[0]!.block).toEqual([{ name: "", args: ["0"], line: 1, column: 13 }]);
  });

  it("positions a quoted word at its opening quote", () => {
    expect(tree(`  "quoted name" v;`)[0]).toMatchObject({ name: "quoted name", line: 1, column: 3 });
  });

  it("treats ; { } # inside quotes as text", () => {
    expect(args(`add_header Content-Security-Policy "default-src 'self'; frame-ancestors {x} #y";`)).toEqual(["Content-Security-Policy", "default-src 'self'; frame-ancestors {x} #y"]);
  });

  it("keeps ${var} braces in an unquoted word, as nginx allows", () => {
    expect(tree("set $v ${host}suffix;")).toEqual([{ name: "set", args: ["$v", "${host}suffix"], line: 1, column: 1 }]);
    expect(args(`return 200 "\${request_uri}x";`)).toEqual(["200", "${request_uri}x"]);
  });

  it("splits a ) straight after a closing quote into its own word (how `if` conditions arrive)", () => {
    expect(args(`if ($http_x = "a b") { return 403; }`)).toEqual(["($http_x", "=", "a b", ")"]);
  });
});

describe("parseNginxConfig: comments", () => {
  it("skips # to the end of the line between directives and between arguments", () => {
    const text = "# header\nadd_header X # the name\n   Y; # trailing\n#last";
    expect(tree(text)).toEqual([{ name: "add_header", args: ["X", "Y"], line: 2, column: 1 }]);
  });

  it("keeps # inside a word (only a word's first character starts a comment)", () => {
    expect(args("a b#c;")).toEqual(["b#c"]);
  });

  it("a commented-out block leaves no trace", () => {
    expect(tree("# brotli on;\n# server {\nx 1;")).toEqual([{ name: "x", args: ["1"], line: 3, column: 1 }]);
  });
});

describe("parseNginxConfig: syntax errors are positioned diagnostics", () => {
  it('an extra "}" at the top', () => {
    expect(error("a 1;\n}\n")).toEqual({ message: 'unbalanced braces: "}" closes no open block', line: 2, column: 1, path: ["main"] });
  });

  it("a block never closed points at where it opens, with the context path", () => {
    expect(error("http {\n  server {\n    listen 80;\n  }\n")).toEqual({ message: 'unbalanced braces: "http {" is never closed', line: 1, column: 1, path: ["http"] });
    expect(error("http {\n  location /a {\n")).toMatchObject({ message: 'unbalanced braces: "location /a {" is never closed', line: 2, column: 3, path: ["http", "location /a"] });
  });

  it("a missing ; at the end of the file points at the directive", () => {
    expect(error("a 1;\nworker_processes auto\n")).toMatchObject({ message: 'unexpected end of file: directive "worker_processes" is missing its ";"', line: 2, column: 1 });
  });

  it('a missing ; before "}"', () => {
    expect(error("http {\n  gzip on\n}\n")).toMatchObject({ message: 'unexpected "}": directive "gzip" is missing its ";"', line: 3, column: 1, path: ["http"] });
  });

  it("an unterminated quote points at the opening quote", () => {
    expect(error(`a 1;\nadd_header X "open;\nb 2;\n`)).toMatchObject({ message: "unterminated double-quoted string", line: 2, column: 14 });
    expect(error(`a 'x;`)).toMatchObject({ message: "unterminated single-quoted string", line: 1, column: 3 });
  });

  it("text glued to a closing quote, and a ; or { without a directive", () => {
    expect(error(`a "x"y;`)).toMatchObject({ message: 'unexpected "y" right after a quoted string; separate arguments with a space', line: 1, column: 6 });
    expect(error("a 1;\n ;")).toMatchObject({ message: 'unexpected ";" with no directive name before it', line: 2, column: 2 });
    expect(error("{ a 1; }")).toMatchObject({ message: 'unexpected "{" with no directive name before it', line: 1, column: 1 });
  });

  it("stops at the first error, like nginx", () => {
    const { diagnostics } = parseNginxConfig("}\n}\n");
    expect(diagnostics).toHaveLength(1);
  });
});

/** An in-memory file system for include tests. */
function memoryFs(files: Record<string, string>, root = "/etc/nginx"): IncludeReader {
  return {
    root,
    read: (path) => files[path],
    list: (dir) => {
      const prefix = dir.endsWith("/") ? dir : `${dir}/`;
      const names = Object.keys(files).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length).split("/")[0]!);
      return names.length > 0 ? [...new Set(names)] : undefined;
    },
  };
}

describe("parseNginxConfig: include", () => {
  it("leaves include as a plain directive unless asked to follow it", () => {
    expect(tree("include conf.d/*.conf;")).toEqual([{ name: "include", args: ["conf.d/*.conf"], line: 1, column: 1 }]);
  });

  it("splices an included file's directives in place, marked with their file", () => {
    const fs = memoryFs({ "/etc/nginx/headers.conf": "add_header X-A 1;\nadd_header X-B 2;\n" });
    const { tree: t, diagnostics } = parseNginxConfig("http {\n  server {\n    include headers.conf;\n    listen 80;\n  }\n}\n", { file: "nginx.conf", includes: fs });
    expect(diagnostics).toEqual([]);
    expect(t[0]!.block![0]!.block).toEqual([
      { name: "include", args: ["headers.conf"], line: 3, column: 5 },
      { name: "add_header", args: ["X-A", "1"], line: 1, column: 1, file: "/etc/nginx/headers.conf" },
      { name: "add_header", args: ["X-B", "2"], line: 2, column: 1, file: "/etc/nginx/headers.conf" },
      { name: "listen", args: ["80"], line: 4, column: 5 },
    ]);
  });

  it("expands globs in sorted order, skipping dot files, and follows nested includes", () => {
    const fs = memoryFs({
      "/etc/nginx/conf.d/b.conf": "server { listen 81; }",
      "/etc/nginx/conf.d/a.conf": "server { include snippets/x.conf; }",
      "/etc/nginx/conf.d/.hidden.conf": "broken {",
      "/etc/nginx/conf.d/readme.txt": "not config",
      "/etc/nginx/snippets/x.conf": "listen 80;",
    });
    const { tree: t, diagnostics } = parseNginxConfig("http { include conf.d/*.conf; }", { includes: fs });
    expect(diagnostics).toEqual([]);
    const servers = t[0]!.block!.filter((d) => d.name === "server");
    expect(servers.map((s) => s.file)).toEqual(["/etc/nginx/conf.d/a.conf", "/etc/nginx/conf.d/b.conf"]);
    expect(servers[0]!.block!.map((d) => [d.name, d.args[0], d.file])).toEqual([
      ["include", "snippets/x.conf", "/etc/nginx/conf.d/a.conf"],
      ["listen", "80", "/etc/nginx/snippets/x.conf"],
    ]);
  });

  it("a glob that matches nothing is fine (as in nginx); a missing file is a warning and parsing goes on", () => {
    const fs = memoryFs({});
    const { tree: t, diagnostics } = parseNginxConfig("include sites/*.conf;\ninclude /etc/nginx/mime.types;\nuser nginx;", { file: "nginx.conf", includes: fs });
    expect(t.map((d) => d.name)).toEqual(["include", "include", "user"]);
    expect(diagnostics).toEqual([
      {
        severity: "warning",
        code: "include",
        path: ["main"],
        message: "included file /etc/nginx/mime.types cannot be read; its directives were not checked",
        file: "nginx.conf",
        position: { line: 2, column: 1 },
      },
    ]);
  });

  it("reports syntax errors inside an included file at that file's position", () => {
    const fs = memoryFs({ "/etc/nginx/bad.conf": "a 1;\nb 2\n" });
    const { diagnostics } = parseNginxConfig("include bad.conf;", { includes: fs });
    expect(diagnostics).toMatchObject([{ severity: "error", code: "nginx-syntax", file: "/etc/nginx/bad.conf", position: { line: 2, column: 1 }, path: ["main"] }]);
    const nested = parseNginxConfig("http {\n  server { include bad.conf; }\n}", { includes: fs });
    expect(nested.diagnostics).toMatchObject([{ file: "/etc/nginx/bad.conf", path: ["http", "server"] }]);
  });

  it("an include cycle is an error, not a hang", () => {
    const fs = memoryFs({ "/etc/nginx/a.conf": "include b.conf;", "/etc/nginx/b.conf": "include a.conf;" });
    const { diagnostics } = parseNginxConfig("include a.conf;", { file: "nginx.conf", includes: fs });
    expect(diagnostics).toMatchObject([{ severity: "error", code: "include", message: "include cycle: nginx.conf -> /etc/nginx/a.conf -> /etc/nginx/b.conf -> /etc/nginx/a.conf" }]);
  });

  it("expandGlob: *, ? and [...] within segments, including directory segments", () => {
    const fs = memoryFs({ "/x/s1/a.conf": "", "/x/s2/b.conf": "", "/x/s2/c.txt": "", "/x/t/d.conf": "" }, "/x");
    expect(expandGlob("/x/s?/*.conf", fs)).toEqual(["/x/s1/a.conf", "/x/s2/b.conf"]);
    expect(expandGlob("/x/[st]*/[!a]*.conf", fs)).toEqual(["/x/s2/b.conf", "/x/t/d.conf"]);
  });

  // glob(3) drops a range whose ends are out of order (nginx 1.22 -t: `include inc/[z-a].conf;`
  // includes nothing, `[!z-a]` everything); a RegExp class [z-a] is a SyntaxError instead.
  it("expandGlob: a range out of order matches nothing, negated it matches anything, and lint does not crash", () => {
    const fs = memoryFs({ "/x/inc/a.conf": "server_tokens off;", "/x/inc/z.conf": "", "/x/inc/-.conf": "" }, "/x");
    expect(expandGlob("/x/inc/[z-a].conf", fs)).toEqual([]);
    expect(expandGlob("/x/inc/[a-cz-a].conf", fs)).toEqual(["/x/inc/a.conf"]);
    expect(expandGlob("/x/inc/[!z-a].conf", fs)).toEqual(["/x/inc/-.conf", "/x/inc/a.conf", "/x/inc/z.conf"]);
    expect(expandGlob("/x/inc/[-].conf", fs)).toEqual(["/x/inc/-.conf"]);
    expect(parseNginxConfig("include inc/[z-a].conf;", { includes: fs }).diagnostics).toEqual([]);
  });
});

describe("parseNginxConfig: OpenResty *_by_lua_block", () => {
  it("skips the Lua body as one opaque block, braces and quotes in strings and comments included", () => {
    const text = `location / {
    content_by_lua_block {
        local t = { a = "}", b = '{' } -- a } in a comment
        --[[ long } comment ]] local s = [==[ ]] } ]==]
        ngx.say(t.a)
    }
    add_header X 1;
}`;
    const [location] = tree(text);
    expect(location!.block).toEqual([
      { name: "content_by_lua_block", args: [], line: 2, column: 5, block: [] },
      { name: "add_header", args: ["X", "1"], line: 7, column: 5 },
    ]);
  });

  it("an unclosed Lua block is an unbalanced-brace error at the block", () => {
    expect(error("server {\n  access_by_lua_block {\n    if x then\n")).toMatchObject({ message: 'unbalanced braces: "access_by_lua_block {" is never closed', line: 2, column: 3 });
  });
});
