// An exact nginx config parser: the same tokenizer rules as nginx's ngx_conf_read_token, giving a
// tree of directives with positions. Pure: files named by `include` are read through functions the
// caller passes in. Errors are diagnostics; like nginx, parsing stops at the first syntax error.
import { isAbsolute, join } from "node:path";
import type { Diagnostic } from "../diagnostics.js";

export interface Directive {
  name: string;
  /** Arguments as nginx sees them: quotes removed, `\"` `\'` `\\` `\t` `\r` `\n` unescaped. */
  args: string[];
  line: number;
  column: number;
  /** Present for block directives (`http { ... }`), empty for `{}`. */
  block?: Directive[];
  /** The file the directive came from, set only for directives read through `include`. */
  file?: string;
}

/** How `include` is followed: paths resolve against `root` (nginx's conf prefix). */
export interface IncludeReader {
  root: string;
  /** The file's text, or undefined if it does not exist or cannot be read. */
  read(path: string): string | undefined;
  /** Entry names in a directory (for glob patterns), or undefined if it is not one. */
  list(dir: string): string[] | undefined;
}

export interface ParseOptions {
  /** Name used in diagnostics. */
  file?: string;
  /** Follow `include` directives; without it they stay plain directives. */
  includes?: IncludeReader;
}

export interface ParseResult {
  tree: Directive[];
  /** Syntax errors (code `nginx-syntax`) and include warnings (code `include`). */
  diagnostics: Diagnostic[];
}

export const SYNTAX = "nginx-syntax";
export const INCLUDE = "include";
const MAX_INCLUDE_DEPTH = 32;
/** NGX_CONF_BUFFER: nginx's read buffer for config files; a word as long fails `nginx -t`. */
const CONF_BUFFER = 4096;

interface Word {
  value: string;
  line: number;
  column: number;
}

interface Frame {
  directive: Directive | undefined;
  children: Directive[];
}

interface Session {
  options: ParseOptions;
  diagnostics: Diagnostic[];
  /** Files being parsed, outermost first: an include of one of them is a cycle. */
  stack: string[];
  /** Set by the first syntax error anywhere: nginx stops there, and so do we. */
  failed: boolean;
}

export function parseNginxConfig(text: string, options: ParseOptions = {}): ParseResult {
  const session: Session = { options, diagnostics: [], stack: [options.file ?? "nginx.conf"], failed: false };
  const tree = parseFile(text, options.file ?? "nginx.conf", [], session);
  return { tree, diagnostics: session.diagnostics };
}

/** True when parsing failed: the tree is incomplete and checks should not run on it. */
export function hasSyntaxErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error" && (d.code === SYNTAX || d.code === INCLUDE));
}

function isSpace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
}

/** nginx's unescaping, applied to every word (quoted or not): other backslashes stay. */
export function unescapeWord(raw: string): string {
  if (!raw.includes("\\")) return raw;
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    const next = raw[i + 1];
    if (ch === "\\" && next !== undefined) {
      if (next === '"' || next === "'" || next === "\\") {
        out += next;
        i++;
        continue;
      }
      if (next === "t" || next === "r" || next === "n") {
        out += next === "t" ? "\t" : next === "r" ? "\r" : "\n";
        i++;
        continue;
      }
    }
    out += ch;
  }
  return out;
}

