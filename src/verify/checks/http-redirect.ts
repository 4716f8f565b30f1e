// Plain HTTP answers with a permanent redirect to the same path on https.
import { request } from "../http1.js";
import { errorText, row } from "../result.js";
import type { Check } from "../types.js";

export const httpRedirect: Check = {
  id: "http-redirect",
  title: "HTTP redirects to HTTPS (same path)",
  async run(ctx) {
    const origin = ctx.target.httpOrigin;
    if (!origin) return [row(this.id, this.title, "skip", "plain-HTTP port unknown", "pass --http-port N (or --spec, whose listen ports say it)")];
    const path = ctx.target.url.pathname + ctx.target.url.search;
    const url = new URL(path, origin);
    let reply;
    try {
      reply = await request(url, { timeoutMs: ctx.timeoutMs });
    } catch (error) {
      return [row(this.id, this.title, "fail", `no answer on ${origin.host}`, errorText(error))];
    }
    const location = String(reply.headers.location ?? "");
    const figure = `${reply.status}${location ? ` → ${location}` : ""}`;
    if (![301, 308].includes(reply.status)) {
      const why = [302, 303, 307].includes(reply.status) ? "a temporary redirect: browsers and caches keep asking over HTTP; use 301 or 308" : "plain HTTP is served, not redirected";
      return [row(this.id, this.title, reply.status >= 300 && reply.status < 400 ? "warn" : "fail", figure, why)];
    }
    let target: URL | null = null;
    try {
      target = new URL(location, url);
    } catch {
      /* reported below */
    }
    if (!target || target.protocol !== "https:") return [row(this.id, this.title, "fail", figure, "the redirect does not lead to https")];
    if (target.pathname + target.search !== path) return [row(this.id, this.title, "fail", figure, `the redirect loses the path: expected ${path}`)];
    return [row(this.id, this.title, "pass", figure)];
  },
};
