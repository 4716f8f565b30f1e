import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareVersions } from "../../../src/nginx-features/index.js";
import { validateSpecText } from "../../../src/pipeline.js";
import { cidr, duration, durationMs, headerValue, hostname, isCidr, locationPath, NGINX_OWNED_RESPONSE_HEADERS, responseHeaderName, size, sizeBytes } from "../../../src/spec/values.js";

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

  it("response header names refuse, in any case, the framing and hop-by-hop headers nginx writes itself, and pseudo-headers", () => {
    const owned = ["Content-Length", "content-length", "CONTENT-LENGTH", "Transfer-Encoding", "transfer-encoding", "Connection", "connection", "Keep-Alive", "Proxy-Connection", "TE", "te", "Trailer", "Upgrade", "upgrade", "Host", "HOST"];
    for (const name of owned) {
      const result = responseHeaderName().safeParse(name);
      expect(result.success, name).toBe(false);
      expect(result.error!.issues[0]!.message, name).toMatch(/cannot be set as a response header \((framing|hop-by-hop|a request header)/);
    }
    for (const name of [":status", ":path", ":authority"]) expect(responseHeaderName().safeParse(name).error?.issues.map((i) => i.message).join(" "), name).toContain("HTTP/2 pseudo-headers");
    for (const name of ["X-Request-Id", "Cache-Control", "Content-Language", "X-Connection", "Hosted-By", "TE-Hint"]) expect(responseHeaderName().safeParse(name).success, name).toBe(true);
    expect(Object.keys(NGINX_OWNED_RESPONSE_HEADERS).every((k) => k === k.toLowerCase())).toBe(true);
  });

  it("a spec setting one of them, as a route header or the cache status header, is refused at its file:line, field and why", () => {
    for (const name of ["Content-Length", "transfer-encoding", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Host"]) {
      const text = `domain: app.example.com\nupstreams:\n  app:\n    servers: [{ host: backend }]\nroutes:\n  - kind: api\n    path: /\n    headers:\n      X-Fine: "1"\n      ${name}: "5"\n`;
      const { diagnostics, spec } = validateSpecText(text, "spec.yaml");
      expect(spec, name).toBeUndefined();
      expect(diagnostics, name).toEqual([expect.objectContaining({ severity: "error", file: "spec.yaml", path: ["routes", 0, "headers", name], position: { line: 10, column: 7 }, message: expect.stringContaining(`${name} cannot be set as a response header`) })]);
    }
    const cache = validateSpecText("domain: app.example.com\nupstreams:\n  app:\n    servers: [{ host: backend }]\ncache:\n  statusHeader: Content-Length\n", "spec.yaml");
    expect(cache.diagnostics).toEqual([expect.objectContaining({ path: ["cache", "statusHeader"], position: { line: 6, column: 17 }, message: expect.stringContaining("two lengths") })]);
  });
});
