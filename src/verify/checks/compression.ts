// gzip, brotli and zstd on the probe URL: the encoded body is smaller than the identity one, and every
// compressed response says `Vary: Accept-Encoding` so shared caches keep the variants apart.
import { request, type Reply } from "../http1.js";
import { bytes, errorText, row } from "../result.js";
import type { Encoding } from "../plan.js";
import type { CheckResult, Check } from "../types.js";

/** Below this, edges rightly skip compression (nginx's and edgekit's default min length). */
const WORTH_COMPRESSING = 1024;
const COMPRESSIBLE = /json|^text\/|javascript|xml|svg/i;
const ENCODINGS: readonly Encoding[] = ["gzip", "br", "zstd"];
const ENCODING_NAMES: Record<Encoding, string> = { gzip: "gzip", br: "brotli", zstd: "zstd" };

export const compression: Check = {
  id: "compression",
  title: "Compression",
  async run(ctx) {
    const get = (encoding: string) => request(ctx.target.url, { headers: { "accept-encoding": encoding }, tls: ctx.target.tls, timeoutMs: ctx.timeoutMs });
    let identity: Reply;
    try {
      identity = await get("identity");
    } catch (error) {
      return [row("compression", "Compression", "fail", "no response", errorText(error))];
    }
    const type = String(identity.headers["content-type"] ?? "");
    const size = identity.body.length;
    const rows: CheckResult[] = [];
    const varies: string[] = [];
    for (const encoding of ENCODINGS) {
      const id = `compression-${encoding}`;
      const title = `${ENCODING_NAMES[encoding]} shrinks the response`;
      if (size < WORTH_COMPRESSING || !COMPRESSIBLE.test(type)) {
        rows.push(row(id, title, "skip", `${bytes(size)} ${type || "(no type)"}`, `probe a compressible response of at least ${WORTH_COMPRESSING} B (the URL's path is the probe)`));
        continue;
      }
      const expected = ctx.plan.encodings.includes(encoding);
      let reply: Reply;
      try {
        reply = await get(encoding);
      } catch (error) {
        rows.push(row(id, title, "fail", "no response", errorText(error)));
        continue;
      }
      const got = String(reply.headers["content-encoding"] ?? "");
      if (got !== encoding) {
        // brotli and zstd are modules not every edge has: missing one fails only when the spec enables it.
        const verdict = expected && (encoding === "gzip" || ctx.plan.source === "spec") ? "fail" : expected ? "warn" : "skip";
        rows.push(row(id, title, verdict, `${bytes(size)} sent ${got ? `as ${got}` : "uncompressed"}`, `Accept-Encoding: ${encoding} was not honoured for ${type}`));
        continue;
      }
      varies.push(String(reply.headers.vary ?? ""));
      const saved = 1 - reply.body.length / size;
      const figure = `${bytes(size)} → ${bytes(reply.body.length)} (${(saved * 100).toFixed(1)}% smaller)`;
      rows.push(saved > 0 ? row(id, title, "pass", figure) : row(id, title, "fail", figure, "the encoded body is not smaller"));
    }
    if (varies.length > 0) {
      const missing = varies.filter((v) => !/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(v));
      const figure = `Vary: ${[...new Set(varies)].join(" | ") || "(none)"}`;
      rows.push(
        missing.length === 0
          ? row("vary-accept-encoding", "Compressed responses carry Vary: Accept-Encoding", "pass", figure)
          : row("vary-accept-encoding", "Compressed responses carry Vary: Accept-Encoding", "fail", figure, "without it a shared cache may serve gzip to a client that can't read it (gzip_vary on)"),
      );
    }
    return rows;
  },
};
