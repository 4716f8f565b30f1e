import { describe, expect, it } from "vitest";
import { mergeResponseHeaders } from "../../../src/model/response-headers.js";

const GENERATED = [
  { name: "X-Frame-Options", value: "DENY" },
  { name: "Content-Security-Policy", value: "default-src 'self'" },
  { name: "Cache-Control", value: "public, max-age=604800" },
];

describe("mergeResponseHeaders", () => {
  it("replaces a generated header of the same name, whatever its spelling, in its place and with the author's spelling", () => {
    expect(mergeResponseHeaders(GENERATED, { "x-frame-options": "SAMEORIGIN", "CACHE-CONTROL": "no-cache" })).toEqual([
      { name: "x-frame-options", value: "SAMEORIGIN" },
      { name: "Content-Security-Policy", value: "default-src 'self'" },
      { name: "CACHE-CONTROL", value: "no-cache" },
    ]);
  });

  it("null removes the generated header; new names follow in name order", () => {
    expect(mergeResponseHeaders(GENERATED, { "Content-Security-Policy": null, "X-B": "2", "X-A": "1", "X-Gone": null })).toEqual([
      { name: "X-Frame-Options", value: "DENY" },
      { name: "Cache-Control", value: "public, max-age=604800" },
      { name: "X-A", value: "1" },
      { name: "X-B", value: "2" },
    ]);
  });

  it("later layers win (top level, then site, then route), and a name removed by one layer can come back in the next", () => {
    const merged = mergeResponseHeaders(GENERATED, { "X-Frame-Options": null, "X-Top": "top" }, { "x-top": "site" }, { "X-Frame-Options": "SAMEORIGIN" });
    expect(merged).toEqual([
      { name: "Content-Security-Policy", value: "default-src 'self'" },
      { name: "Cache-Control", value: "public, max-age=604800" },
      { name: "x-top", value: "site" },
      { name: "X-Frame-Options", value: "SAMEORIGIN" },
    ]);
  });

  it("never yields a name twice, even from a generated list that repeats one", () => {
    const merged = mergeResponseHeaders([...GENERATED, { name: "x-frame-options", value: "SAMEORIGIN" }], { "X-New": "1" }, { "x-new": "2" });
    const names = merged.map((h) => h.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    expect(merged.find((h) => h.name.toLowerCase() === "x-frame-options")!.value).toBe("DENY");
  });

  it("without overrides, returns the generated headers as they are", () => {
    expect(mergeResponseHeaders(GENERATED)).toEqual(GENERATED);
  });
});
