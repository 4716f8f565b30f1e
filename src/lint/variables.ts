// Which nginx variables carry request input, and what `set` assigns along a directive's levels.
import type { Directive } from "../nginx-syntax/parse.js";
import { levels, own, variablesIn, type Located } from "../nginx-syntax/tree.js";

const USER_INPUT = new Set(["args", "query_string", "request_uri", "uri", "document_uri", "request", "request_body", "host", "remote_user", "invalid_referer"]);

/** True for variables a client controls: headers, arguments, cookies, the URI, regex captures. */
export function isUserInput(name: string): boolean {
  return USER_INPUT.has(name) || /^(http|arg|cookie)_/.test(name) || /^[0-9]$/.test(name);
}

/** Variables that hold the URI after nginx decoded it: %0D%0A in the request becomes a raw CRLF. */
export function isDecodedUri(name: string): boolean {
  return name === "uri" || name === "document_uri";
}

/**
 * `set $name value` visible to a directive inside `ancestors`: in each of its levels (and in `if`
 * blocks directly inside them), innermost first; the first assignment found wins.
 */
export function setValues(located: Located): Map<string, string> {
  const out = new Map<string, string>();
  for (const level of levels(located.ancestors)) {
    const sets = [...own(level, "set"), ...own(level, "if").flatMap((b) => own(b, "set"))];
    for (const d of sets) {
      const [name] = variablesIn(d.args[0] ?? "");
      if (name && d.args[1] !== undefined && !out.has(name)) out.set(name, d.args[1]);
    }
  }
  return out;
}

/** `value` with variables assigned by `set` replaced by what they were set to (a few levels deep). */
export function expandSets(value: string, sets: ReadonlyMap<string, string>, depth = 4): string {
  if (depth === 0 || sets.size === 0) return value;
  const expanded = value.replace(/\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole, a: string | undefined, b: string | undefined) => sets.get((a ?? b ?? "").toLowerCase()) ?? whole);
  return expanded === value ? value : expandSets(expanded, sets, depth - 1);
}

/** Splits a proxy_pass URL into its scheme ("http://", or a variable that sets it), the part that picks the server, and the URI part. */
export function splitProxyUrl(url: string): { scheme: string; host: string; uri: string } {
  const schemeMatch = /^[A-Za-z0-9_${}]+:\/\//.exec(url);
  const scheme = schemeMatch?.[0] ?? "";
  const rest = url.slice(scheme.length);
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "/") return { scheme, host: rest.slice(0, i), uri: rest.slice(i) };
    if (rest[i] === "$" && i > 0) {
      // $request_uri and friends start with "/": after a host they begin the URI part.
      const [name] = variablesIn(rest.slice(i));
      if (name === "request_uri" || name === "uri" || name === "document_uri") return { scheme, host: rest.slice(0, i), uri: rest.slice(i) };
    }
  }
  return { scheme, host: rest, uri: "" };
}

export function isIfCondition(block: Directive, variable: string): boolean {
  return block.name === "if" && block.args.some((a) => variablesIn(a).includes(variable));
}

