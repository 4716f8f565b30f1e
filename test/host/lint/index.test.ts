// The linter end to end: the registry, the hand-written config from seed 002, every config edgekit
// renders (all must be clean), include warnings alongside findings, and speed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../src/diagnostics.js";
import { CHECKS, lintText } from "../../../src/lint/index.js";
import { compileSpecText } from "../../../src/pipeline.js";
import { allSpecFiles, REPO } from "../../support/specs.js";

const SEED = readFileSync(join(import.meta.dirname, "fixtures", "seed-002-nginx.conf"), "utf8");

describe("CHECKS", () => {
  it("has unique, stable kebab-case ids, a severity and a one-sentence summary each", () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of CHECKS) {
      expect(check.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(["error", "warning"]).toContain(check.severity);
      expect(check.summary).toMatch(/^\S.*[.)]$/);
    }
  });

  it("each check lives in src/lint/checks/<id>.ts", () => {
    for (const check of CHECKS) expect(readFileSync(join(REPO, "src", "lint", "checks", `${check.id}.ts`), "utf8")).toContain(`id: "${check.id}"`);
  });
});

describe("seed 002: a hand-written reverse proxy config", () => {
  const { diagnostics, parsed } = lintText(SEED, { file: "nginx.conf" });
  const lines = diagnostics.map(formatDiagnostic);

  it("parses", () => {
    expect(parsed).toBe(true);
  });

  it("reports the security headers lost in location /static/, which sets its own Cache-Control", () => {
    const lost = diagnostics.find((d) => d.code === "add-header-inheritance");
    expect(lost).toMatchObject({ severity: "error", path: ["http", "server", "location /static/"], position: { line: 204, column: 13 } });
    expect(lost!.message).toContain("X-Frame-Options, X-Content-Type-Options, X-XSS-Protection, Referrer-Policy, Content-Security-Policy, Strict-Transport-Security");
  });

  it("reports proxy_cache on /api/ (and /health) without an Authorization bypass", () => {
    const cached = diagnostics.filter((d) => d.code === "proxy-cache-authorization");
    expect(cached.map((d) => [d.path.at(-1), d.position?.line, d.severity])).toEqual([
      ["location /api/", 141, "error"],
      ["location /health", 184, "error"],
    ]);
  });

  it("reports server_tokens not off", () => {
    expect(diagnostics.find((d) => d.code === "server-tokens")).toMatchObject({ severity: "warning", path: ["http"], position: { line: 15, column: 1 } });
  });

  it("finds exactly these problems, in this order", () => {
    expect(diagnostics.map((d) => `${d.position!.line}:${d.position!.column} ${d.code}`)).toEqual([
      "15:1 server-tokens",
      "100:9 ssl-stapling-resolver",
      "141:13 proxy-cache-authorization",
      "159:13 x-accel-request-header",
      "184:13 proxy-cache-authorization",
      "204:13 add-header-inheritance",
    ]);
    expect(lines[0]).toMatch(/^nginx\.conf:15:1 {2}http {2}warning: no server_tokens off at http level: .*; fix: set server_tokens off; in the http block \[server-tokens\]$/);
  });
});

describe("every config edgekit renders lints clean", () => {
  it.each(allSpecFiles())("%s", (file) => {
    const compiled = compileSpecText(readFileSync(join(REPO, file), "utf8"), file, { specName: "spec.yaml", specDirFromOutput: "." });
    const conf = compiled.files?.find((f) => f.path === "nginx/nginx.conf");
    expect(conf, `${file} did not render`).toBeDefined();
    const { diagnostics, parsed } = lintText(conf!.content, { file: `${file} -> nginx/nginx.conf` });
    expect(parsed).toBe(true);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  });
});

describe("lintText", () => {
  it("stops at a syntax error: the checks do not run on half a config", () => {
    const { diagnostics, parsed } = lintText("http {\n  server_tokens on;\n", { file: "x.conf" });
    expect(parsed).toBe(false);
    expect(diagnostics.map((d) => d.code)).toEqual(["nginx-syntax"]);
  });

  it("keeps include warnings next to findings, with findings from included files under their own name", () => {
    const files: Record<string, string> = { "/etc/nginx/site.conf": "server {\n  location /s { alias /srv/s/; }\n}\n" };
    const includes = { root: "/etc/nginx", read: (p: string) => files[p], list: () => undefined };
    const { diagnostics, parsed } = lintText("http {\n  server_tokens off;\n  include missing.conf;\n  include site.conf;\n}\n", { file: "nginx.conf", includes });
    expect(parsed).toBe(true);
    expect(diagnostics.map((d) => `${d.file}:${d.position!.line} ${d.severity} ${d.code}`)).toEqual([
      "nginx.conf:3 warning include",
      "/etc/nginx/site.conf:2 error alias-path-traversal",
    ]);
    expect(diagnostics[1]!.path).toEqual(["http", "server", "location /s"]);
  });

  it("lints a 500-location config clean (its speed is measured by bench/generate.mjs, not here)", () => {
    const location = (i: number): string => `
        location /r${i}/ {
            limit_req zone=rl burst=20 nodelay;
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_cache c;
            proxy_cache_bypass $skip;
            proxy_no_cache $skip;
            add_header X-Frame-Options "DENY" always;
            add_header Content-Security-Policy "default-src 'self'" always;
            add_header Cache-Control "no-store" always;
        }`;
    const text = `http {
    server_tokens off;
    map $http_authorization $skip { default 1; "" 0; }
    upstream app { server 10.0.0.1:3000; keepalive 64; }
    server {
        listen 443 ssl;
${Array.from({ length: 500 }, (_, i) => location(i)).join("\n")}
    }
}`;
    const { diagnostics } = lintText(text);
    expect(diagnostics).toEqual([]);
  });
});
