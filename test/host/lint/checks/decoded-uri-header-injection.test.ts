import { describe, expect, it } from "vitest";
import { decodedUriHeaderInjection } from "../../../../src/lint/checks/decoded-uri-header-injection.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("decoded-uri-header-injection", () => {
  it("flags $uri / $document_uri in redirects and header values", () => {
    const text = `server {
  return 301 https://$host$uri;
  location /a { return https://example.com$document_uri; }
  location /b { rewrite ^ /x$uri redirect; }
  location /c { add_header X-Path $uri; }
  location /d { proxy_set_header X-Original $uri; proxy_pass http://app; }
}`;
    const findings = run(decodedUriHeaderInjection, text);
    expect(where(findings)).toEqual(["2:3 server", "3:17 server > location /a", "4:17 server > location /b", "5:17 server > location /c", "6:17 server > location /d"]);
    expect(findings[0]!.message).toBe(
      "return puts the decoded URI ($uri) into the redirect's Location header: a request for /%0D%0ASet-Cookie:... injects its own header lines",
    );
    expect(findings[3]!.message).toContain("into the X-Path header");
  });

  it("is quiet for $request_uri, bodies and internal rewrites", () => {
    const text = `server {
  return 301 https://$host$request_uri;
  location /a { return 200 "you asked for $uri"; }
  location /b { rewrite ^ /index.php?path=$uri last; }
  location /c { try_files $uri $uri/ =404; }
}`;
    expect(run(decodedUriHeaderInjection, text)).toEqual([]);
  });
});
