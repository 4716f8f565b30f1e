// The escape hatch through the whole pipeline: raw directives land where the spec puts them, between
// marker comments naming the field; a snippet that fails to parse, or that the linter rejects once in
// place, is refused with the field's position in the spec and the line within the snippet.
import { describe, expect, it } from "vitest";
import { compileSpecText } from "../../src/pipeline.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: ".." };

const SPEC = `domain: app.example.com
upstreams:
  app: { servers: [{ host: backend }] }
raw:
  http: |
    map $http_x_tenant $edgekit_tenant {
        default "none";
        "~^[a-z]+$" $http_x_tenant;
    }
  server: |
    location = /robots.txt {
        return 200 "User-agent: *\\nDisallow:\\n";
    }
routes:
  - kind: api
    path: /api/
  - kind: api
    path: /
    raw: |
      proxy_set_header X-Tenant $edgekit_tenant;
`;

function conf(text: string): string {
  const result = compileSpecText(text, "spec.yaml", OPTIONS);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return result.files!.find((f) => f.path === "nginx/nginx.conf")!.content;
}

/** The block (by its opening line) that holds `line`, found by indentation. */
function blockOf(text: string, needle: string): string {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.includes(needle));
  const indent = lines[at]!.match(/^ */)![0].length;
  for (let i = at; i >= 0; i--) {
    const own = lines[i]!.match(/^ */)![0].length;
    if (own < indent && lines[i]!.trim().endsWith("{")) return lines[i]!.trim();
  }
  return "(main)";
}

describe("raw directives in the output", () => {
  it("land in the http block, the https server and the route's location, marked with their field", () => {
    const text = conf(SPEC);
    expect(blockOf(text, "# raw from spec: raw.http")).toBe("http {");
    expect(blockOf(text, "# raw from spec: raw.server")).toBe("server {");
    expect(blockOf(text, "# raw from spec: routes[1].raw")).toBe("location / {");
    expect(text).toContain('    # raw from spec: routes[1].raw\n            proxy_set_header X-Tenant $edgekit_tenant;\n            # end of raw from spec: routes[1].raw');
    // Only the server that carries the routes gets the server snippet (the plain one redirects).
    expect(text.match(/# raw from spec: raw\.server/g)).toHaveLength(1);
    expect(text.indexOf("raw from spec: raw.server")).toBeGreaterThan(text.indexOf("listen 443"));
  });
});

describe("raw directives refused", () => {
  it("a snippet that breaks out of its block: position of the field, line within the snippet", () => {
    const result = compileSpecText(SPEC.replace("proxy_set_header X-Tenant $edgekit_tenant;", "proxy_set_header X-A a;\n      }\n      server {"), "spec.yaml", OPTIONS);
    expect(result.files).toBeUndefined();
    const [error] = result.diagnostics.filter((d) => d.severity === "error");
    expect(error).toMatchObject({ code: "raw-directives", path: ["routes", 1, "raw"], position: { line: 19, column: 10 } });
    expect(error!.message).toContain("line 2, column 1 of the snippet");
  });

  it("a snippet the linter rejects in place: the lint check's id, the field and the line", () => {
    const result = compileSpecText(SPEC.replace("proxy_set_header X-Tenant $edgekit_tenant;", "proxy_set_header X-A a;\n      add_header Access-Control-Allow-Origin $http_origin always;"), "spec.yaml", OPTIONS);
    expect(result.files).toBeUndefined();
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "cors-origin-reflection", path: ["routes", 1, "raw"], position: { line: 19, column: 10 } });
    expect(errors[0]!.message).toMatch(/^raw directives, line 2 of the snippet: /);
  });

  it("a server snippet whose location duplicates a route's", () => {
    const result = compileSpecText(SPEC.replace("location = /robots.txt {", "location /api/ {"), "spec.yaml", OPTIONS);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.path])).toEqual([["duplicate-location", ["raw", "server"]]]);
    expect(errors[0]!.message).toContain("line 1 of the snippet");
  });
});

const SITES_SPEC = `sites:
  app:
    names: [app.example.com]
    raw: |
      location = /app-only {
          return 204;
      }
    routes:
      - kind: api
        path: /
  api:
    names: [api.example.com]
    routes:
      - kind: api
        path: /v1/
      - kind: api
        path: /
        raw: |
          proxy_set_header X-Site api;
upstreams:
  app: { servers: [{ host: backend }] }
raw:
  server: |
    location = /robots.txt {
        return 200 "User-agent: *\\nDisallow:\\n";
    }
`;

describe("raw directives with sites", () => {
  it("raw.server goes into every site's https server, a site's raw into its own after it, a route's into its location", () => {
    const text = conf(SITES_SPEC);
    const servers = text.split(/\n    # /).filter((s) => s.includes("listen 443"));
    const app = servers.find((s) => s.includes("server_name app.example.com"))!;
    const api = servers.find((s) => s.includes("server_name api.example.com"))!;
    expect(app).toContain("# raw from spec: raw.server");
    expect(api).toContain("# raw from spec: raw.server");
    expect(app.indexOf("# raw from spec: sites.app.raw")).toBeGreaterThan(app.indexOf("# end of raw from spec: raw.server"));
    expect(api).not.toContain("sites.app.raw");
    expect(text.match(/# raw from spec: raw\.server/g)).toHaveLength(2);
    expect(blockOf(text, "# raw from spec: sites.api.routes[1].raw")).toBe("location / {");
  });

  it("refusals and lint findings name the site's field", () => {
    const broken = compileSpecText(SITES_SPEC.replace("proxy_set_header X-Site api;", "proxy_set_header X-A a;\n          include /etc/passwd;"), "spec.yaml", OPTIONS);
    expect(broken.files).toBeUndefined();
    expect(broken.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.path])).toEqual([["raw-directives", ["sites", "api", "routes", 1, "raw"]]]);
    const siteLevel = compileSpecText(SITES_SPEC.replace("location = /app-only {", "server {"), "spec.yaml", OPTIONS);
    expect(siteLevel.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.path])).toEqual([["raw-directives", ["sites", "app", "raw"]]]);
    // The site's location duplicates raw.server's in the same server: the linter's finding names the site's raw.
    const dup = compileSpecText(SITES_SPEC.replace("location = /app-only {", "location = /robots.txt {"), "spec.yaml", OPTIONS);
    expect(dup.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.path])).toEqual([["duplicate-location", ["sites", "app", "raw"]]]);
  });
});

describe("raw hash sizes", () => {
  it("a hash size raw.http sets replaces edgekit's own (nginx refuses the directive twice)", () => {
    const text = conf(SPEC.replace("raw:\n  http: |\n", "raw:\n  http: |\n    variables_hash_bucket_size 256;\n").replace("  - kind: api\n    path: /api/\n", "  - kind: api\n    path: /api/\n    cors: { origins: [\"https://a.example.com\"] }\n"));
    expect(text.match(/variables_hash_bucket_size/g)).toHaveLength(1);
    expect(text).toContain("variables_hash_bucket_size 256;");
  });
});
