// Runs the real CLI (bin/edgekit.js, which imports the compiled dist/) in a child process, plus the
// temp-dir and file-tree helpers the CLI tests share. No mocks: exit code, stdout and stderr are
// whatever the binary really produces.
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { onTestFinished } from "vitest";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const binPath = join(repoRoot, "bin", "edgekit.js");
const compiledMain = join(repoRoot, "dist", "cli", "main.js");

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Extra arguments for node itself, placed before the script (e.g. --import a fault injector). */
  nodeArgs?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** `node bin/edgekit.js ...args` in `cwd`; never throws on a non-zero exit. */
export async function runCli(args: readonly string[], options: RunOptions): Promise<CliResult> {
  if (!existsSync(compiledMain)) {
    throw new Error(
      `${compiledMain} is missing: bin/edgekit.js runs the compiled CLI. Build it first with \`npx tsc -p tsconfig.build.json\` (scripts/test does this before vitest).`,
    );
  }
  // process.execPath: the same Node (24) that runs vitest, whatever `node` is first on PATH.
  const result = await execa(process.execPath, [...(options.nodeArgs ?? []), binPath, ...args], {
    cwd: options.cwd,
    reject: false,
    env: { NO_COLOR: "1", ...options.env },
    timeout: options.timeoutMs ?? 20_000,
    stdin: "ignore",
  });
  if (result.timedOut) throw new Error(`edgekit ${args.join(" ")} timed out`);
  if (typeof result.exitCode !== "number") throw new Error(`edgekit ${args.join(" ")} did not exit normally: ${result.message}`);
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A fresh directory under the OS temp dir, removed when the current test finishes (pass or fail). */
export function tempDir(prefix = "edgekit-cli-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` at `dir/relPath`, creating parent directories. Returns the absolute path. */
export function writeFile(dir: string, relPath: string, content: string | Buffer): string {
  const path = join(dir, relPath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

export function readText(dir: string, relPath: string): string {
  return readFileSync(join(dir, relPath), "utf8");
}

export interface TreeEntry {
  kind: "file" | "dir" | "symlink" | "other";
  /** Exact bytes (files only), base64 so that toEqual compares them byte for byte. */
  bytes?: string;
  mtimeMs?: number;
  mode: number;
}

/** Every entry under `root` (relative POSIX paths, sorted) with its type, mode, mtime and exact bytes. */
export function snapshotTree(root: string): Record<string, TreeEntry> {
  const out: Record<string, TreeEntry> = {};
  const walk = (rel: string): void => {
    const abs = rel === "" ? root : join(root, rel);
    for (const name of readdirSync(abs).sort()) {
      const childRel = rel === "" ? name : `${rel}/${name}`;
      const childAbs = join(root, childRel);
      const st = lstatSync(childAbs);
      if (st.isDirectory()) {
        out[childRel] = { kind: "dir", mode: st.mode };
        walk(childRel);
      } else if (st.isFile()) {
        out[childRel] = { kind: "file", mode: st.mode, mtimeMs: st.mtimeMs, bytes: readFileSync(childAbs).toString("base64") };
      } else {
        out[childRel] = { kind: st.isSymbolicLink() ? "symlink" : "other", mode: st.mode };
      }
    }
  };
  walk("");
  return out;
}

/** Relative paths of every entry under `root`, sorted. */
export function listTree(root: string): string[] {
  return Object.keys(snapshotTree(root)).sort();
}

/** The smallest valid spec: everything else defaults. */
export const MINIMAL_SPEC = "domain: app.example.com\nupstreams: {app: {servers: [{host: backend}]}}\n";

/** The files `generate` writes for a spec with metrics enabled (the default). */
export const GENERATED_FILES = ["nginx/nginx.conf", "docker-compose.prod.yml", "prometheus.yml"] as const;
