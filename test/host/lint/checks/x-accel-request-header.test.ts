import { describe, expect, it } from "vitest";
import { xAccelRequestHeader } from "../../../../src/lint/checks/x-accel-request-header.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("x-accel-request-header", () => {
  it("warns that X-Accel-Buffering sent upstream does nothing, and points at proxy_buffering", () => {
    const findings = run(xAccelRequestHeader, 'location /sse {\n  proxy_set_header X-Accel-Buffering "no";\n}');
    expect(where(findings)).toEqual(["2:3 location /sse"]);
    expect(findings[0]!.fix).toContain("proxy_buffering off");
  });

  it("is quiet for request headers and for X-Accel-* in responses handled elsewhere", () => {
    expect(run(xAccelRequestHeader, 'location / { proxy_set_header X-Request-ID $request_id; proxy_hide_header X-Accel-Redirect; add_header X-Accel-Buffering "no"; }')).toEqual([]);
  });
});
