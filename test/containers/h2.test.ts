// HTTP/2 on the wire: ALPN, multiplexing onto one connection (counted by nginx, not assumed),
// curl's own view, and the 308 from plain HTTP.
import http2 from "node:http2";
import { execa } from "execa";
import { makeTarget } from "../../src/verify/target.js";
import { handshake } from "../../src/verify/tls-probe.js";
import { describe, expect, it } from "vitest";
import { acceptedDuring, httpUrl, httpsUrl, noStack, request, stack } from "./support/stack.js";

describe.skipIf(noStack)("HTTP/2", () => {
  it("ALPN negotiates h2 on the https port", async () => {
    const result = await handshake(makeTarget(httpsUrl("/"), { ca: stack().caCert }), { alpn: ["h2", "http/1.1"] });
    expect(result.authorized).toBe(true);
    expect(result.alpn).toBe("h2");
  });

  it("10 concurrent requests to /api/tools travel as streams of ONE TCP connection", async () => {
    const statuses: number[] = [];
    const streams: number[] = [];
    const accepted = await acceptedDuring(async () => {
      const session = http2.connect(httpsUrl("/"), { ca: stack().caCert });
      try {
        await Promise.all(
          Array.from({ length: 10 }, () =>
            new Promise<void>((resolve, reject) => {
              const req = session.request({ ":path": "/api/tools" });
              req.on("response", (headers) => {
                statuses.push(Number(headers[":status"]));
                streams.push(req.id ?? -1);
              });
              req.resume();
              req.on("end", () => resolve());
              req.on("error", reject);
            }),
          ),
        );
      } finally {
        session.close();
      }
    });
    expect(statuses).toEqual(Array(10).fill(200));
    expect(new Set(streams).size).toBe(10);
    expect(accepted).toBe(1);
  });

  it("curl --http2 -v shows HTTP/2 200", async () => {
    const result = await execa("curl", ["--http2", "-sS", "-v", "-o", "/dev/null", "--cacert", "test/containers/certs/ca.pem", httpsUrl("/api/tools")], { all: true });
    expect(result.all).toMatch(/^< HTTP\/2 200/m);
    expect(result.all).toMatch(/ALPN.*h2/);
  });

  it("plain http:// answers 308 to https", async () => {
    const reply = await request(httpUrl("/api/tools?x=1"));
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe(`https://localhost:${stack().httpsPort}/api/tools?x=1`);
  });
});
