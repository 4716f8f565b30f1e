import { describe, expect, it } from "vitest";
import { compressionEventStream } from "../../../../src/lint/checks/compression-event-stream.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("compression-event-stream", () => {
  it("flags text/event-stream in gzip_types / brotli_types, and gzip_types *", () => {
    const findings = run(compressionEventStream, "http {\n  gzip_types text/plain text/event-stream;\n  brotli_types text/event-stream;\n  server { gzip_types *; }\n}");
    expect(where(findings)).toEqual(["2:3 http", "3:3 http", "4:12 http > server"]);
    expect(findings[2]!.message).toContain("* compresses every type");
  });

  it("is quiet for an explicit list without it", () => {
    expect(run(compressionEventStream, "http { gzip_types application/json text/css; brotli_types text/plain; }")).toEqual([]);
  });
});
