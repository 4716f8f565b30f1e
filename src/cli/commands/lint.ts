import { readdirSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Diagnostic } from "../../diagnostics.js";
import { CHECKS, lintText } from "../../lint/index.js";
import type { IncludeReader } from "../../nginx-syntax/parse.js";
import { EXIT } from "../exit-codes.js";
import { NGINX_CONFIG_MAX_BYTES, printDiagnostics, readBoundedText, type Io } from "../io.js";

export interface LintCommandOptions {
  json?: boolean;
  /** Follow `include` directives, resolving relative paths against this directory. */
  includeRoot?: string;
  /** Warnings fail the run too. */
  strict?: boolean;
}

/** The file system as the parser's include reader: paths as nginx names them, read from `cwd`. */
function includeReader(io: Io, root: string): IncludeReader {
  const at = (path: string): string => (isAbsolute(path) ? path : resolve(io.cwd, path));
  return {
    root,
    read(path) {
      const read = readBoundedText(at(path), NGINX_CONFIG_MAX_BYTES);
      return "text" in read ? read.text : undefined;
    },
    list(dir) {
      try {
        return readdirSync(at(dir));
      } catch {
        return undefined;
      }
    },
  };
}

export function lint(io: Io, file: string, options: LintCommandOptions): number {
  const read = readBoundedText(resolve(io.cwd, file), NGINX_CONFIG_MAX_BYTES);
  if (!("text" in read)) {
    // Labelled with the file, not "(spec)": lint reads an nginx config, not the spec.
    const unreadable: Diagnostic = { severity: "error", code: "io", path: [file], message: `cannot read the nginx config: ${read.problem}`, file };
    if (options.json) io.out(JSON.stringify({ ok: false, parsed: false, errors: 1, warnings: 0, diagnostics: [unreadable] }, null, 2));
    else printDiagnostics(io, [unreadable]);
    return EXIT.invalid;
  }

  const { diagnostics, parsed } = lintText(read.text, { file, ...(options.includeRoot !== undefined ? { includes: includeReader(io, options.includeRoot) } : {}) });
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const failed = errors > 0 || (options.strict === true && warnings > 0);

  if (options.json) {
    io.out(JSON.stringify({ ok: parsed && !failed, parsed, errors, warnings, diagnostics }, null, 2));
  } else {
    printDiagnostics(io, diagnostics);
    if (parsed && diagnostics.length === 0) io.out(`${file}: no findings (${CHECKS.length} checks)`);
  }
  if (!parsed) return EXIT.invalid;
  return failed ? EXIT.failed : EXIT.ok;
}
