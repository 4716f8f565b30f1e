// The shared views checks rely on: nginx's configuration levels and "innermost level wins".
import { describe, expect, it } from "vitest";
import { lintText } from "../../../src/lint/index.js";
import { parseNginxConfig } from "../../../src/nginx-syntax/parse.js";
import { context, effective, httpDirectives, levels, maps, nearest, upstreams, variablesIn, walk } from "../../../src/nginx-syntax/tree.js";

const { tree } = parseNginxConfig(`http {
  proxy_http_version 1.1;
  add_header A 1;
  map $http_upgrade $conn { default upgrade; '' close; }
  upstream app { server a:1; keepalive 8; }
  server {
    add_header B 2;
    add_header C 3;
    location /x {
      if ($arg_debug) { return 403; }
    }
  }
}
stream { server { proxy_pass backend:5432; } }`);

const ret = walk(tree).find((l) => l.directive.name === "return")!;

describe("tree", () => {
  it("levels: the enclosing http configuration levels, innermost first", () => {
    expect(levels(ret.ancestors).map((b) => b.name)).toEqual(["if", "location", "server", "http"]);
    expect(levels([])).toEqual([]);
  });

  it("nearest: the innermost level that sets a name wins with all its directives", () => {
    const found = nearest(levels(ret.ancestors), "add_header")!;
    expect(found.level.name).toBe("server");
    expect(found.directives.map((d) => d.args[0])).toEqual(["B", "C"]);
    expect(effective(levels(ret.ancestors), "proxy_http_version")?.args).toEqual(["1.1"]);
  });

  it("context: the blocks as a diagnostic path", () => {
    expect(context(ret)).toEqual(["http", "server", "location /x", "if ($arg_debug)"]);
    expect(context(walk(tree)[0]!)).toEqual(["http"]);
  });

  it("httpDirectives leaves stream blocks out", () => {
    expect(httpDirectives(tree, "proxy_pass")).toEqual([]);
    // the http server block and the upstream's server line; not the stream server
    expect(httpDirectives(tree, "server").map((l) => l.ancestors.map((a) => a.name).join(">"))).toEqual(["http>upstream", "http"]);
  });

  it("maps and upstreams by name", () => {
    expect(maps(tree).get("conn")).toMatchObject({ source: "$http_upgrade", values: ["upgrade", "close"] });
    expect([...upstreams(tree).keys()]).toEqual(["app"]);
  });

  it("variablesIn: $name and ${name}, lower-cased, not stopping at underscores", () => {
    expect(variablesIn("https://${Host}$request_uri?x=$arg_a_b$1")).toEqual(["host", "request_uri", "arg_a_b", "1"]);
  });
});

// Input nginx accepts must not overflow the stack or take quadratic time.
describe("walk and own on large configs", () => {
  it("walks 8,000 nested blocks (nginx -t accepts them) without overflowing the stack", () => {
    const depth = 8_000;
    const text = `http { server {\n${"location /a/ {\n".repeat(depth)}return 200;\n${"}\n".repeat(depth)}} }\n`;
    const { tree, diagnostics } = parseNginxConfig(text);
    expect(diagnostics).toEqual([]);
    const all = walk(tree);
    expect(all).toHaveLength(depth + 3);
    expect(all.at(-1)!.directive.name).toBe("return");
    expect(all.at(-1)!.ancestors).toHaveLength(depth + 2);
  });

  it("answers own() per block once: 40,000 locations each setting add_header lint in seconds, one finding each", () => {
    let text = "http {\n  server_tokens off;\n  add_header X-A 1;\n  server {\n";
    for (let i = 0; i < 40_000; i++) text += `    location /l${i}/ { add_header X-B 1; }\n`;
    text += "  }\n}\n";
    const { diagnostics, parsed } = lintText(text);
    expect(parsed).toBe(true);
    expect(diagnostics.filter((d) => d.code === "add-header-inheritance")).toHaveLength(40_000);
  }, 30_000);
});
