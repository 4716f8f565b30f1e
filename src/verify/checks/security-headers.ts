// HSTS, and every security header on every route (the 404 included): what nested nginx locations
// lose when one of them adds a header of its own.
import { request, type Reply } from "../http1.js";
import { errorText, row } from "../result.js";
import type { Check, CheckResult } from "../types.js";

const ONE_YEAR = 31_536_000;

/** Missing or different headers in `headers`: "name missing" / "name: got X". */
export function headerProblems(expected: Record<string, string | null>, headers: Reply["headers"]): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(expected)) {
    const got = headers[name];
    if (got === undefined) problems.push(`${name} missing`);
    else if (value !== null && String(got) !== value) problems.push(`${name}: ${JSON.stringify(String(got))}, expected ${JSON.stringify(value)}`);
  }
  return problems;
}

export const securityHeadersCheck: Check = {
  id: "security-headers",
  title: "Security headers on every route",
  async run(ctx) {
    const rows: CheckResult[] = [];
    const expected = ctx.plan.securityHeaders;
    const failures: string[] = [];
    let hsts: string | undefined;
    for (const route of ctx.plan.headerRoutes) {
      let reply: Reply;
      try {
        reply = await request(new URL(route.path, ctx.target.url), { tls: ctx.target.tls, timeoutMs: ctx.timeoutMs });
      } catch (error) {
        failures.push(`${route.label}: ${errorText(error)}`);
        continue;
      }
      hsts ??= reply.headers["strict-transport-security"] as string | undefined;
      const problems = headerProblems(route.securityHeaders ?? expected, reply.headers);
      if (problems.length > 0) failures.push(`${route.label} → ${reply.status}: ${problems.join("; ")}`);
    }

    const maxAge = Number(/max-age=(\d+)/i.exec(hsts ?? "")?.[1] ?? 0);
    if (!hsts) rows.push(row("hsts", "HSTS", "fail", "no Strict-Transport-Security", "browsers may reach this site over plain HTTP: add HSTS with max-age of a year or more"));
    else if (maxAge < ONE_YEAR) rows.push(row("hsts", "HSTS", maxAge === 0 ? "fail" : "warn", hsts, "max-age below one year"));
    else rows.push(row("hsts", "HSTS", "pass", hsts));

    const names = Object.keys(expected).length;
    const figure = `${names} header${names === 1 ? "" : "s"} × ${ctx.plan.headerRoutes.length} routes${ctx.plan.source === "generic" ? " (presence)" : " (exact values from the spec)"}`;
    rows.push(failures.length === 0 ? row(this.id, this.title, "pass", figure) : row(this.id, this.title, "fail", `${failures.length} of ${ctx.plan.headerRoutes.length} routes wrong`, failures.join(" | ")));
    return rows;
  },
};
