// TLS 1.2/1.3 only: a handshake pinned to 1.0 or 1.1 must be refused by the edge.
import { row } from "../result.js";
import { handshake, refusedLocally, type TlsVersion } from "../tls-probe.js";
import type { Check } from "../types.js";

const VERSIONS: Array<{ version: TlsVersion; label: string; allowed: boolean }> = [
  { version: "TLSv1.3", label: "1.3", allowed: true },
  { version: "TLSv1.2", label: "1.2", allowed: true },
  { version: "TLSv1.1", label: "1.1", allowed: false },
  { version: "TLSv1", label: "1.0", allowed: false },
];

export const tlsVersions: Check = {
  id: "tls-versions",
  title: "TLS 1.2/1.3 only (1.0 and 1.1 refused)",
  async run(ctx) {
    const results = [];
    for (const v of VERSIONS) results.push({ ...v, h: await handshake(ctx.target, { version: v.version, timeoutMs: ctx.timeoutMs }) });
    const figure = results.map((r) => `${r.label} ${r.h.ok ? "yes" : refusedLocally(r.h) ? "untested" : "no"}`).join(" · ");
    const legacyAccepted = results.filter((r) => !r.allowed && r.h.ok);
    if (legacyAccepted.length > 0) {
      return [row(this.id, this.title, "fail", figure, `the edge accepts TLS ${legacyAccepted.map((r) => r.label).join(" and ")}: set ssl_protocols TLSv1.2 TLSv1.3`)];
    }
    if (!results.some((r) => r.allowed && r.h.ok)) {
      const why = results.find((r) => r.allowed)?.h.error ?? "unknown";
      return [row(this.id, this.title, "fail", figure, `no handshake with TLS 1.2 or 1.3: ${why}`)];
    }
    const untested = results.filter((r) => !r.allowed && refusedLocally(r.h));
    if (untested.length > 0) return [row(this.id, this.title, "warn", figure, `this machine's OpenSSL cannot offer TLS ${untested.map((r) => r.label).join("/")}, so their refusal is unproven`)];
    return [row(this.id, this.title, "pass", figure)];
  },
};
