// The CLI's only window on the world: output streams and the spec file. Commands take an Io so
// tests can run them in-process; the real one is built in main.ts.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
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

/** The largest spec read: a real one is a few KiB; one of 10 MB took a minute and 600 MB. */
export const SPEC_MAX_BYTES = 1024 * 1024;
/** The largest nginx config file lint reads (each file, includes too). */
export const NGINX_CONFIG_MAX_BYTES = 16 * 1024 * 1024;

/**
 * A regular file's text, read up to `limit` bytes: a device (/dev/zero), a FIFO or a directory is
 * refused without reading it, and a larger file is refused at the limit. Errors are one-line reasons.
 */
export function readBoundedText(path: string, limit: number): { text: string } | { problem: string } {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return { problem: e.code === "ENOENT" ? "no such file" : e.message };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: `not a regular file (${stat.isDirectory() ? "a directory" : stat.isFIFO() ? "a FIFO" : "a device or socket"})` };
    const tooLarge = { problem: `larger than the limit of ${formatBytes(limit)}` };
    if (stat.size > limit) return tooLarge;
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length <= limit; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > limit) return tooLarge; // it grew while being read
    return { text: buffer.toString("utf8", 0, length) };
  } catch (error) {
    return { problem: (error as Error).message };
  } finally {
    closeSync(fd);
  }
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
}

export function readSpecFile(io: Io, specPath: string): SpecFile | Diagnostic {
  const path = resolve(io.cwd, specPath);
  const read = readBoundedText(path, SPEC_MAX_BYTES);
  if ("text" in read) return { path, name: basename(path), text: read.text };
  const reason = read.problem === "no such file" ? "no such file (create one with `edgekit init`)" : read.problem;
  return { severity: "error", code: "io", path: [], message: `cannot read the spec: ${reason}`, file: specPath };
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
