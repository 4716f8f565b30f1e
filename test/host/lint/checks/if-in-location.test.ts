import { describe, expect, it } from "vitest";
import { ifInLocation } from "../../../../src/lint/checks/if-in-location.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("if-in-location", () => {
  it("warns on each unsafe directive inside if in a location, and on rewrite without last/break", () => {
    const text = `location / {
  if ($request_method = POST) {
    proxy_pass http://writer;
    add_header X-Write 1;
    rewrite ^ /other;
    set $w 1;
  }
}`;
    const findings = run(ifInLocation, text);
    expect(where(findings)).toEqual(["3:5 location / > if ($request_method = POST)", "4:5 location / > if ($request_method = POST)", "5:5 location / > if ($request_method = POST)"]);
    expect(findings[0]!.message).toContain('proxy_pass inside "if" in a location');
    expect(findings[2]!.message).toContain("rewrite without last or break");
  });

  it("allows return, rewrite ... last|break|redirect|permanent, set and break; and any if at server level", () => {
    const text = `server {
  if ($host = old.example.com) { rewrite ^/old /new; return 301 https://new.example.com$request_uri; }
  location / {
    if ($x) { return 403; }
    if ($y) { rewrite ^ /a last; rewrite ^ /b break; rewrite ^ /c permanent; set $z 1; break; }
  }
}`;
    expect(run(ifInLocation, text)).toEqual([]);
  });
});
