// Client keep-alive: sequential HTTP/1.1 requests reuse one connection.
import https from "node:https";
import type { Socket } from "node:net";
import { request } from "../http1.js";
import { errorText, row } from "../result.js";
import type { Check } from "../types.js";

const REQUESTS = 20;

export const keepaliveReuse: Check = {
  id: "keepalive-reuse",
  title: `${REQUESTS} sequential HTTP/1.1 requests reuse one connection`,
  async run(ctx) {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ...ctx.target.tls, ALPNProtocols: ["http/1.1"] });
    const sockets = new Set<Socket>();
    const connectionHeaders = new Set<string>();
    try {
      for (let i = 0; i < REQUESTS; i++) {
        const reply = await request(ctx.target.url, { agent, timeoutMs: ctx.timeoutMs });
        sockets.add(reply.socket);
        connectionHeaders.add(String(reply.headers.connection ?? "keep-alive (HTTP/1.1 default)"));
      }
    } catch (error) {
      return [row(this.id, this.title, "fail", `${sockets.size} connections before an error`, errorText(error))];
    } finally {
      agent.destroy();
    }
    const figure = `${REQUESTS} requests on ${sockets.size} connection${sockets.size === 1 ? "" : "s"}; Connection: ${[...connectionHeaders].join(", ")}`;
    if (sockets.size !== 1) return [row(this.id, this.title, "fail", figure, "the edge closes client connections between requests: check keepalive_timeout / keepalive_requests")];
    return [row(this.id, this.title, "pass", figure)];
  },
};
