// The npm package as users get it: what `npm pack` puts in the tarball, and the build outputs it
// needs (dist/ and the reference backend's bundle), built here when a test runs before them.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { repoRoot } from "./run-cli.js";

export const BACKEND_BUNDLE = "deploy/backend/dist/server.mjs";

/** Builds the reference backend's bundle when it is missing (scripts/test builds dist/ before vitest). */
export async function ensureBackendBundle(): Promise<void> {
  if (!existsSync(join(repoRoot, BACKEND_BUNDLE))) await execa("npm", ["run", "-s", "build:backend"], { cwd: repoRoot });
}

/** The files `npm pack` would put in the tarball (paths inside the package), without running prepack. */
export async function packedFiles(): Promise<string[]> {
  await ensureBackendBundle();
  const { stdout } = await execa("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: repoRoot });
  const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  return pack!.files.map((f) => f.path).sort();
}

/** Packs the repository into `dir` (dist/ and the bundle as built) and returns the tarball's path. */
export async function packInto(dir: string): Promise<string> {
  await ensureBackendBundle();
  const { stdout } = await execa("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: repoRoot });
  const [pack] = JSON.parse(stdout) as Array<{ filename: string }>;
  return join(dir, pack!.filename);
}
