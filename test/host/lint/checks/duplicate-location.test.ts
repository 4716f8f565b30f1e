import { describe, expect, it } from "vitest";
import { duplicateLocation } from "../../../../src/lint/checks/duplicate-location.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("duplicate-location", () => {
  it("flags a repeated prefix (with or without ^~), exact, named or regex location in one block", () => {
    const text = `server {
  location /a/ { }
  location ^~ /a/ { }
  location = /x { }
  location = /x { }
  location ~ \\.php$ { }
  location ~ \\.php$ { }
  location @fallback { }
  location @fallback { }
}`;
    const findings = run(duplicateLocation, text);
    expect(where(findings)).toEqual(["3:3 server > location ^~ /a/", "5:3 server > location = /x", "7:3 server > location ~ \\.php$", "9:3 server > location @fallback"]);
    expect(findings[0]!.message).toContain("already defined at line 2");
    expect(findings[2]!.message).toContain("never matches");
  });

  it("is quiet for an exact and a prefix location on the same path, case-different regexes and other servers", () => {
    const text = "server { location = /a { } location /a { } location ~ x { } location ~* x { } } server { location /a { } }";
    expect(run(duplicateLocation, text)).toEqual([]);
  });
});
