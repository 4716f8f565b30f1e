// Compression at the edge: gzip and brotli on a JSON API response (decoded and compared with the
// identity body), nothing below the min length, never on an event stream, and HPACK's savings on
// HTTP/2 headers as h2load measures them.
import zlib from "node:zlib";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { openSse } from "./support/clients.js";
import { httpsUrl, noStack, request, stack } from "./support/stack.js";

const decoders = { gzip: zlib.gunzipSync, br: zlib.brotliDecompressSync } as const;

describe.skipIf(noStack)("compression", () => {
  let identity: Buffer;

  beforeAll(async () => {
    const reply = await request(httpsUrl("/api/tools"));
    expect(reply.status).toBe(200);
    expect(reply.headers["content-encoding"]).toBeUndefined();
    identity = reply.body;
  });

  for (const encoding of ["gzip", "br"] as const) {
    it(`Accept-Encoding: ${encoding} on /api/tools: ${encoding}, Vary, >= 70% smaller, decodes to the identity body`, async () => {
      const reply = await request(httpsUrl("/api/tools"), { headers: { "accept-encoding": encoding } });
      expect(reply.status).toBe(200);
      expect(reply.headers["content-encoding"]).toBe(encoding);
      expect(String(reply.headers.vary)).toMatch(/\bAccept-Encoding\b/i);
      const saved = 1 - reply.body.length / identity.length;
      console.log(`[figure] ${encoding} /api/tools: ${identity.length} -> ${reply.body.length} bytes (${(saved * 100).toFixed(1)}% smaller)`);
      expect(saved).toBeGreaterThanOrEqual(0.7);
      expect(decoders[encoding](reply.body).equals(identity)).toBe(true);
    });
  }

  it("a response below the min length (/health) is sent as is", async () => {
    for (const encoding of ["gzip", "br"]) {
      const reply = await request(httpsUrl("/health"), { headers: { "accept-encoding": encoding } });
      expect(reply.status).toBe(200);
      expect(reply.headers["content-encoding"]).toBeUndefined();
      expect(JSON.parse(reply.text)).toEqual({ status: "ok" });
      console.log(`[figure] ${encoding} /health: ${reply.body.length} bytes, not compressed`);
    }
  });

  for (const protocol of ["http/1.1", "h2"] as const) {
    it(`text/event-stream is never compressed, even when gzip/br is asked for (${protocol})`, async () => {
      const sse = openSse(protocol, "/api/v1/sse?count=2&interval=50", { "accept-encoding": "gzip, br" });
      const { status, headers } = await sse.response;
      await sse.ended;
      expect(status).toBe(200);
      expect(String(headers["content-type"])).toMatch(/^text\/event-stream/);
      expect(headers["content-encoding"]).toBeUndefined();
      // The plain-text parser read both ticks: the bytes on the wire are the event stream itself.
      expect(sse.events.filter((e) => e.event === "tick").map((e) => JSON.parse(e.data ?? "{}").n)).toEqual([1, 2]);
    });
  }

  it("HTTP/2 header compression (HPACK) saves header bytes (h2load)", async () => {
    const result = await execa("h2load", ["-n", "200", "-c", "1", "-m", "10", "--header=accept-encoding: gzip", `https://localhost:${stack().httpsPort}/api/tools`], { reject: false, all: true });
    const out = String(result.all);
    expect(result.exitCode, out).toBe(0);
    expect(out).toMatch(/200 succeeded, 0 failed/);
    expect(out).toMatch(/status codes: 200 2xx/);
    const traffic = /^traffic:.*$/m.exec(out)?.[0] ?? "";
    const savings = Number(/space savings ([\d.]+)%/.exec(traffic)?.[1]);
    const data = Number(/\(([\d]+)\) data/.exec(traffic)?.[1]);
    console.log(`[figure] h2load 200 x /api/tools (gzip): header space savings ${savings}% ; ${traffic.trim()} ; ${(data / 200).toFixed(0)} data bytes per response`);
    expect(savings).toBeGreaterThan(0);
    // gzip travelled too: far less than 200 identity bodies.
    expect(data).toBeLessThan(200 * identity.length * 0.3);
  });
});
