// The CLI's only window on the world: output streams and the spec file. Commands take an Io so
// tests can run them in-process; the real one is built in main.ts.
import { readFileSync } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";
import { formatDiagnostic, hasErrors, type Diagnostic } from "../diagnostics.js";
import type { ModelOptions } from "../model/header.js";
import { validateSpecText } from "../pipeline.js";
import type { Spec } from "../spec/schema.js";

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /**
   * A progress line for long work, on stderr: redrawn in place on a terminal, one line per update
   * otherwise; null clears it. Absent: no progress is shown.
   */
  progress?(text: string | null): void;
  cwd: string;
}

export interface SpecFile {
  path: string;
  name: string;
  text: string;
}

export function readSpecFile(io: Io, specPath: string): SpecFile | Diagnostic {
  const path = resolve(io.cwd, specPath);
  try {
    return { path, name: basename(path), text: readFileSync(path, "utf8") };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file (create one with `edgekit init`)" : (error as Error).message;
    return { severity: "error", code: "io", path: [], message: `cannot read the spec: ${reason}`, file: specPath };
  }
}

/**
 * The spec at `specPath`, read and validated (schema and rules); null after printing the
 * diagnostics when it can't be read or has errors. Warnings are left to the caller.
 */
export function loadValidSpec(io: Io, specPath: string): { spec: Spec; file: SpecFile } | null {
  const file = readSpecFile(io, specPath);
  const { diagnostics, spec } = "text" in file ? validateSpecText(file.text, specPath) : { diagnostics: [file], spec: undefined };
  if (!spec || !("text" in file) || hasErrors(diagnostics)) {
    printDiagnostics(io, diagnostics);
    return null;
  }
  return { spec, file };
}

export function modelOptions(spec: SpecFile, outDir: string): ModelOptions {
  const rel = relative(outDir, dirname(spec.path)).split("\\").join("/");
  return { specName: spec.name, specDirFromOutput: rel === "" ? "." : rel };
}

export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length > 0) io.err(`${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`);
}
