// The per-client rate limit on /api/slow (1r/s, burst 5, nodelay): a burst of 20 gets rate+burst
// through and fast 429s for the rest, which never reach the backend; the key is the real client
// address (X-Forwarded-For believed from the trusted docker gateway), and a spoofed header from an
// untrusted peer buys nothing.
import { describe, expect, it } from "vitest";
import { h2Connect, h2Request, runAddress, type H2Reply } from "./support/clients.js";
import { backendCounter, dockerExec, noStack, stack } from "./support/stack.js";

/** Three fresh client addresses per run: slot 0 for the burst, 1 and 2 for the keying check. */
const client = (slot: number) => runAddress("198.51.100", slot, 3);

async function burst(address: string, n: number): Promise<H2Reply[]> {
  const session = await h2Connect(); // one connection, so the timings are the edge's, not TLS handshakes
  try {
    return await Promise.all(Array.from({ length: n }, () => h2Request(session, "/api/slow?ms=0", { "x-forwarded-for": address })));
  } finally {
    session.close();
  }
}

describe.skipIf(noStack)("rate limit on /api/slow (1r/s, burst 5, nodelay)", () => {
  it("20 concurrent requests from one client: 6 (or 7) pass, the rest get fast 429s that never reach the backend", async () => {
    const before = await backendCounter("http_requests_total", { route: "/api/slow" });
    const replies = await burst(client(0), 20);
    const after = await backendCounter("http_requests_total", { route: "/api/slow" });

    const ok = replies.filter((r) => r.status === 200);
    const limited = replies.filter((r) => r.status === 429);
    expect(ok.length + limited.length, `statuses: ${replies.map((r) => r.status).join(",")}`).toBe(20);
    const slowest429 = Math.max(...limited.map((r) => r.headersMs));
    const slowest200 = Math.max(...ok.map((r) => r.headersMs));
    console.log(`[figure] rate limit ${client(0)}: ${ok.length} x 200, ${limited.length} x 429 of 20 concurrent; slowest 429 ${slowest429.toFixed(1)} ms, slowest 200 ${slowest200.toFixed(1)} ms; backend saw ${after - before}`);
    expect(ok.length).toBeGreaterThanOrEqual(6);
    expect(ok.length).toBeLessThanOrEqual(7);
    for (const r of limited) expect(r.headersMs).toBeLessThan(200);
    expect(after - before).toBe(ok.length);
  });

  it("the key is the real client address: client A exhausted, client B still passes", async () => {
    const [a, b] = [client(1), client(2)];
    const first = await burst(a, 10);
    expect(first.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(3);
    const again = await burst(a, 1);
    expect(again[0]?.status).toBe(429);
    const other = await burst(b, 1);
    expect(other[0]?.status).toBe(200);
    console.log(`[figure] rate limit keying: A=${a} ${first.filter((r) => r.status === 200).length}/10 then 429; B=${b} 200`);
  });

  it("a spoofed X-Forwarded-For from an untrusted peer is ignored: 10 requests with 10 different headers share one bucket", async () => {
    // From inside the nginx container over loopback, which realIp.from does not trust. The source
    // address is this run's own 127.x.y.z (curl --interface), so an earlier run's bucket never
    // interferes; nginx keys the limit on it, whatever the header says.
    const seconds = Math.floor(Date.now() / 1000);
    const octet = (n: number) => (Math.floor(n) % 250) + 1;
    const source = `127.${octet(seconds / 62_500)}.${octet(seconds / 250)}.${octet(seconds)}`;
    const script = `for i in 1 2 3 4 5 6 7 8 9 10; do curl -sk --interface ${source} -o /dev/null -w '%{http_code}\\n' -H "X-Forwarded-For: 198.18.0.$i" 'https://127.0.0.1:${stack().httpsPort}/api/slow?ms=0'; done`;
    const codes = (await dockerExec("nginx", ["sh", "-c", script])).trim().split("\n");
    const ok = codes.filter((c) => c === "200").length;
    console.log(`[figure] spoofed XFF from untrusted ${source}: ${ok} x 200 of 10 (${codes.join(",")})`);
    expect(codes).toHaveLength(10);
    expect(codes.every((c) => c === "200" || c === "429")).toBe(true);
    expect(ok).toBeGreaterThanOrEqual(6);
    expect(ok).toBeLessThanOrEqual(7); // believed, the header would have given each request its own bucket: 10
  });
});
