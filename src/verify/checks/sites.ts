// Every site answers its own names over SNI with a certificate for that name; a host redirect
// site sends its status and a Location on the target name with the path and query kept; a name
// no site lists is refused when the spec says so. All on the target's address and port, so one
// edge is probed under every name without DNS.
import { checkServerIdentity } from "node:tls";
import { request } from "../http1.js";
import { UNKNOWN_NAME, type SiteProbe } from "../plan.js";
import { errorText, row } from "../result.js";
import { handshake } from "../tls-probe.js";
import type { Check, CheckResult, Target, VerifyContext } from "../types.js";

/** A path and query the redirect must keep, byte for byte. */
const PROBE_PATH = "/.edgekit-verify/site?probe=1&x=%2Fa";

/** The target with TLS asking for `name` (SNI) instead of the URL's host. */
function asName(target: Target, name: string): Target {
  return { ...target, tls: { ...target.tls, servername: name } };
}

async function probeName(ctx: VerifyContext, site: SiteProbe, name: string): Promise<string | null> {
  const target = asName(ctx.target, name);
  const h = await handshake(target, { timeoutMs: ctx.timeoutMs });
  if (!h.ok || !h.certificate) return `${name}: no TLS handshake (${h.error ?? "no certificate"})`;
  const mismatch = checkServerIdentity(name, h.certificate);
  if (mismatch) return `${name}: the certificate is not for this name (${mismatch.message})`;
  if (ctx.target.tls.rejectUnauthorized !== false && !h.authorized) return `${name}: certificate not trusted (${h.authorizationError})`;
  const url = new URL(PROBE_PATH, ctx.target.url);
  const reply = await request(url, { headers: { host: name }, tls: target.tls, timeoutMs: ctx.timeoutMs });
  if (!site.redirect) {
    return reply.status === 421 || reply.status >= 500 ? `${name}: answered ${reply.status}` : null;
  }
  const location = String(reply.headers.location ?? "");
  if (reply.status !== site.redirect.status) return `${name}: ${reply.status}${location ? ` → ${location}` : ""}, expected a ${site.redirect.status} to ${site.redirect.to}`;
  let to: URL;
  try {
    to = new URL(location);
  } catch {
    return `${name}: Location ${JSON.stringify(location)} is not an absolute URL`;
  }
  if (to.hostname !== site.redirect.to) return `${name}: Location names ${to.hostname}, expected ${site.redirect.to}`;
  if (to.pathname + to.search !== PROBE_PATH) return `${name}: Location ${location} loses the path or query (expected ${PROBE_PATH})`;
  return null;
}

export const sites: Check = {
  id: "sites",
  title: "Each site answers its names over SNI; unknown names refused",
  async run(ctx) {
    if (ctx.plan.sites.length === 0) return [row(this.id, this.title, "skip", "no spec: sites unknown", "pass --spec to probe every site by name")];
    const rows: CheckResult[] = [];
    for (const site of ctx.plan.sites) {
      const label = site.id === null ? site.names[0]! : `site ${site.id}`;
      const problems: string[] = [];
      for (const name of site.names) {
        try {
          const problem = await probeName(ctx, site, name);
          if (problem) problems.push(problem);
        } catch (error) {
          problems.push(`${name}: ${errorText(error)}`);
        }
      }
      const what = site.redirect ? `${site.redirect.status} to ${site.redirect.to}, path and query kept` : "its certificate, answered";
      const figure = `${label}: ${site.names.length} name${site.names.length === 1 ? "" : "s"}, ${what}`;
      rows.push(problems.length === 0 ? row(this.id, this.title, "pass", figure) : row(this.id, this.title, "fail", `${label}: ${problems.length} of ${site.names.length} names wrong`, problems.join("; ")));
    }
    if (ctx.plan.refusesUnknownNames) {
      const h = await handshake(asName(ctx.target, UNKNOWN_NAME), { timeoutMs: ctx.timeoutMs });
      rows.push(
        h.ok
          ? row(this.id, this.title, "fail", `${UNKNOWN_NAME}: handshake accepted`, "defaultServer: refuse should reject the handshake of a name no site lists")
          : row(this.id, this.title, "pass", `${UNKNOWN_NAME}: handshake rejected (${h.errorCode ?? h.error})`),
      );
    }
    return rows;
  },
};