/** `location /static/` or `if ($a = "b c")`: how a block is named in a diagnostic's path. */
export function blockLabel(d: Directive): string {
  const args = d.args.map((a) => (a === "" || /[\s"]/.test(a) ? JSON.stringify(a) : a));
  // nginx splits `"b c")` into two words; print the condition as it was written.
  return [d.name, ...args].join(" ").replace(/ \)$/, ")");
}

/** The open blocks (after those around the include) as a diagnostic path; `main` at the top. */
function contextPath(base: readonly string[], stack: readonly Frame[]): string[] {
  const path = [...base, ...stack.slice(1).map((f) => blockLabel(f.directive!))];
  return path.length === 0 ? ["main"] : path;
}

/** Parses one file; `base` is the context of the include that names it ([] for the main file). */
function parseFile(text: string, file: string, base: readonly string[], session: Session): Directive[] {
  const included = session.stack.length > 1;
  const root: Frame = { directive: undefined, children: [] };
  const stack: Frame[] = [root];
  const error = (line: number, column: number, message: string): Directive[] => {
    session.failed = true;
    session.diagnostics.push({
      severity: "error",
      code: SYNTAX,
      path: contextPath(base, stack),
      message,
      file,
      position: { line, column },
    });
    return [];
  };

  let words: Word[] = [];
  let start = 0;
  let startLine = 1;
  let startColumn = 1;
  let lastSpace = true;
  let needSpace = false;
  let sQuoted = false;
  let dQuoted = false;
  let quoted = false;
  let variable = false;
  let sharp = false;
  let line = 1;
  let column = 0;
  /** A `*_by_lua_block {` just opened: its body is Lua, skipped as one opaque block. */
  let luaBlock: Directive | undefined;

  const emit = (kind: ";" | "{"): void => {
    const [head, ...rest] = words;
    const directive: Directive = { name: head!.value, args: rest.map((w) => w.value), line: head!.line, column: head!.column };
    if (included) directive.file = file;
    if (kind === "{") directive.block = [];
    stack.at(-1)!.children.push(directive);
    if (directive.block) {
      stack.push({ directive, children: directive.block });
      if (directive.name.endsWith("_by_lua_block")) luaBlock = directive;
    } else if (directive.name === "include" && session.options.includes) includeInto(directive, stack.at(-1)!.children, contextPath(base, stack), session);
    words = [];
  };

  if (text.startsWith("\uFEFF")) {
    const name = /^\uFEFF([^\s;{]*)/.exec(text)![1];
    return error(1, 1, `unknown directive "<BOM>${name}" (nginx -t fails so): the file starts with a UTF-8 byte order mark (EF BB BF), which nginx reads as part of the first directive; save the file as UTF-8 without a BOM`);
  }
  const byteAt = byteOffsets(text);

  for (let i = 0; i < text.length && !session.failed; i++) {
    // nginx reads a file in 4096-byte buffers and a word (or comment) must fit in one.
    if ((!lastSpace || sharp) && i - start >= CONF_BUFFER / 3 && byteAt(i) - byteAt(start) >= CONF_BUFFER) {
      return error(
        startLine,
        startColumn,
        dQuoted || sQuoted
          ? `too long parameter, probably missing terminating "${dQuoted ? '"' : "'"}" character (nginx reads words of up to ${CONF_BUFFER - 1} bytes)`
          : `too long parameter "${text.slice(start, start + 10)}..." started: nginx reads words (and comments) of up to ${CONF_BUFFER - 1} bytes`,
      );
    }
    if (luaBlock) {
      const end = luaBlockEnd(text, i);
      if (end === -1) return error(luaBlock.line, luaBlock.column, `unbalanced braces: "${blockLabel(luaBlock)} {" is never closed`);
      const body = text.slice(i, end + 1);
      const newlines = body.split("\n").length - 1;
      line += newlines;
      column = newlines > 0 ? body.length - body.lastIndexOf("\n") - 1 : column + body.length;
      stack.pop();
      luaBlock = undefined;
      lastSpace = true;
      i = end;
      continue;
    }
    const ch = text[i]!;
    if (ch === "\n") {
      line++;
      column = 0;
      sharp = false;
    } else {
      column++;
    }
    if (sharp) continue;
    if (quoted) {
      quoted = false;
      continue;
    }
    if (needSpace) {
      if (isSpace(ch)) {
        lastSpace = true;
        needSpace = false;
        continue;
      }
      if (ch === ";" || ch === "{") {
        needSpace = false;
        lastSpace = true;
        emit(ch);
        continue;
      }
      if (ch !== ")") return error(line, column, `unexpected "${ch}" right after a quoted string; separate arguments with a space`);
      lastSpace = true;
      needSpace = false;
    }
    if (lastSpace) {
      start = i;
      startLine = line;
      startColumn = column;
      if (isSpace(ch)) continue;
      switch (ch) {
        case ";":
        case "{":
          if (words.length === 0) return error(line, column, `unexpected "${ch}" with no directive name before it`);
          emit(ch);
          continue;
        case "}": {
          if (words.length !== 0) return error(line, column, `unexpected "}": directive "${words[0]!.value}" is missing its ";"`);
          if (stack.length === 1) return error(line, column, `unbalanced braces: "}" closes no open block`);
          stack.pop();
          continue;
        }
        case "#":
          sharp = true;
          continue;
        case "\\":
          quoted = true;
          lastSpace = false;
          continue;
        case '"':
          start++;
          dQuoted = true;
          lastSpace = false;
          continue;
        case "'":
          start++;
          sQuoted = true;
          lastSpace = false;
          continue;
        case "$":
          variable = true;
          lastSpace = false;
          continue;
        default:
          lastSpace = false;
      }
    } else {
      // `${name}`: a brace right after `$` belongs to the word.
      if (ch === "{" && variable) continue;
      variable = false;
      if (ch === "\\") {
        quoted = true;
        continue;
      }
      if (ch === "$") {
        variable = true;
        continue;
      }
      let found = false;
      if (dQuoted) {
        if (ch === '"') {
          dQuoted = false;
          needSpace = true;
          found = true;
        }
      } else if (sQuoted) {
        if (ch === "'") {
          sQuoted = false;
          needSpace = true;
          found = true;
        }
      } else if (isSpace(ch) || ch === ";" || ch === "{") {
        lastSpace = true;
        found = true;
      }
      if (found) {
        words.push({ value: unescapeWord(text.slice(start, i)), line: startLine, column: startColumn });
        if (ch === ";" || ch === "{") emit(ch);
      }
    }
  }

  if (session.failed) return [];
  if (dQuoted || sQuoted) return error(startLine, startColumn, `unterminated ${dQuoted ? "double" : "single"}-quoted string`);
  if (words.length > 0 || !lastSpace) {
    const first = words[0] ?? { value: text.slice(start).trim(), line: startLine, column: startColumn };
    return error(first.line, first.column, `unexpected end of file: directive "${first.value}" is missing its ";"`);
  }
  if (stack.length > 1) {
    const open = stack.at(-1)!.directive!;
    return error(open.line, open.column, `unbalanced braces: "${blockLabel(open)} {" is never closed`);
  }
  return root.children;
}

/** The UTF-8 byte offset of each UTF-16 index of `text` (nginx counts bytes). */
function byteOffsets(text: string): (index: number) => number {
  if (!/[^\x00-\x7f]/.test(text)) return (index) => index;
  const offsets = new Uint32Array(text.length + 1);
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    offsets[i] = bytes;
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00) bytes += 4; // a surrogate pair: 4 bytes, counted on its first half
    else if (unit >= 0xdc00 && unit < 0xe000) bytes += 0;
    else bytes += 3;
  }
  offsets[text.length] = bytes;
  return (index) => offsets[index]!;
}

/**
 * Where the Lua body starting at `from` ends: the index of its closing `}`, found by counting braces
 * outside Lua strings and comments (as OpenResty's own reader does), or -1 if it never closes.
 */
export function luaBlockEnd(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    const long = ch === "[" ? /^\[(=*)\[/.exec(text.slice(i, i + 64)) : null;
    if (ch === "-" && text[i + 1] === "-") {
      const comment = /^\[(=*)\[/.exec(text.slice(i + 2, i + 66));
      const close = comment ? text.indexOf(`]${comment[1]}]`, i + 2) : text.indexOf("\n", i);
      if (close === -1) return -1;
      i = comment ? close + comment[1]!.length + 1 : close;
    } else if (long) {
      const close = text.indexOf(`]${long[1]}]`, i);
      if (close === -1) return -1;
      i = close + long[1]!.length + 1;
    } else if (ch === '"' || ch === "'") {
      for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === "\\") i++;
      if (i >= text.length) return -1;
    } else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}

/** Splices the included files' directives in after the `include` directive, as nginx does. */
function includeInto(directive: Directive, into: Directive[], path: string[], session: Session): void {
  const reader = session.options.includes!;
  const file = directive.file ?? session.options.file ?? "nginx.conf";
  const warn = (message: string, severity: "error" | "warning" = "warning"): void => {
    if (severity === "error") session.failed = true;
    session.diagnostics.push({ severity, code: INCLUDE, path, message, file, position: { line: directive.line, column: directive.column } });
  };
  const target = directive.args[0];
  if (directive.args.length !== 1 || target === undefined) return;
  const resolved = isAbsolute(target) ? target : join(reader.root, target);
  const files = /[*?[]/.test(resolved) ? expandGlob(resolved, reader) : [resolved];
  for (const name of files) {
    if (session.stack.includes(name)) return warn(`include cycle: ${[...session.stack, name].join(" -> ")}`, "error");
    if (session.stack.length > MAX_INCLUDE_DEPTH) return warn(`includes nested deeper than ${MAX_INCLUDE_DEPTH} levels`, "error");
    const text = reader.read(name);
    if (text === undefined) {
      warn(`included file ${name} cannot be read; its directives were not checked`);
      continue;
    }
    session.stack.push(name);
    into.push(...parseFile(text, name, path[0] === "main" ? [] : path, session));
    session.stack.pop();
  }
}

/** glob(3) as nginx uses it: `*`, `?` and `[...]` within one path segment, sorted, no dot files. */
export function expandGlob(pattern: string, reader: Pick<IncludeReader, "list">): string[] {
  const absolute = pattern.startsWith("/");
  const segments = pattern.split("/").filter((s) => s !== "");
  let candidates = [absolute ? "/" : ""];
  for (const segment of segments) {
    if (!/[*?[]/.test(segment)) {
      candidates = candidates.map((c) => (c === "" ? segment : join(c, segment)));
      continue;
    }
    const matcher = globSegment(segment);
    candidates = candidates.flatMap((dir) =>
      (reader.list(dir === "" ? "." : dir) ?? [])
        .filter((name) => matcher.test(name) && (segment.startsWith(".") || !name.startsWith(".")))
        .map((name) => (dir === "" ? name : join(dir, name))),
    );
  }
  return candidates.filter((c) => c !== "" && c !== "/").sort();
}

/** A glob bracket body as a RegExp class body; a range whose ends are out of order matches nothing, as in glob(3). */
function bracketSet(body: string): string {
  const escape = (c: string): string => c.replace(/[\\\]^-]/g, "\\$&");
  let out = "";
  for (let j = 0; j < body.length; j++) {
    const lo = body[j]!;
    if (body[j + 1] === "-" && j + 2 < body.length) {
      const hi = body[j + 2]!;
      if (lo <= hi) out += `${escape(lo)}-${escape(hi)}`;
      j += 2;
    } else out += escape(lo);
  }
  return out;
}

function globSegment(segment: string): RegExp {
  let source = "";
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch === "*") source += "[^/]*";
    else if (ch === "?") source += "[^/]";
    else if (ch === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end === -1) source += "\\[";
      else {
        const body = segment.slice(i + 1, end);
        const negated = body.startsWith("!");
        const set = bracketSet(negated ? body.slice(1) : body);
        // An empty set matches nothing (glob(3) drops a range such as z-a); negated, any character.
        source += set === "" ? (negated ? "[^/]" : "(?!)") : `[${negated ? "^" : ""}${set}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

