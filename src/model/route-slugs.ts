// Names derived from route paths for nginx variables and internal locations: stable when routes
// are reordered, unique per spec (a suffix tells apart paths that slug alike).
import type { Route } from "../spec/schema.js";

/**
 * nginx hashes variable names into buckets of variables_hash_bucket_size (64 bytes): a name of 47
 * characters fails the load ("could not build variables_hash"). Slugs stay short enough that
 * `edgekit_cors_<slug>_preflight` fits with room to spare.
 */
export const SLUG_MAX = 16;

/** One slug per route ([a-z0-9_], at most SLUG_MAX characters and a `_<n>` suffix), in route order. */
export function routeSlugs(routes: readonly Route[]): string[] {
  const used = new Set<string>();
  return routes.map((route) => {
    const slug = route.path.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "root";
    const full = `${slug}${route.match === "exact" ? "_exact" : ""}`;
    // Long paths keep their end (the part that tells /api/v1/users from /api/v1/orders).
    const base = full.length > SLUG_MAX ? full.slice(-SLUG_MAX).replace(/^_+/, "") : full;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return name;
  });
}
