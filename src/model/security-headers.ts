// Security headers are rendered into every location, never inherited from the server block: nginx
// drops all inherited add_header directives in a location that has one of its own, which is how
// hand-written configs lose them on /static/ or cached routes.
import type { Spec } from "../spec/schema.js";
import { quote, token } from "../nginx-syntax/quote.js";

export interface HeaderLine {
  name: string;
  /** A finished nginx token: quoted literal or an nginx variable chosen by edgekit. */
  value: string;
}

/** The security headers a response carries, as the client sees them: name and literal value. */
export function securityHeaderValues(spec: Spec, { https }: { https: boolean }): Array<{ name: string; value: string }> {
  const h = spec.securityHeaders;
  const out: Array<{ name: string; value: string }> = [];
  const add = (name: string, value: string) => out.push({ name, value });
  if (https && spec.tls.hsts.enabled) add("Strict-Transport-Security", hstsValue(spec));
  if (h.contentTypeOptions) add("X-Content-Type-Options", "nosniff");
  if (h.frameOptions !== "off") add("X-Frame-Options", h.frameOptions);
  if (h.referrerPolicy !== "off") add("Referrer-Policy", h.referrerPolicy);
  if (h.permissionsPolicy !== "") add("Permissions-Policy", h.permissionsPolicy);
  if (h.contentSecurityPolicy !== "") add("Content-Security-Policy", h.contentSecurityPolicy);
  if (h.crossOriginOpenerPolicy !== "off") add("Cross-Origin-Opener-Policy", h.crossOriginOpenerPolicy);
  if (https && spec.tls.http3) add("Alt-Svc", `h3=":${token(spec.listen.httpsPort)}"; ma=86400`);
  return out;
}

/** Strict-Transport-Security's value as the spec sets it. */
export function hstsValue(spec: Spec): string {
  const { maxAge, includeSubDomains, preload } = spec.tls.hsts;
  return [`max-age=${maxAge}`, ...(includeSubDomains ? ["includeSubDomains"] : []), ...(preload ? ["preload"] : [])].join("; ");
}

/** The same headers as nginx add_header lines: every value quoted. */
export function securityHeaders(spec: Spec, options: { https: boolean }): HeaderLine[] {
  return securityHeaderValues(spec, options).map(({ name, value }) => ({ name, value: quote(value) }));
}
