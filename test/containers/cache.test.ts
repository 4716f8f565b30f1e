// The proxy cache on cached routes: anonymous responses are stored and served (HIT, same body),
// requests with Authorization or any cookie not declared harmless bypass it and are never stored, a
// request whose cookies are all declared harmless (cache.harmlessCookies: [_ga]) still hits. Each run uses its own query string (the cache key includes the URI).
import { describe, expect, it } from "vitest";
import { backendCounter, httpsUrl, noStack, request, type Reply } from "./support/stack.js";

const run = `${Date.now()}-${process.pid}`;

interface Cacheable {
  hits: number;
  generatedAt: string;
}

/** `work`'s reply plus how many /api/cacheable requests the backends answered meanwhile. */
async function withBackendCount(work: () => Promise<Reply>): Promise<{ reply: Reply; backendRequests: number }> {
  const before = await backendCounter("http_requests_total", { route: "/api/cacheable" });
  const reply = await work();
  const after = await backendCounter("http_requests_total", { route: "/api/cacheable" });
  return { reply, backendRequests: after - before };
}

describe.skipIf(noStack)("proxy cache", () => {
  it("/api/cacheable: MISS, HIT; Authorization and undeclared cookies BYPASS and are not stored; harmless cookies HIT", async () => {
    const url = httpsUrl(`/api/cacheable?run=${run}`);
    const status = (r: Reply) => r.headers["x-cache-status"];

    const first = await withBackendCount(() => request(url));
    expect(first.reply.status).toBe(200);
    expect(status(first.reply)).toBe("MISS");
    expect(first.backendRequests).toBe(1);
    const original = JSON.parse(first.reply.text) as Cacheable;

    const second = await withBackendCount(() => request(url));
    expect(status(second.reply)).toBe("HIT");
    expect(second.reply.text).toBe(first.reply.text); // same hit counter, same generatedAt
    expect(second.backendRequests).toBe(0);

    const bypassing: Record<string, string>[] = [{ authorization: "Bearer x" }, { cookie: "session=abc" }, { cookie: "theme=dark; sessionid=42" }, { cookie: "theme=dark" }, { cookie: "_ga=GA1.2.3; sid =42" }];
    for (const headers of bypassing) {
      const bypass = await withBackendCount(() => request(url, { headers }));
      expect(bypass.reply.status).toBe(200);
      expect(status(bypass.reply), JSON.stringify(headers)).toBe("BYPASS");
      expect(bypass.backendRequests).toBe(1); // a fresh backend response...
      const fresh = JSON.parse(bypass.reply.text) as Cacheable;
      expect(fresh.generatedAt).not.toBe(original.generatedAt);
      expect(Date.parse(fresh.generatedAt)).toBeGreaterThan(Date.parse(original.generatedAt));
      console.log(`[figure] cache ${JSON.stringify(headers)}: BYPASS, backend answered (hits ${fresh.hits} on its replica, cached copy says ${original.hits})`);
    }

    // ...which was not stored: anonymous clients still get the original body.
    const after = await withBackendCount(() => request(url));
    expect(status(after.reply)).toBe("HIT");
    expect(after.reply.text).toBe(first.reply.text);
    expect(after.backendRequests).toBe(0);

    const analytics = await withBackendCount(() => request(url, { headers: { cookie: "_ga=GA1.2.3" } }));
    expect(status(analytics.reply)).toBe("HIT");
    expect(analytics.reply.text).toBe(first.reply.text);
    expect(analytics.backendRequests).toBe(0);
    console.log(`[figure] cache /api/cacheable: MISS -> HIT x3 (anonymous, after 5 bypasses, harmless _ga cookie) all with body ${first.reply.text}`);
  });

  it("/api/v1/config (cached 30 s): MISS then HIT with the same body", async () => {
    const url = httpsUrl(`/api/v1/config?run=${run}`);
    const first = await request(url);
    expect(first.status).toBe(200);
    expect(first.headers["x-cache-status"]).toBe("MISS");
    const second = await request(url);
    expect(second.status).toBe(200);
    expect(second.headers["x-cache-status"]).toBe("HIT");
    expect(second.text).toBe(first.text);
    expect(JSON.parse(second.text)).toMatchObject({ service: "edgekit-reference-backend" });
  });
});
