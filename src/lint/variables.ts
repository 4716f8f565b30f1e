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

/** Splits a proxy_pass URL into the part that picks the server and the URI part. */
export function splitProxyUrl(url: string): { host: string; uri: string } {
  const scheme = /^[A-Za-z0-9_${}]+:\/\//.exec(url);
  const rest = scheme ? url.slice(scheme[0].length) : url;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "/") return { host: rest.slice(0, i), uri: rest.slice(i) };
    if (rest[i] === "$" && i > 0) {
      // $request_uri and friends start with "/": after a host they begin the URI part.
      const [name] = variablesIn(rest.slice(i));
      if (name === "request_uri" || name === "uri" || name === "document_uri") return { host: rest.slice(0, i), uri: rest.slice(i) };
    }
  }
  return { host: rest, uri: "" };
}

export function isIfCondition(block: Directive, variable: string): boolean {
  return block.name === "if" && block.args.some((a) => variablesIn(a).includes(variable));
}
