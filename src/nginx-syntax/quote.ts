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

/**
 * The variable that holds a literal `$` (an http-level `geo` whose value nginx never interpolates):
 * text written as `${edgekit_dollar}` reaches the client as `$`, since nginx has no escape for `$` in
 * values it interpolates (return's text and URL).
 */
export const LITERAL_DOLLAR_VARIABLE = "edgekit_dollar";
const DOLLAR = `\${${LITERAL_DOLLAR_VARIABLE}}`;

/**
 * Free text (a response body, a redirect URL) as one double-quoted token whose `$` stays literal
 * (through LITERAL_DOLLAR_VARIABLE) and whose newlines and tabs are nginx's \n, \r and \t escapes, so
 * the token keeps to one line. Other control characters are refused.
 */
export function quoteText(value: string): string {
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(value)) throw new NginxQuoteError(`control character in nginx text ${JSON.stringify(value)}`);
  const escaped = value.replace(/[\\"\n\r\t$]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", $: DOLLAR })[c]!);
  return `"${escaped}"`;
}

/** Whether quoteText(value) needs LITERAL_DOLLAR_VARIABLE defined. */
export function needsLiteralDollar(value: string): boolean {
  return value.includes("$");
}

/** The bytes of quoteText(value) as nginx reads them (UTF-8), to hold it to NGINX_MAX_QUOTED_ARGUMENT. */
export function quotedTextBytes(value: string): number {
  return Buffer.byteLength(quoteText(value.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, "")), "utf8");
}
