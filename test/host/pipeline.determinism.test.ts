import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSpecText } from "../../src/pipeline.js";
import { GENERATED_MARKER } from "../../src/model/header.js";
import { allSpecFiles, REPO } from "../support/specs.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." };

describe("generated files", () => {
  it.each(allSpecFiles())("%s renders the same bytes every time, each file with the generated-by header", (file) => {
    const text = readFileSync(join(REPO, file), "utf8");
    const a = compileSpecText(text, file, OPTIONS).files!;
    const b = compileSpecText(text, file, OPTIONS).files!;
    expect(a).toEqual(b);
    for (const f of a) {
      expect(f.content.split("\n")[0]).toContain(GENERATED_MARKER);
      expect(f.content.endsWith("\n")).toBe(true);
      expect(f.content).not.toMatch(/[ \t]+$/m);
    }
  });

  it("key order in the spec does not change the output", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(["domain: a.example.com", "tls: { profile: modern }", "upstreams: { b: { servers: [{host: x}] }, a: { servers: [{host: y}] } }", "routes: [{kind: api, path: /, upstream: a}]"], { minLength: 4, maxLength: 4 }), (lines) => {
        const baseline = compileSpecText(["domain: a.example.com", "tls: { profile: modern }", "upstreams: { a: { servers: [{host: y}] }, b: { servers: [{host: x}] } }", "routes: [{kind: api, path: /, upstream: a}]"].join("\n"), "s", OPTIONS).files;
        expect(compileSpecText(lines.join("\n"), "s", OPTIONS).files).toEqual(baseline);
      }),
      { numRuns: 20 },
    );
  });
});
