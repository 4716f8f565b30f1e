import { describe, expect, it } from "vitest";
import { addHeaderInheritance } from "../../../../src/lint/checks/add-header-inheritance.js";
import { run, where } from "../../../support/run-lint-check.js";

const SERVER = `http {
  server {
    add_header X-Frame-Options DENY always;
    add_header Strict-Transport-Security "max-age=63072000" always;
    location /static/ {
      add_header Cache-Control "public, immutable";
    }
    location /api/ {
      proxy_pass http://app;
    }
  }
}`;

describe("add-header-inheritance", () => {
  it("reports a location whose own add_header drops the server's headers, naming them", () => {
    const findings = run(addHeaderInheritance, SERVER);
    expect(where(findings)).toEqual(["6:7 http > server > location /static/"]);
    expect(findings[0]!.message).toBe(
      'add_header here replaces the 2 headers set in "server" (line 2), so responses from this location lack: X-Frame-Options, Strict-Transport-Security',
    );
  });

  it("is quiet when the block repeats every inherited header (the edgekit way)", () => {
    const repeated = SERVER.replace(
      'add_header Cache-Control "public, immutable";',
      'add_header X-Frame-Options DENY always;\n      add_header Strict-Transport-Security "max-age=63072000" always;\n      add_header Cache-Control "public";',
    );
    expect(run(addHeaderInheritance, repeated)).toEqual([]);
  });

  it("looks through levels: http headers are lost in a location when the server sets none", () => {
    const findings = run(addHeaderInheritance, "http {\n  add_header X-A 1;\n  server {\n    location / {\n      if ($x) { add_header X-B 2; }\n    }\n  }\n}");
    expect(where(findings)).toEqual(["5:17 http > server > location / > if ($x)"]);
    expect(findings[0]!.message).toContain('set in "http" (line 1)');
    expect(findings[0]!.message).toContain("lack: X-A");
  });

  it("compares header names case-insensitively and ignores outer headers with an empty value", () => {
    expect(run(addHeaderInheritance, 'server { add_header x-a 1; add_header X-Gone ""; location / { add_header X-A 2; } }')).toEqual([]);
  });

  it("respects add_header_inherit merge/off (nginx 1.29.3), itself inherited", () => {
    expect(run(addHeaderInheritance, "http { add_header_inherit merge; server { add_header X-A 1; location / { add_header X-B 2; } } }")).toEqual([]);
    expect(run(addHeaderInheritance, "server { add_header X-A 1; location / { add_header_inherit off; add_header X-B 2; } }")).toEqual([]);
  });
});
