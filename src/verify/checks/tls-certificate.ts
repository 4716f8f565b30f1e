// The certificate chain is trusted (system CAs plus --ca) and not about to expire.
import { row } from "../result.js";
import { handshake } from "../tls-probe.js";
import type { Check } from "../types.js";

const DAY = 86_400_000;

export const tlsCertificate: Check = {
  id: "tls-certificate",
  title: "Certificate trusted and valid",
  async run(ctx) {
    const h = await handshake(ctx.target, { timeoutMs: ctx.timeoutMs });
    if (!h.ok || !h.certificate) return [row(this.id, this.title, "fail", "no TLS handshake", h.error)];
    const days = Math.floor((Date.parse(h.certificate.valid_to) - Date.now()) / DAY);
    const subject = h.certificate.subject?.CN ? `CN=${h.certificate.subject.CN}` : "no CN";
    const figure = `${subject}, expires in ${days} days`;
    if (ctx.target.tls.rejectUnauthorized === false) return [row(this.id, this.title, "warn", figure, "not verified: --insecure was given")];
    if (!h.authorized) {
      return [row(this.id, this.title, "fail", figure, `not trusted: ${h.authorizationError}; pass --ca FILE (edgekit's dev CA is certs/ca.pem) or --insecure`)];
    }
    if (days < 0) return [row(this.id, this.title, "fail", figure, "expired")];
    if (days < 14) return [row(this.id, this.title, "warn", figure, "expires within 14 days")];
    return [row(this.id, this.title, "pass", figure)];
  },
};