/** Named groups of a PCRE pattern: (?<name>...), (?'name'...) and (?P<name>...). */
export function namedGroups(pattern: string): string[] {
  return [...pattern.matchAll(/\(\?(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/g)].map((m) => (m[1] ?? m[2] ?? "").toLowerCase());
}

/** Numbered ($1..$9) and named captures a pattern defines. */
function uriCaptures(pattern: string): string[] {
  return [...groupStarts(pattern).slice(0, 9).map((_, i) => String(i + 1)), ...namedGroups(pattern)];
}

/** True inside a location marked `internal;`: only nginx itself (X-Accel-Redirect, error_page, rewrite) reaches it. */
export function isInternal(ancestors: readonly Directive[]): boolean {
  return ancestors.some((a) => a.name === "location" && own(a, "internal").length > 0);
}

/**
 * Capture variables ($1..$9 and named groups) that hold a piece of the decoded, normalised URI where
 * `located` reads them: from a regex location around it, a rewrite in its location, or an
 * `if ($uri ~ ...)` around it. %0D%0A in the request is a raw CRLF in them, like $uri. Inside an
 * `internal` location the URI is nginx's own (an internal redirect), so none are reported there.
 * Only groups that can hold a line feed count (PCRE's "." can't), unless `all`: then every capture
 * (for where any request text does harm, like the host of proxy_pass).
 */
export function decodedUriCaptures(located: Located, all = false): Set<string> {
  const out = new Set<string>();
  if (isInternal(located.ancestors)) return out;
  const add = (pattern: string) => {
    for (const name of (all ? uriCaptures(pattern) : newlineCaptures(pattern))) out.add(name);
  };
  for (const a of located.ancestors) {
    if (a.name === "location" && (a.args[0] === "~" || a.args[0] === "~*")) add(a.args[1] ?? "");
    if (a.name === "if" && a.args.length >= 3 && /^\(?\$(uri|document_uri)$/.test(a.args[0] ?? "") && /^!?~\*?$/.test(a.args[1] ?? "")) add((a.args[2] ?? "").replace(/\)$/, ""));
  }
  // A rewrite's replacement sees its own pattern's groups; later directives see the last rewrite's.
  const parent = located.ancestors.at(-1);
  for (const d of parent ? own(parent, "rewrite") : []) {
    add(d.args[0] ?? "");
    if (d === located.directive) break;
  }
  if (located.directive.name === "rewrite") add(located.directive.args[0] ?? "");
  return out;
}

/** Variables in `value` that carry the decoded URI where `located` reads them: $uri, $document_uri and such captures. */
export function decodedUriVariables(value: string, located: Located): string[] {
  const captures = decodedUriCaptures(located);
  return [...new Set(variablesIn(value).filter((v) => (isDecodedUri(v) && !isInternal(located.ancestors)) || captures.has(v)))];
}

/**
 * Calls `visit` with each character of a PCRE pattern from offset `from` that is neither escaped nor
 * inside a [...] class (a "[" that opens one is not reported either); stops when `visit` returns true.
 */
function scanSyntax(pattern: string, from: number, visit: (c: string, i: number) => boolean | void): void {
  let inClass = false;
  for (let i = from; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (visit(c, i) === true) return;
  }
}

/** Start offsets of the capturing groups of a PCRE pattern, in group order (named groups count; (?:...) and lookarounds don't). */
export function groupStarts(pattern: string): number[] {
  const out: number[] = [];
  scanSyntax(pattern, 0, (c, i) => {
    if (c === "(" && (pattern[i + 1] !== "?" || /^\?(P?<[A-Za-z_]|')/.test(pattern.slice(i + 1)))) out.push(i);
  });
  return out;
}

/** The text of the group opening at `start`, up to its closing parenthesis. */
export function groupBody(pattern: string, start: number): string {
  let depth = 0;
  let end = pattern.length;
  scanSyntax(pattern, start, (c, i) => {
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0) {
      end = i;
      return true;
    }
  });
  return pattern.slice(start + 1, end);
}

/** Whether a group body can match "..": an unescaped ".", a negated class, \S, \W, or a class with a dot. */
export function canMatchDots(body: string): boolean {
  return /(^|[^\\])\./.test(body.replace(/\[[^\]]*\]/g, "")) || /\[\^/.test(body) || /\\[SWD]/.test(body) || /\[[^\]]*\.[^\]]*\]/.test(body);
}

/**
 * Whether a group body can capture a line feed: PCRE's "." doesn't (without (?s)), but a negated
 * class ([^/]), \s, \W, \D, \v, \R, \n, (?s) or an escape-free class holding one do.
 */
export function canMatchNewline(body: string): boolean {
  return /\[\^(?![^\]]*\\n)/.test(body) || /\\[sWDvRnN]/.test(body.replace(/\\N/g, "")) || /\(\?[a-z]*s/.test(body) || /\[[^\]]*\\n[^\]]*\]/.test(body);
}

/** Numbered and named capture names of `pattern` whose group can hold a line feed. */
export function newlineCaptures(pattern: string): string[] {
  // An inline (?s) lets "." match a line feed from there on: count it wherever it stands.
  const global = /\(\?[a-z]*s[a-z]*\)/.test(pattern);
  return groupStarts(pattern).flatMap((start, i) => {
    const body = groupBody(pattern, start);
    if (!global && !canMatchNewline(body)) return [];
    const named = /^\?(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/.exec(body);
    return [...(i < 9 ? [String(i + 1)] : []), ...(named ? [(named[1] ?? named[2] ?? "").toLowerCase()] : [])];
  });
}
