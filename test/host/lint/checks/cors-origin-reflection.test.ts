import { describe, expect, it } from "vitest";
import { corsOriginReflection } from "../../../../src/lint/checks/cors-origin-reflection.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("cors-origin-reflection", () => {
  it("flags Access-Control-Allow-Origin echoing $http_origin", () => {
    const findings = run(corsOriginReflection, "server {\n  add_header Access-Control-Allow-Origin $http_origin always;\n}");
    expect(where(findings)).toEqual(["2:3 server"]);
  });

  it("is quiet for a fixed origin, a mapped allow-list, or an if that checks the origin", () => {
    const text = `server {
  location /a { add_header Access-Control-Allow-Origin https://app.example.com; }
  location /b { add_header Access-Control-Allow-Origin $cors_origin; }
  location /c { if ($http_origin ~* ^https://(app|admin)\\.example\\.com$) { add_header Access-Control-Allow-Origin $http_origin; } }
}`;
    expect(run(corsOriginReflection, text)).toEqual([]);
  });

  it("an if that doesn't pin the origin is no check: truthiness, != \"\", unanchored or wildcard regexes", () => {
    const text = `server {
  location /a { if ($http_origin) { add_header Access-Control-Allow-Origin $http_origin; } }
  location /b { if ($http_origin != "") { add_header Access-Control-Allow-Origin $http_origin; } }
  location /c { if ($http_origin ~ example\\.com) { add_header Access-Control-Allow-Origin $http_origin; } }
  location /d { if ($http_origin ~* ^https://.*\\.example\\.com$) { add_header Access-Control-Allow-Origin $http_origin; } }
  location /e { if ($http_origin ~ ^https://app.example.com$) { add_header Access-Control-Allow-Origin $http_origin; } }
  location /f { if ($http_origin = $http_referer) { add_header Access-Control-Allow-Origin $http_origin; } }
}`;
    expect(where(run(corsOriginReflection, text)).map((w) => w.split(" > ")[1])).toEqual(["location /a", "location /b", "location /c", "location /d", "location /e", "location /f"]);
    const pinned = `server { location /g { if ($http_origin = "https://app.example.com") { add_header Access-Control-Allow-Origin $http_origin; } } }`;
    expect(run(corsOriginReflection, pinned)).toEqual([]);
  });
});
