// Stage 6 (I/O): compare rendered files with the disk and write them atomically. Nothing is
// changed unless every file can be: temp files are written first, then renamed into place with the
// old files kept aside, and any failure puts everything back as it was.
import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { GENERATED_MARKER } from "../model/header.js";
import type { RenderedFile } from "../targets/index.js";

export type FileStatus = "create" | "update" | "unchanged";

export interface PlannedFile extends RenderedFile {
  status: FileStatus;
  /** An existing file without the generated-by header: someone's own file. */
  handWritten: boolean;
  previous: string | null;
}

/** A write problem with the file it concerns, for a one-line CLI message. */
export class WriteError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

export function planWrites(files: readonly RenderedFile[], outDir: string): PlannedFile[] {
  return files.map((file) => {
    const previous = readOrNull(join(outDir, file.path), file.path);
    const status: FileStatus = previous === null ? "create" : previous === file.content ? "unchanged" : "update";
    const handWritten = previous !== null && !previous.split("\n").slice(0, 5).some((line) => line.includes(GENERATED_MARKER));
    return { ...file, status, handWritten, previous };
  });
}

/** Writes every changed file or none. On failure the output directory is left as it was. */
export function commitWrites(plan: readonly PlannedFile[], outDir: string): void {
  const pending = plan.filter((f) => f.status !== "unchanged");
  const suffix = `.edgekit-${process.pid}`;
  const createdDirs: string[] = [];
  const staged: { path: string; target: string; temp: string; backup: string | null }[] = [];
  const installed: typeof staged = [];

  const rollback = () => {
    for (const step of [...installed].reverse()) {
      rmSync(step.target, { force: true });
      if (step.backup) renameSync(step.backup, step.target);
    }
    for (const step of staged) rmSync(step.temp, { force: true });
    for (const dir of createdDirs.reverse()) tryRmdir(dir);
  };

  let current = outDir;
  try {
    for (const file of pending) {
      current = file.path;
      const target = join(outDir, file.path);
      for (const dir of missingDirs(dirname(target))) {
        mkdirSync(dir);
        createdDirs.push(dir);
      }
      const temp = `${target}${suffix}.tmp`;
      staged.push({ path: file.path, target, temp, backup: null });
      writeFileSync(temp, file.content, { mode: 0o644 });
    }
    for (const step of staged) {
      current = step.path;
      if (existsSync(step.target)) {
        step.backup = `${step.target}${suffix}.bak`;
        renameSync(step.target, step.backup);
      }
      installed.push(step);
      renameSync(step.temp, step.target);
    }
  } catch (error) {
    rollback();
    throw new WriteError(current, describeFsError(error));
  }
  for (const step of installed) if (step.backup) rmSync(step.backup, { force: true });
}

/** A minimal unified-style diff: enough for --dry-run and --check to show what changed. */
export function describeChange(file: PlannedFile, maxLines = 40): string[] {
  if (file.status === "create") return [`+++ ${file.path} (new, ${file.content.split("\n").length - 1} lines)`];
  if (file.status === "unchanged" || file.previous === null) return [];
  const before = file.previous.split("\n");
  const after = file.content.split("\n");
  const out = [`--- ${file.path}`, `+++ ${file.path}`];
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endB = before.length - 1;
  let endA = after.length - 1;
  while (endB >= start && endA >= start && before[endB] === after[endA]) {
    endB--;
    endA--;
  }
  out.push(`@@ line ${start + 1} @@`);
  for (const line of before.slice(start, endB + 1)) out.push(`-${line}`);
  for (const line of after.slice(start, endA + 1)) out.push(`+${line}`);
  return out.length > maxLines + 3 ? [...out.slice(0, maxLines + 3), `... (${out.length - maxLines - 3} more lines)`] : out;
}

function readOrNull(path: string, label: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new WriteError(label, `cannot read the existing file (${describeFsError(error)})`);
  }
}

function missingDirs(dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
  return missing;
}

function tryRmdir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty or already gone: leave it
  }
}

function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const hints: Record<string, string> = { EISDIR: "it is a directory", EACCES: "permission denied", EROFS: "read-only file system", ENOSPC: "no space left", ENOTDIR: "a parent is not a directory" };
  return e.code && hints[e.code] ? `${hints[e.code]} (${e.code})` : (e.message ?? String(error));
}
