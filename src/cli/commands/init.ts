import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { nextSteps, PACKAGE_ROOT, scaffold, type ScaffoldFile } from "../../init/scaffold.js";
import { hostname } from "../../spec/values.js";
import { EXIT } from "../exit-codes.js";
import type { Io } from "../io.js";

export interface InitOptions {
  /** The spec's path, relative to the project directory. */
  out: string;
  /** The project directory (default: the current one). */
  dir?: string;
  domain: string;
  force?: boolean;
}

/** A spec path that is safe to write into the CI workflow and the listing: plain relative segments. */
const SPEC_PATH = /^(?:[A-Za-z0-9_][A-Za-z0-9._-]*\/)*[A-Za-z0-9_][A-Za-z0-9._-]*\.ya?ml$/;

/**
 * How the operator runs edgekit in that directory: `npx edgekit` when this package is installed in
 * the project's node_modules (or is the project), else the launcher's path.
 */
function commandFor(projectDir: string): string {
  const fromProject = relative(projectDir, PACKAGE_ROOT).split(sep).join("/");
  if (fromProject === "" || /(^|\/)node_modules\/edgekit\/?$/.test(fromProject)) return "npx edgekit";
  return `node ${join(PACKAGE_ROOT, "bin", "edgekit.js")}`;
}

export function init(io: Io, options: InitOptions): number {
  if (!hostname().safeParse(options.domain).success) {
    io.err(`--domain must be a lower-case DNS name such as example.com; got ${JSON.stringify(options.domain)}`);
    return EXIT.invalid;
  }
  if (!SPEC_PATH.test(options.out)) {
    io.err(`--out must be a relative path ending in .yaml or .yml, of letters, digits, '.', '_' and '-' (such as spec.yaml or edge/spec.yaml); got ${JSON.stringify(options.out)}`);
    return EXIT.invalid;
  }
  const dir = resolve(io.cwd, options.dir ?? ".");
  const command = commandFor(dir);
  const files = scaffold({ dir, specPath: options.out, domain: options.domain, command });

  // All or nothing: refuse before writing anything when a file exists, and name every one.
  const existing = files.filter((f) => existsSync(join(dir, f.path)));
  if (existing.length > 0 && !options.force) {
    for (const f of existing) io.err(`${f.path} already exists; use --force to replace it`);
    io.err(`init: wrote nothing (${existing.length} of ${files.length} files exist)`);
    return EXIT.failed;
  }
  writeAll(dir, files);

  const width = Math.max(...files.map((f) => f.path.length));
  for (const f of files) io.out(`wrote ${f.path.padEnd(width)}  ${f.purpose}`);
  const where = relative(io.cwd, dir);
  io.out(`\nnext steps${where ? ` (in ${where})` : ""}:`);
  for (const step of nextSteps({ specPath: options.out, command })) io.out(`  ${step}`);
  return EXIT.ok;
}

/** Each file through a temp name and a rename, so a kill never leaves a half-written file; temp files go on failure. */
function writeAll(dir: string, files: ScaffoldFile[]): void {
  const temps: string[] = [];
  try {
    for (const f of files) {
      const target = join(dir, f.path);
      if (isAbsolute(f.path) || relative(dir, target).startsWith("..")) throw new Error(`refusing to write outside ${dir}: ${f.path}`);
      mkdirSync(dirname(target), { recursive: true });
      const temp = `${target}.edgekit-${process.pid}.tmp`;
      temps.push(temp);
      writeFileSync(temp, f.content);
      chmodSync(temp, f.mode);
    }
    files.forEach((f, i) => renameSync(temps[i]!, join(dir, f.path)));
  } finally {
    for (const temp of temps) rmSync(temp, { force: true });
  }
}
