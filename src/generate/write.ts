// Stage 6 (I/O): compare rendered files with the disk and write them atomically. Nothing is
// changed unless every file can be, and a kill at any instant (SIGKILL, power loss) never leaves an
// output missing or partial:
//   1. every new file is written to a temp name next to its target and fsynced; each old file gets a
//      hard link (`.bak`) for rolling back after an error. The targets are untouched so far.
//   2. a journal listing the renames is written atomically (temp, fsync, rename) in the output dir.
//   3. each temp file is renamed over its target (rename(2) replaces a file atomically, so a target
//      is always the old or the new file, never absent), the directories are fsynced, and the journal
//      and the backups are removed.
// A run killed before step 2 leaves the old set plus temp files; one killed after it leaves the
// journal. The next run calls recoverInterrupted() first: it rolls a journal forward (renames the
// temp files still there) and removes what dead runs left, so the set is then all new.
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
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

/** The journal of renames a generate run is performing, in the output directory. */
export const JOURNAL_NAME = ".edgekit-generate.journal";

interface Journal {
  version: 1;
  /** Paths relative to the output directory. */
  renames: { temp: string; target: string }[];
  backups: string[];
}

export interface Recovery {
  /** Renames completed from an interrupted run's journal. */
  rolledForward: string[];
  /** Temp, backup and journal files of dead runs that were removed. */
  removed: string[];
}

/** Whether an interrupted run left a journal in outDir (for --check and --dry-run, which must not write). */
export function hasJournal(outDir: string): boolean {
  return existsSync(join(outDir, JOURNAL_NAME));
}

/**
 * Finishes what an interrupted generate left in outDir: rolls its journal forward and removes the
 * temp and backup files of runs that are no longer alive, next to every file in `files`.
 */
export function recoverInterrupted(outDir: string, files: readonly RenderedFile[]): Recovery {
  const recovery: Recovery = { rolledForward: [], removed: [] };
  const journalPath = join(outDir, JOURNAL_NAME);
  try {
    if (existsSync(journalPath)) {
      const journal = JSON.parse(readFileSync(journalPath, "utf8")) as Journal;
      const dirs = new Set<string>();
      for (const { temp, target } of journal.renames) {
        const tempPath = join(outDir, temp);
        if (!existsSync(tempPath)) continue; // renamed before the kill
        renameSync(tempPath, join(outDir, target));
        dirs.add(dirname(join(outDir, target)));
        recovery.rolledForward.push(target);
      }
      for (const dir of dirs) fsyncDir(dir);
      for (const backup of journal.backups) {
        if (existsSync(join(outDir, backup))) recovery.removed.push(backup);
        rmSync(join(outDir, backup), { force: true });
      }
      rmSync(journalPath);
      fsyncDir(outDir);
    }
    const leftovers = new Map<string, Set<string>>([[outDir, new Set([JOURNAL_NAME])]]);
    for (const file of files) {
      const dir = dirname(join(outDir, file.path));
      if (!leftovers.has(dir)) leftovers.set(dir, new Set());
      leftovers.get(dir)!.add(basename(file.path));
    }
    for (const [dir, names] of leftovers) {
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch {
        continue; // the directory does not exist yet
      }
      for (const entry of entries) {
        const match = /^(.+)\.edgekit-(\d+)\.(?:tmp|bak)$/.exec(entry);
        if (!match || !names.has(match[1]!) || processAlive(Number(match[2]))) continue;
        rmSync(join(dir, entry), { force: true });
        recovery.removed.push(join(dir, entry).slice(outDir.length + 1));
      }
    }
  } catch (error) {
    throw new WriteError(JOURNAL_NAME, `cannot finish the interrupted generate (${describeFsError(error)})`);
  }
  return recovery;
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
  if (pending.length === 0) return;
  const suffix = `.edgekit-${process.pid}`;
  const journalPath = join(outDir, JOURNAL_NAME);
  const createdDirs: string[] = [];
  const staged: { path: string; target: string; temp: string; backup: string | null }[] = [];
  const installed: typeof staged = [];
  let journalWritten = false;

  const rollback = () => {
    for (const step of [...installed].reverse()) {
      if (step.backup) renameSync(step.backup, step.target);
      else rmSync(step.target, { force: true });
    }
    for (const step of staged) {
      rmSync(step.temp, { force: true });
      if (step.backup) rmSync(step.backup, { force: true });
    }
    if (journalWritten) rmSync(journalPath, { force: true });
    rmSync(`${journalPath}${suffix}.tmp`, { force: true });
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
      const step = { path: file.path, target, temp: `${target}${suffix}.tmp`, backup: null as string | null };
      staged.push(step);
      writeFileSync(step.temp, file.content, { mode: 0o644 });
      fsyncFile(step.temp);
      if (file.status === "update") {
        step.backup = `${target}${suffix}.bak`;
        linkOrCopy(target, step.backup);
      }
    }
    const dirs = new Set(staged.map((step) => dirname(step.target)));
    for (const dir of dirs) fsyncDir(dir);

    current = JOURNAL_NAME;
    const relative = (path: string) => path.slice(outDir.length + 1);
    const journal: Journal = {
      version: 1,
      renames: staged.map((step) => ({ temp: relative(step.temp), target: relative(step.target) })),
      backups: staged.flatMap((step) => (step.backup ? [relative(step.backup)] : [])),
    };
    const journalTemp = `${journalPath}${suffix}.tmp`;
    writeFileSync(journalTemp, `${JSON.stringify(journal)}\n`, { mode: 0o644 });
    fsyncFile(journalTemp);
    renameSync(journalTemp, journalPath);
    journalWritten = true;
    fsyncDir(outDir);

    for (const step of staged) {
      current = step.path;
      installed.push(step);
      renameSync(step.temp, step.target);
    }
    for (const dir of dirs) fsyncDir(dir);
  } catch (error) {
    rollback();
    throw new WriteError(current, describeFsError(error));
  }
  rmSync(journalPath, { force: true });
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

function fsyncFile(path: string): void {
  const fd = openSync(path, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes the renames and creations in a directory durable (a no-op where directories can't be opened). */
function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // some file systems refuse fsync on a directory: the rename is still atomic
  } finally {
    closeSync(fd);
  }
}

/** A second name for the old file, so a failed run can put it back without ever removing the target. */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** Whether a process with this id still runs (its temp files may be in use). */
function processAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
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
