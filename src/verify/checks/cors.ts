// CORS as a browser meets it, per route with `cors` in the spec: an allowed origin gets its
// Access-Control-Allow-Origin once (and credentials when the spec allows them), an origin outside
// the list gets no Access-Control-* header at all, and a preflight is answered 204 with the
// allowed methods.
import type { IncomingHttpHeaders } from "node:http";
import { request } from "../http1.js";
import { errorText, row } from "../result.js";
import type { Check, CheckResult } from "../types.js";

const corsHeaders = (headers: IncomingHttpHeaders) => Object.keys(headers).filter((h) => h.startsWith("access-control-"));

export const cors: Check = {
  id: "cors",
  title: "CORS answered at the edge",
  async run(ctx) {
    const rows: CheckResult[] = [];
    for (const route of ctx.plan.corsRoutes) {
      const url = new URL(route.path, ctx.target.url);
      const ask = (method: string, headers: Record<string, string>) => request(url, { method, headers, tls: ctx.target.tls, timeoutMs: ctx.timeoutMs });
      const attempt = async (title: string, probe: () => Promise<CheckResult>) => {
        try {
          rows.push(await probe());
        } catch (error) {
          rows.push(row(this.id, title, "fail", "no response", errorText(error)));
        }
      };

      const allowedTitle = `${route.label} CORS: ${route.allowedOrigin} allowed`;
      await attempt(allowedTitle, async () => {
        const reply = await ask("GET", { origin: route.allowedOrigin });
        // Node joins a repeated header with ", ": two values show as one with a comma.
        const origin = reply.headers["access-control-allow-origin"];
        const credentials = reply.headers["access-control-allow-credentials"];
        const figure = `${reply.status}, Access-Control-Allow-Origin: ${origin ?? "none"}${route.credentials ? `, credentials: ${credentials ?? "none"}` : ""}`;
        if (origin !== route.allowOrigin) return row(this.id, allowedTitle, "fail", figure, `expected exactly ${route.allowOrigin}`);
        if (route.credentials && credentials !== "true") return row(this.id, allowedTitle, "fail", figure, "expected Access-Control-Allow-Credentials: true");
        return row(this.id, allowedTitle, "pass", figure);
      });

      if (route.otherOrigin !== null) {
        const otherTitle = `${route.label} CORS: ${route.otherOrigin} gets no CORS header`;
        await attempt(otherTitle, async () => {
          const reply = await ask("GET", { origin: route.otherOrigin! });
          const found = corsHeaders(reply.headers);
          return found.length === 0
            ? row(this.id, otherTitle, "pass", `${reply.status}, no Access-Control-* header`)
            : row(this.id, otherTitle, "fail", `${reply.status}, ${found.join(", ")}`, "an origin outside the list must get no CORS header");
        });
      }

      const preflightTitle = `${route.label} CORS: preflight answered 204`;
      await attempt(preflightTitle, async () => {
        const reply = await ask("OPTIONS", { origin: route.allowedOrigin, "access-control-request-method": route.method });
        const methods = String(reply.headers["access-control-allow-methods"] ?? "");
        const figure = `${reply.status}, Access-Control-Allow-Methods: ${methods || "none"}`;
        if (reply.status !== 204) return row(this.id, preflightTitle, "fail", figure, "a preflight must be answered 204 by the edge");
        if (!methods.split(/,\s*/).includes(route.method)) return row(this.id, preflightTitle, "fail", figure, `expected ${route.method} among the allowed methods`);
        return row(this.id, preflightTitle, "pass", figure);
      });
    }
    return rows;
  },
};
