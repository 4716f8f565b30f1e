import { describe, expect, it } from "vitest";
import { loadSpecText } from "../../../src/spec/load.js";

const TEXT = `domain: example.com
upstreams:
  app:
    servers:
      - host: backend
        port: 3000
routes:
  - kind: api
    path: /api/
`;

describe("loadSpecText", () => {
  it("locates values, keys and list items by spec path", () => {
    const loaded = loadSpecText(TEXT);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.locate(["domain"])).toEqual({ line: 1, column: 9 });
    expect(loaded.locate(["upstreams", "app", "servers", 0, "port"])).toEqual({ line: 6, column: 15 });
    expect(loaded.locate(["routes", 0, "path"])).toEqual({ line: 9, column: 11 });
    expect(loaded.locate(["routes", 0], "kind")).toEqual({ line: 8, column: 5 });
  });

  it("falls back to the nearest existing ancestor for paths that are not written", () => {
    const loaded = loadSpecText(TEXT);
    expect(loaded.locate(["routes", 0, "timeouts", "read"])).toEqual({ line: 8, column: 5 });
    expect(loaded.locate(["tls", "http3"])).toEqual({ line: 1, column: 1 });
  });

  it("reports YAML errors with line and column, and duplicate keys", () => {
    const broken = loadSpecText("domain: a\nroutes: [ {kind: api\n");
    expect(broken.diagnostics[0]).toMatchObject({ severity: "error", code: "yaml" });
    expect(broken.diagnostics[0]!.position!.line).toBeGreaterThanOrEqual(2);
    const dup = loadSpecText("domain: a\ndomain: b\n");
    expect(dup.diagnostics).toEqual([expect.objectContaining({ code: "yaml", position: { line: 2, column: 1 } })]);
    expect(dup.diagnostics[0]!.message).toMatch(/unique/i);
  });

  it("an empty file is an error, not a crash", () => {
    expect(loadSpecText("").diagnostics).toEqual([expect.objectContaining({ severity: "error", message: expect.stringMatching(/empty/) })]);
  });
});
