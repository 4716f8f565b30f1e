// A cached route: MISS then HIT for anonymous requests; a request with Authorization or a session
// cookie is never answered from the cache nor stored in it (the anonymous entry is unchanged after).
import { randomBytes } from "node:crypto";
import { request, type Reply } from "../http1.js";
import { errorText, noRouteRow, row } from "../result.js";
import type { Check, CheckResult } from "../types.js";

export const cache: Check = {
  id: "cache",
  title: "Cache: anonymous HIT, authenticated never cached",
  async run(ctx) {
    if (ctx.plan.cacheRoutes.length === 0) {
      return [noRouteRow(this.id, this.title, ctx.plan, "cached", "pass --spec, or --cache-route PATH")];
    }
    const rows: CheckResult[] = [];
    for (const route of ctx.plan.cacheRoutes) {
      const id = this.id;
      const title = `Cache ${route.path}: HIT, credentials bypass`;
      if (!route.statusHeader) {
        rows.push(row(id, title, "skip", "no cache status header", "set cache.statusHeader so the cache can be observed"));
        continue;
      }
      // A fresh key: the query string is part of nginx's default cache key.
      const url = new URL(`${route.path}${route.path.includes("?") ? "&" : "?"}edgekit-verify=${randomBytes(6).toString("hex")}`, ctx.target.url);
      const get = (headers: Record<string, string> = {}) => request(url, { headers, tls: ctx.target.tls, timeoutMs: ctx.timeoutMs });
      const status = (r: Reply) => String(r.headers[route.statusHeader!] ?? "(none)");
      try {
        const first = await get();
        const second = await get();
        const withAuth = await get({ authorization: "Bearer edgekit-verify" });
        const withCookie = route.sessionCookie ? await get({ cookie: `${route.sessionCookie}=edgekit-verify` }) : null;
        const after = await get();
        const seq = `${status(first)} → ${status(second)}; Authorization: ${status(withAuth)}${withCookie ? `; ${route.sessionCookie}= cookie: ${status(withCookie)}` : ""}; then ${status(after)}`;
        const problems: string[] = [];
        if (first.status !== 200) problems.push(`the route answered ${first.status}`);
        if (status(second) !== "HIT") problems.push("the second anonymous request was not a HIT");
        if (status(withAuth) === "HIT") problems.push("a request with Authorization was answered from the cache");
        if (withCookie && status(withCookie) === "HIT") problems.push("a request with a session cookie was answered from the cache");
        if (status(after) !== "HIT" || !after.body.equals(second.body)) problems.push("the anonymous entry changed after an authenticated request: credentialed responses are being stored");
        rows.push(problems.length === 0 ? row(id, title, "pass", seq) : row(id, title, "fail", seq, problems.join("; ")));
      } catch (error) {
        rows.push(row(id, title, "fail", "no response", errorText(error)));
      }
    }
    return rows;
  },
};
