// Rate limits answer a burst with their rejection status quickly (opt-in: it sends bursts). The
// burst is sent as one client: a documentation address in X-Forwarded-For (honoured only by an
// edge that trusts this network), else this client's own address.
import { randomInt } from "node:crypto";
import https from "node:https";
import { request } from "../http1.js";
import { h2Connect, h2Request } from "../http2.js";
import { handshake } from "../tls-probe.js";
import { errorText, noRouteRow, row, statusCounts } from "../result.js";
import type { Check, CheckResult, VerifyContext } from "../types.js";

const MAX_BURST = 2000;
/** Requests in flight at once: under nginx's default http2_max_concurrent_streams (128). */
const WAVE = 100;
/** HTTP/1.1 fallback: sockets in parallel. */
const H1_SOCKETS = 50;

function perSecond(rate: string): number {
  const [, n, unit] = /^(\d+)r\/(s|m)$/.exec(rate) ?? [];
  return unit === "m" ? Number(n) / 60 : Number(n);
}

/** `total` requests in waves of concurrent ones: streams of one h2 connection, else HTTP/1.1 sockets. */
async function burst(ctx: VerifyContext, path: string, total: number, headers: Record<string, string>): Promise<Array<{ status: number; ms: number }>> {
  const out: Array<{ status: number; ms: number }> = [];
  const h2 = (await handshake(ctx.target, { alpn: ["h2", "http/1.1"], timeoutMs: ctx.timeoutMs })).alpn === "h2";
  if (h2) {
    const session = await h2Connect(ctx.target.url.origin, ctx.target.tls, ctx.timeoutMs);
    try {
      for (let sent = 0; sent < total; sent += WAVE) {
        const replies = await Promise.all(Array.from({ length: Math.min(WAVE, total - sent) }, () => h2Request(session, path, headers)));
        out.push(...replies.map((r) => ({ status: r.status, ms: r.headersMs })));
      }
    } finally {
      session.close();
    }
    return out;
  }
  const agent = new https.Agent({ keepAlive: true, maxSockets: H1_SOCKETS, ...ctx.target.tls });
  try {
    const timed = async () => {
      const started = performance.now();
      const reply = await request(new URL(path, ctx.target.url), { agent, headers, timeoutMs: ctx.timeoutMs });
      return { status: reply.status, ms: performance.now() - started };
    };
    for (let sent = 0; sent < total; sent += WAVE) out.push(...(await Promise.all(Array.from({ length: Math.min(WAVE, total - sent) }, timed))));
  } finally {
    agent.destroy();
  }
  return out;
}

export const rateLimit: Check = {
  id: "rate-limit",
  title: "Rate limits reject bursts",
  async run(ctx) {
    if (!ctx.withLoad) return [row(this.id, this.title, "skip", "not run", "opt-in: --with-load sends bursts to each rate-limited route")];
    if (ctx.plan.rateLimited.length === 0) return [noRouteRow(this.id, this.title, ctx.plan, "rate-limited", "pass --spec")];
    const rows: CheckResult[] = [];
    for (const route of ctx.plan.rateLimited) {
      const title = `Rate limit ${route.path} (${route.rate}, burst ${route.burst})`;
      const total = route.burst + Math.ceil(perSecond(route.rate)) + 20;
      if (total > MAX_BURST) {
        rows.push(row(this.id, title, "skip", `a burst of ${total} needed`, `more than ${MAX_BURST} requests: too large to probe`));
        continue;
      }
      const client = `198.51.100.${randomInt(1, 255)}`;
      const statuses: number[] = [];
      const rejectedMs: number[] = [];
      const started = performance.now();
      try {
        for (const reply of await burst(ctx, route.path, total, { "x-forwarded-for": client })) {
          statuses.push(reply.status);
          if (reply.status === route.status) rejectedMs.push(reply.ms);
        }
      } catch (error) {
        rows.push(row(this.id, title, "fail", statusCounts(statuses), errorText(error)));
        continue;
      }
      const elapsed = performance.now() - started;
      const figure = `${statusCounts(statuses)} of ${total} in ${Math.round(elapsed)} ms; slowest ${route.status} ${rejectedMs.length ? Math.round(Math.max(...rejectedMs)) : "-"} ms`;
      if (statuses.every((s) => s === 401 || s === 403)) rows.push(row(this.id, title, "warn", figure, "the route denies this client, so its limit can't be probed from here"));
      else if (rejectedMs.length === 0) rows.push(row(this.id, title, "fail", figure, `no ${route.status} to a burst of ${total}: the limit is missing or keyed on something else`));
      else if (statuses.every((s) => s === route.status)) rows.push(row(this.id, title, "warn", figure, "every request was rejected: this client's bucket was already empty"));
      else rows.push(row(this.id, title, "pass", figure));
    }
    return rows;
  },
};
