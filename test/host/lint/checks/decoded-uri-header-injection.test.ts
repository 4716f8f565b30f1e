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

  it("flags regex captures of the URI (numbered and named) in redirects and headers, and error_page redirects", () => {
    const text = `server {
  location ~ ^/r/([^/]+)$ { return 302 https://e.example/$1; }
  location ~ ^/n/(?<slug>[^/]+)$ { return 301 https://e.example/$slug; }
  location ~ ^/p/(?P<page>\\S*\\s.*)$ { add_header X-Page $page; }
  location /w/ { rewrite ^/w/([^?]*)$ https://e.example/$1 redirect; }
  location /e/ { error_page 404 =301 https://e.example$uri; }
  location /f/ { error_page 404 https://e.example$document_uri; }
  location /g/ { if ($uri ~ ^/g/(?s)(.*)$) { return 302 /x/$1; } }
}`;
    const findings = run(decodedUriHeaderInjection, text);
    expect(where(findings)).toEqual([
      "2:29 server > location ~ ^/r/([^/]+)$",
      "3:36 server > location ~ ^/n/(?<slug>[^/]+)$",
      "4:39 server > location ~ ^/p/(?P<page>\\S*\\s.*)$",
      "5:18 server > location /w/",
      "6:18 server > location /e/",
      "7:18 server > location /f/",
      "8:46 server > location /g/ > if ($uri ~ ^/g/(?s)(.*)$)",
    ]);
    expect(findings[0]!.message).toContain("($1) into the redirect's Location header");
    expect(findings[1]!.message).toContain("($slug)");
    expect(findings[4]!.message).toContain("($uri)");
  });

  it("is quiet for captures of $request_uri, internal locations and error_page to a local page", () => {
    const text = `map $request_uri $slug { ~^/r/(?<s>[^/?]+) $s; }
server {
  location /r/ { return 302 https://e.example/$slug; }
  location ~ ^/x/(.*)$ { internal; return 302 https://e.example/$1; }
  location /e/ { error_page 404 /404.html; }
  location /q/ { if ($request_uri ~ ^/q/(.*)$) { return 302 /x/$1; } }
}`;
    expect(run(decodedUriHeaderInjection, text)).toEqual([]);
  });

  it("captures that can't hold a line feed inject nothing: \".\" without (?s), fixed alternatives, letters", () => {
    const text = `server {
  location ~ ^/r/(.*)$ { return 302 https://e.example/$1; }
  location ~ ^/l/(en|de)/ { return 302 https://e.example/$1/; }
  location ~ ^/v/([a-z0-9-]+)$ { add_header X-V $1; }
}`;
    expect(run(decodedUriHeaderInjection, text)).toEqual([]);
  });
});
