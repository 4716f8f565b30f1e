// Names derived from route paths for nginx variables and internal locations: stable when routes
// are reordered, unique per spec (a suffix tells apart paths that slug alike).
import type { Route } from "../spec/schema.js";

/** One slug per route ([a-z0-9_], at most 48 characters), in route order. */
export function routeSlugs(routes: readonly Route[]): string[] {
  const used = new Set<string>();
  return routes.map((route) => {
    const slug = route.path.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "root";
    const base = `${slug}${route.match === "exact" ? "_exact" : ""}`.slice(0, 44);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return name;
  });
}
