// Answers nginx gives itself, as the spec says: each respond route's status and body, each
// redirect's status and Location, and the 404 error page's body.
import { request } from "../http1.js";
import { errorText, row } from "../result.js";
import type { Check, CheckResult } from "../types.js";

export const answers: Check = {
  id: "answers",
  title: "Fixed responses, redirects and error pages",
  async run(ctx) {
    // Only a spec defines answers: without any, there is nothing to prove (and no row).
    if (ctx.plan.answers.length === 0) return [];
    const rows: CheckResult[] = [];
    for (const probe of ctx.plan.answers) {
      const title = `${probe.label} answers as the spec says`;
      try {
        const reply = await request(new URL(probe.path, ctx.target.url), { tls: ctx.target.tls, timeoutMs: ctx.timeoutMs });
        const location = reply.headers.location === undefined ? null : String(reply.headers.location);
        const figure = `${reply.status}${location === null ? "" : ` → ${location}`}${probe.body === null ? "" : `, ${reply.body.length} B body`}`;
        const problems = [
          ...(reply.status === probe.status ? [] : [`status ${reply.status}, expected ${probe.status}`]),
          ...(probe.location === null || location === probe.location ? [] : [`Location ${JSON.stringify(location)}, expected ${JSON.stringify(probe.location)}`]),
          ...(probe.body === null || reply.text === probe.body ? [] : [`body ${JSON.stringify(reply.text.slice(0, 80))}, expected ${JSON.stringify(probe.body.slice(0, 80))}`]),
        ];
        rows.push(row(this.id, title, problems.length === 0 ? "pass" : "fail", figure, problems.length === 0 ? undefined : problems.join("; ")));
      } catch (error) {
        rows.push(row(this.id, title, "fail", "no response", errorText(error)));
      }
    }
    return rows;
  },
};
