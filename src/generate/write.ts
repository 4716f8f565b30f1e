// Stage 6 (I/O): compare rendered files with the disk and write them atomically. Nothing is
// written unless every file can be: all temp files are written first, then renamed into place.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { GENERATED_MARKER } from "../model/header.js";
import type { RenderedFile } from "../render/index.js";

export type FileStatus = "create" | "update" | "unchanged";

export interface PlannedFile extends RenderedFile {
  status: FileStatus;
  /** An existing file without the generated-by header: someone's own file. */
  handWritten: boolean;
  previous: string | null;
}

export function planWrites(files: readonly RenderedFile[], outDir: string): PlannedFile[] {
  return files.map((file) => {
    const previous = readOrNull(join(outDir, file.path));
    const status: FileStatus = previous === null ? "create" : previous === file.content ? "unchanged" : "update";
    const handWritten = previous !== null && !previous.split("\n").slice(0, 5).some((line) => line.includes(GENERATED_MARKER));
    return { ...file, status, handWritten, previous };
  });
}

/** Writes every changed file or none: temp files beside their targets, then renames. */
export function commitWrites(plan: readonly PlannedFile[], outDir: string): void {
  const pending = plan.filter((f) => f.status !== "unchanged");
  const temps: { temp: string; target: string }[] = [];
  try {
    for (const file of pending) {
      const target = join(outDir, file.path);
      mkdirSync(dirname(target), { recursive: true });
      const temp = `${target}.edgekit-${process.pid}.tmp`;
      writeFileSync(temp, file.content, { mode: 0o644 });
      temps.push({ temp, target });
    }
  } catch (error) {
    for (const { temp } of temps) rmSync(temp, { force: true });
    throw error;
  }
  for (const { temp, target } of temps) renameSync(temp, target);
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

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
