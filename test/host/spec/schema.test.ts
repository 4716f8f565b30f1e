import { describe, expect, it } from "vitest";
import { z } from "zod";
import { specSchema } from "../../../src/spec/schema.js";
import { specJsonSchema } from "../../../src/spec/json-schema.js";
import { specSites } from "../../../src/spec/sites.js";
import { spec } from "../../support/specs.js";

describe("spec schema", () => {
  it("a domain and an upstream are a complete spec with secure defaults", () => {
    const s = spec();
    expect(s.tls.enabled).toBe(true);
    expect(s.tls.profile).toBe("intermediate");
    expect(s.tls.hsts.enabled).toBe(true);
    expect(s.tls.ocspStapling.enabled).toBe(false);
    expect(s.nginx.serverTokens).toBe(false);
    expect(specSites(s)[0]!.routes).toEqual([expect.objectContaining({ kind: "api", path: "/", match: "prefix", buffering: true })]);
    expect(s.upstreams.app!.keepalive.connections).toBeGreaterThanOrEqual(64);
    expect(s.client.keepalive.requests).toBeGreaterThan(1000);
    expect(s.compression.gzip.types).not.toContain("text/event-stream");
  });

  it("defaults differ by route kind where the kind demands it", () => {
    const [api, sse, ws] = spec({ routes: [{ kind: "api", path: "/a/" }, { kind: "sse", path: "/s" }, { kind: "websocket", path: "/w" }] }).routes!;
    expect(api!.kind === "api" && api!.timeouts.read).toBe("60s");
    expect(sse!.kind === "sse" && sse!.timeouts.read).toBe("1h");
    expect(ws!.kind === "websocket" && ws!.timeouts.read).toBe("1h");
    expect("buffering" in sse!).toBe(false);
  });

  it("metrics routes are closed to the public unless the spec says otherwise", () => {
    const [m] = spec({ routes: [{ kind: "metrics", path: "/metrics" }] }).routes!;
    expect(m!.access!.allow).toContain("127.0.0.1");
    expect(m!.access!.allow).not.toContain("0.0.0.0/0");
  });

  it("proxy buffers: 8k defaults, and combinations nginx would refuse are rejected at proxy.buffers.count", () => {
    const s = spec();
    expect(s.proxy).toEqual({ bufferSize: "8k", buffers: { count: 8, size: "8k" } });
    expect(specSchema.safeParse({ domain: "a.b", upstreams: { a: { servers: [{ host: "x" }] } }, proxy: { bufferSize: "16k", buffers: { count: 4, size: "16k" } } }).success).toBe(true);
    // nginx: proxy_busy_buffers_size (twice the larger buffer) must fit in all proxy_buffers but one
    const bad = specSchema.safeParse({ domain: "a.b", upstreams: { a: { servers: [{ host: "x" }] } }, proxy: { bufferSize: "16k", buffers: { count: 8, size: "4k" } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(["proxy", "buffers", "count"]);
    expect(bad.error!.issues[0]!.message).toMatch(/at least 9 buffers of 4k/);
    expect(specSchema.safeParse({ domain: "a.b", upstreams: { a: { servers: [{ host: "x" }] } }, proxy: { buffers: { count: 1 } } }).success).toBe(false);
    // a malformed size is reported on its field, never crashes the buffer check
    const malformed = specSchema.safeParse({ domain: "a.b", upstreams: { a: { servers: [{ host: "x" }] } }, proxy: { bufferSize: "abc", buffers: { size: "1x" } } });
    expect(malformed.error!.issues.map((i) => i.path.join("."))).toEqual(["proxy.bufferSize", "proxy.buffers.size"]);
  });

  it("expires: 0 is refused with what to write instead (no-cache through the route's headers)", () => {
    for (const expires of ["0s", "0ms", "0d"]) {
      const result = specSchema.safeParse({ domain: "a.example.com", upstreams: { app: { servers: [{ host: "b" }] } }, routes: [{ kind: "static", path: "/s/", expires }] });
      expect(result.success).toBe(false);
      const messages = result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
      expect(messages).toEqual([expect.stringMatching(/^routes\.0\.expires: a duration above 0: for no browser caching .*headers: \{ Cache-Control: no-cache \}/)]);
    }
    const tooLong = specSchema.safeParse({ domain: "a.example.com", upstreams: { app: { servers: [{ host: "b" }] } }, routes: [{ kind: "static", path: "/s/", expires: "400d" }] });
    expect(tooLong.error!.issues.map((i) => i.message)).toEqual(["a duration above 0 and at most 365d"]);
  });

  it("rejects unknown keys at every level", () => {
    expect(specSchema.safeParse({ domain: "a.b", upstreams: { a: { servers: [{ host: "x" }] } }, extra: 1 }).success).toBe(false);
    expect(specSchema.safeParse({ domain: "a.b", upstreams: { a: { servers: [{ host: "x", prot: 1 }] } } }).success).toBe(false);
  });

  it("every field in the JSON Schema has a description, and every optional one a default or an 'Absent' meaning", () => {
    const problems: string[] = [];
    const walk = (node: Record<string, unknown>, path: string) => {
      const props = node.properties as Record<string, Record<string, unknown>> | undefined;
      const required = new Set((node.required as string[] | undefined) ?? []);
      for (const [key, child] of Object.entries(props ?? {})) {
        const p = `${path}.${key}`;
        if (!child.description) problems.push(`${p}: no description`);
        if (!required.has(key) && child.default === undefined && !/Absent/.test(String(child.description)) && !(child.const !== undefined)) problems.push(`${p}: no default`);
        walk(child, p);
      }
      for (const k of ["items", "additionalProperties"]) if (node[k] && typeof node[k] === "object") walk(node[k] as Record<string, unknown>, `${path}[]`);
      for (const k of ["oneOf", "anyOf"]) for (const o of (node[k] as Record<string, unknown>[] | undefined) ?? []) walk(o, path);
    };
    walk(specJsonSchema(), "spec");
    expect(problems).toEqual([]);
  });

  it("the JSON Schema is draft-07 and names itself", () => {
    const js = specJsonSchema();
    expect(js.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(js.title).toBe("edgekit spec");
    expect(z.toJSONSchema).toBeTypeOf("function");
  });
});
