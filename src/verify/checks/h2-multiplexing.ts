// HTTP/2 multiplexing: 10 concurrent requests travel as streams of one connection.
import { h2Connect, h2Request } from "../http2.js";
import { errorText, row, statusCounts } from "../result.js";
import type { Check } from "../types.js";

const STREAMS = 10;

export const h2Multiplexing: Check = {
  id: "h2-multiplexing",
  title: `${STREAMS} concurrent requests on one HTTP/2 connection`,
  async run(ctx) {
    let session;
    try {
      session = await h2Connect(ctx.target.url.origin, ctx.target.tls, ctx.timeoutMs);
    } catch (error) {
      return [row(this.id, this.title, "fail", "no HTTP/2 connection", `${errorText(error)}: the edge does not speak HTTP/2 over TLS`)];
    }
    try {
      const replies = await Promise.all(Array.from({ length: STREAMS }, () => h2Request(session, ctx.target.url.pathname + ctx.target.url.search)));
      const streams = new Set(replies.map((r) => r.streamId)).size;
      const allowed = session.remoteSettings.maxConcurrentStreams;
      const slowest = Math.max(...replies.map((r) => r.headersMs));
      const figure = `${streams} streams on 1 connection (${statusCounts(replies.map((r) => r.status))}); server allows ${allowed ?? "unlimited"} concurrent; slowest ${Math.round(slowest)} ms`;
      if (replies.some((r) => r.status >= 500)) return [row(this.id, this.title, "fail", figure, "server errors on concurrent streams")];
      if (streams !== STREAMS) return [row(this.id, this.title, "fail", figure, "requests did not travel as distinct streams")];
      if (allowed !== undefined && allowed < STREAMS) return [row(this.id, this.title, "warn", figure, `the edge allows only ${allowed} concurrent streams per connection`)];
      return [row(this.id, this.title, "pass", figure)];
    } finally {
      session.close();
    }
  },
};
