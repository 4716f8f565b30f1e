// The only way a free-form spec string becomes part of nginx.conf: as one double-quoted token.
// nginx unescapes \" and \\ inside double quotes; it has no escape for `$` (variables are expanded in
// most directive values), so a `$` is refused rather than quoted, and so are control characters,
// which could end the token's line or split a header.

export class NginxQuoteError extends Error {}

export function quote(value: string): string {
  if (/[\x00-\x1f\x7f]/.test(value)) throw new NginxQuoteError(`control character in nginx value ${JSON.stringify(value)}`);
  if (value.includes("$")) throw new NginxQuoteError(`'$' would be expanded as an nginx variable in ${JSON.stringify(value)}`);
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * The longest quoted argument nginx reads: its config reader (ngx_conf_read_token) must hold the
 * argument, both quotes and the byte after it in one 4,096-byte buffer (NGX_CONF_BUFFER), else
 * "too long parameter". Measured with nginx -t on `add_header X "<value>" always;`: 4,093 plain
 * characters pass and 4,094 fail, 2,046 escaped quotes pass and 2,047 fail, wherever the line sits.
 */
export const NGINX_MAX_QUOTED_ARGUMENT = 4095;

/** The length of quote(value): the two quotes, and a backslash before every `"` and `\`. */
export function quotedLength(value: string): number {
  return value.length + 2 + (value.match(/["\\]/g)?.length ?? 0);
}

/** A bare token (names, paths, sizes) that validated types already restrict; checked again here. */
export function token(value: string | number): string {
  const s = String(value);
  if (!/^[A-Za-z0-9._~!*@:+,=%/\[\]-]+$/.test(s)) throw new NginxQuoteError(`not a safe bare nginx token: ${JSON.stringify(s)}`);
  return s;
}

/** Escapes a literal for use inside a PCRE pattern (then quote() the whole pattern). */
export function regexLiteral(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

/**
 * A regex location's pattern as one double-quoted argument. Unlike quote(), `$` is allowed: nginx
 * compiles a location's pattern as it stands and expands no variables in it (`$` is the end anchor).
 */
export function quoteRegex(pattern: string): string {
  if (/[\x00-\x1f\x7f]/.test(pattern)) throw new NginxQuoteError(`control character in nginx regex ${JSON.stringify(pattern)}`);
  return `"${pattern.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
