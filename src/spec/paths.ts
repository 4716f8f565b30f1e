// Path logic for the spec's directories, on the strings alone (no file system, so no symlinks are
// followed and the answer is the same on every machine): what a static root or a host directory
// is, contains or sits inside.
import { posix } from "node:path";

/** `path` with `.`, `..`, repeated and trailing slashes resolved: /srv/../etc/ -> /etc, a/./b/ -> a/b. */
export function normalizeDir(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, "") : normal;
}

/** True when absolute `inner` is `outer` or lies under it (both normalised first). */
export function within(inner: string, outer: string): boolean {
  const [i, o] = [normalizeDir(inner), normalizeDir(outer)];
  return i === o || o === "/" || i.startsWith(`${o}/`);
}

/** How absolute `path` relates to absolute `dir`: it is it, contains it, is inside it, or neither. */
export function relation(path: string, dir: string): "is" | "contains" | "is inside" | null {
  const [p, d] = [normalizeDir(path), normalizeDir(dir)];
  if (p === d) return "is";
  if (within(d, p)) return "contains";
  if (within(p, d)) return "is inside";
  return null;
}

/** A path relative to the spec's directory, as an absolute path under a stand-in for that directory. */
const PROJECT = "/project";
export const inProject = (relative: string): string => posix.join(PROJECT, relative);

/** True when `relative` (to the spec's directory) resolves outside it: `..`, `../x`, `a/../../x`. */
export function outsideProject(relative: string): boolean {
  const normal = normalizeDir(relative);
  return normal === ".." || normal.startsWith("../");
}
