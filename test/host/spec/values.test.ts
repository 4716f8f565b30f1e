import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareVersions } from "../../../src/nginx-features/index.js";
import { cidr, duration, durationMs, headerValue, hostname, isCidr, locationPath, size, sizeBytes } from "../../../src/spec/values.js";

describe("values", () => {
  it.each([
    ["10.0.0.0/8", true],
    ["192.168.1.1", true],
    ["::1", true],
    ["fd00::/8", true],
    ["10.0.0.0/33", false],
    ["fd00::/129", false],
    ["10.0.0/8", false],
    ["not-an-ip", false],
    ["10.0.0.0/8/1", false],
    ["10.0.0.0/", false],
  ])("isCidr(%s) = %s", (value, ok) => {
    expect(isCidr(value)).toBe(ok);
    expect(cidr().safeParse(value).success).toBe(ok);
  });

  it("durations and sizes convert to ms and bytes", () => {
    expect(durationMs("500ms")).toBe(500);
    expect(durationMs("65s")).toBe(65_000);
    expect(durationMs("1h")).toBe(3_600_000);
    expect(sizeBytes("16k")).toBe(16_384);
    expect(sizeBytes("10m")).toBe(10_485_760);
    expect(duration().safeParse("5 seconds").success).toBe(false);
    expect(size().safeParse("10MB").success).toBe(false);
  });

  it("orders versions numerically", () => {
    expect(compareVersions("1.25.1", "1.25.0")).toBeGreaterThan(0);
    expect(compareVersions("1.9.0", "1.22.1")).toBeLessThan(0);
    expect(compareVersions("1.22.1", "1.22.1")).toBe(0);
  });

  it("hostnames and paths refuse every character that could end an nginx token", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(..." ;{}\"'$#\n\t\\"), fc.string(), (a, bad, b) => {
        expect(hostname().safeParse(`${a}${bad}${b}`).success).toBe(false);
        expect(locationPath().safeParse(`/${a}${bad}${b}`).success).toBe(false);
      }),
    );
  });

  it("header values refuse `$` and control characters, and allow quotes, braces and semicolons", () => {
    expect(headerValue().safeParse(`default-src 'self'; x {"a"}`).success).toBe(true);
    fc.assert(
      fc.property(fc.string(), fc.constantFrom("$", "\n", "\r", "\x00", "\x7f"), (s, bad) => {
        expect(headerValue().safeParse(`${s}${bad}`).success).toBe(false);
      }),
    );
  });
});
