import { describe, expect, it } from "vitest";
import { aliasPathTraversal } from "../../../../src/lint/checks/alias-path-traversal.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("alias-path-traversal", () => {
  it("flags a location without a trailing / whose alias has one (the /static../ traversal)", () => {
    const findings = run(aliasPathTraversal, "server {\n  location /static {\n    alias /srv/static/;\n  }\n}");
    expect(where(findings)).toEqual(["3:5 server > location /static"]);
    expect(findings[0]!.message).toContain("a request for /static../ becomes /srv/static/../");
  });

  it("flags the reverse mismatch, which serves sibling directories", () => {
    const findings = run(aliasPathTraversal, "server { location ^~ /img/ { alias /srv/img; } }");
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain("sibling paths");
  });

  it("flags a prefix location and alias that both lack the \"/\": siblings starting with the same name are served", () => {
    const findings = run(aliasPathTraversal, "server {\n  location /files { alias /home; }\n  location /favicon.ico { alias /srv/favicon.ico; }\n}");
    expect(where(findings)).toEqual(["2:21 server > location /files", "3:27 server > location /favicon.ico"]);
    expect(findings[0]!.message).toContain("/files-old/x maps to /home-old/x");
  });

  it("is quiet when both end in /, for exact and regex locations, and aliases with variables", () => {
    const text = `server {
  location /static/ { alias /srv/static/; }
  location = /favicon.ico { alias /srv/favicon.ico; }
  location = /robots { alias /srv/robots.txt/; }
  location ~ ^/u/(.*)$ { alias /srv/u/$1; }
  location /d { alias /srv/$host/; }
}`;
    expect(run(aliasPathTraversal, text)).toEqual([]);
  });

  it("regex locations: a capture after a \"/\" in the alias whose group doesn't start after one in the pattern", () => {
    const text = `server {
  location ~ ^/i(.*)$ { alias /data/img/$1; }
  location ~* ^/files(?<rest>.+)$ { alias /srv/files/$1; }
  location ~ ^/i/(.*)$ { alias /data/img/$1; }
  location ~ ^/d([a-z]+)/(.*)$ { alias /data/$1$2; }
  location ~ ^/j(.*)$ { alias /data/img$1; }
}`;
    const findings = run(aliasPathTraversal, text);
    expect(where(findings).map((w) => w.split(" > ")[1])).toEqual(["location ~ ^/i(.*)$", "location ~* ^/files(?<rest>.+)$"]);
    expect(findings[0]!.message).toContain("/i../etc/passwd");
  });
});
