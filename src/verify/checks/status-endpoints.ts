// Status pages (stub_status, metrics) are closed to the public. From a private network the edge
// may rightly answer 200; the probe then asks again as a public client (X-Forwarded-For from a
// documentation address), which an edge that trusts this network for the real client IP honours.
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { request } from "../http1.js";
import { errorText, row } from "../result.js";
import type { Check, CheckResult } from "../types.js";

const PUBLIC_CLIENT = "203.0.113.7";
const CLOSED = new Set([401, 403, 404]);

const privateNets = new BlockList();
for (const [net, bits] of [["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16], ["127.0.0.0", 8], ["169.254.0.0", 16]] as const) privateNets.addSubnet(net, bits, "ipv4");
privateNets.addAddress("::1", "ipv6");
privateNets.addSubnet("fc00::", 7, "ipv6");

async function isPrivateHost(host: string): Promise<boolean> {
  const address = isIP(host) ? host : await lookup(host).then((r) => r.address, () => null);
  if (!address) return false;
  return privateNets.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

export const statusEndpoints: Check = {
  id: "status-closed",
  title: "Status pages closed to the public",
  async run(ctx) {
    const rows: CheckResult[] = [];
    const privateTarget = await isPrivateHost(ctx.target.url.hostname.replace(/^\[|\]$/g, ""));
    for (const route of ctx.plan.statusPaths) {
      const title = `${route.label} closed to the public`;
      const url = new URL(route.path, ctx.target.url);
      try {
        const plain = await request(url, { tls: ctx.target.tls, timeoutMs: ctx.timeoutMs });
        if (CLOSED.has(plain.status)) {
          rows.push(row(this.id, title, "pass", `${plain.status} to this client`));
          continue;
        }
        const asPublic = await request(url, { tls: ctx.target.tls, timeoutMs: ctx.timeoutMs, headers: { "x-forwarded-for": PUBLIC_CLIENT } });
        const figure = `${plain.status} to this client, ${asPublic.status} as ${PUBLIC_CLIENT}`;
        if (CLOSED.has(asPublic.status)) rows.push(row(this.id, title, "pass", figure));
        else if (plain.status >= 300 && plain.status < 400) rows.push(row(this.id, title, "pass", figure));
        else if (privateTarget) rows.push(row(this.id, title, "warn", figure, "open to this private client; not proven closed to the public (run verify from outside, or trust this network for X-Forwarded-For)"));
        else rows.push(row(this.id, title, "fail", figure, "answers the public: allow only private networks (allow ...; deny all;)"));
      } catch (error) {
        rows.push(row(this.id, title, "fail", "no response", errorText(error)));
      }
    }
    return rows;
  },
};
