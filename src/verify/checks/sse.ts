// Server-sent events through the edge: events arrive as the backend writes them (an event carrying
// its send time in `time` or `ts` gives the latency directly), uncompressed, with security headers.
import { openSse, type SseEvent } from "../sse.js";
import { handshake } from "../tls-probe.js";
import { errorText, ms, noRouteRow, row } from "../result.js";
import type { Check, CheckResult } from "../types.js";
import { headerProblems } from "./security-headers.js";

/** Worse than this between write and arrival means the edge buffers the stream. */
const MAX_LATENCY_MS = 500;

function sentAt(event: SseEvent): number | null {
  try {
    const data = JSON.parse(event.data ?? "") as { time?: unknown; ts?: unknown };
    const when = typeof data.ts === "number" ? data.ts : typeof data.time === "string" ? Date.parse(data.time) : Number.NaN;
    return Number.isFinite(when) ? when : null;
  } catch {
    return null;
  }
}

export const sse: Check = {
  id: "sse",
  title: "SSE streams unbuffered and uncompressed",
  async run(ctx) {
    if (ctx.plan.sseRoutes.length === 0) {
      return [noRouteRow(this.id, this.title, ctx.plan, "SSE", "pass --spec, or --sse-route PATH")];
    }
    const rows: CheckResult[] = [];
    // Streams go over h2 when the edge offers it, else HTTP/1.1: buffering is a separate question.
    const protocol = (await handshake(ctx.target, { alpn: ["h2", "http/1.1"], timeoutMs: ctx.timeoutMs })).alpn === "h2" ? "h2" : "http/1.1";
    for (const route of ctx.plan.sseRoutes) {
      const title = `SSE ${route.path}: unbuffered, uncompressed`;
      const opened = Date.now();
      const stream = openSse(protocol, new URL(route.path, ctx.target.url), ctx.target.tls, { "accept-encoding": "gzip, br" });
      try {
        let timer: NodeJS.Timeout | undefined;
        const { status, headers } = await Promise.race([
          stream.response,
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no response headers within ${ctx.timeoutMs} ms`)), ctx.timeoutMs))),
        ]).finally(() => clearTimeout(timer));
        const headersMs = Date.now() - opened;
        await stream.until((events) => events.filter((e) => sentAt(e) !== null).length >= 3, ctx.sseWatchMs).catch(() => {});
        const events = stream.events;
        const latencies = events.map((e) => (sentAt(e) === null ? null : e.arrivedAt - sentAt(e)!)).filter((l): l is number => l !== null);
        const first = events[0] ? events[0].arrivedAt - opened : null;
        const figure = [
          `${status} over ${protocol} in ${ms(headersMs)}`,
          `${events.length} event${events.length === 1 ? "" : "s"}${first === null ? "" : `, first after ${ms(first)}`}`,
          latencies.length > 0 ? `latency max ${ms(Math.max(...latencies))}` : "",
        ]
          .filter(Boolean)
          .join("; ");
        const problems: string[] = [];
        const type = String(headers["content-type"] ?? "");
        if (status !== 200) problems.push(`status ${status}`);
        if (status === 200 && !type.startsWith("text/event-stream")) problems.push(`Content-Type ${type || "(none)"}`);
        if (headers["content-encoding"]) problems.push(`compressed (${String(headers["content-encoding"])}): compression buffers events`);
        if (latencies.length > 0 && Math.max(...latencies) > MAX_LATENCY_MS) problems.push(`events arrived up to ${ms(Math.max(...latencies))} after they were written: the edge buffers the stream (proxy_buffering off)`);
        problems.push(...headerProblems(ctx.plan.securityHeaders, headers as Record<string, string>));
        if (problems.length > 0) rows.push(row(this.id, title, "fail", figure, problems.join("; ")));
        else if (events.length === 0) rows.push(row(this.id, title, "warn", figure, `no event within ${ms(ctx.sseWatchMs)}: a quiet stream, or a buffering edge`));
        else if (latencies.length === 0) rows.push(row(this.id, title, "pass", `${figure} (no send time in the events; latency not measured)`));
        else rows.push(row(this.id, title, "pass", figure));
      } catch (error) {
        rows.push(row(this.id, title, "fail", "no stream", errorText(error)));
      } finally {
        stream.close();
      }
    }
    return rows;
  },
};
