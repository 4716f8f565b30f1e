// ALPN: offered h2 and http/1.1, the edge picks h2.
import { sinceText } from "../../nginx-features/index.js";
import { row } from "../result.js";
import { handshake } from "../tls-probe.js";
import type { Check } from "../types.js";

export const alpnH2: Check = {
  id: "alpn-h2",
  title: "ALPN negotiates HTTP/2",
  async run(ctx) {
    const h = await handshake(ctx.target, { alpn: ["h2", "http/1.1"], timeoutMs: ctx.timeoutMs });
    if (!h.ok) return [row(this.id, this.title, "fail", "no TLS handshake", h.error)];
    const figure = `ALPN ${h.alpn || "none"} over ${h.protocol}`;
    if (h.alpn !== "h2") return [row(this.id, this.title, "fail", figure, `the edge does not offer h2: enable HTTP/2 on the TLS listener (listen ... ssl http2, or http2 on; from ${sinceText("http2-directive")})`)];
    return [row(this.id, this.title, "pass", figure)];
  },
};
