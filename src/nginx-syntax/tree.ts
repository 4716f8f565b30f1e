// Read-only views of a parsed config that checks share: every directive with the blocks around it,
// nginx's configuration levels (how http/server/location/if inherit), variables, maps and upstreams.
import { blockLabel, type Directive } from "./parse.js";

/** A directive and the blocks around it, outermost first. */
export interface Located {
  directive: Directive;
  ancestors: readonly Directive[];
}

/** Blocks whose settings nested blocks inherit (the http configuration levels). */
const LEVELS = new Set(["http", "server", "location", "if", "limit_except"]);
/** Contexts whose directives are not HTTP ones, though some share names (server, proxy_pass). */
const NOT_HTTP = new Set(["stream", "mail"]);

const walked = new WeakMap<readonly Directive[], Located[]>();

/** Every directive in document order (included files spliced in where they are included). */
export function walk(tree: readonly Directive[]): Located[] {
  const cached = walked.get(tree);
  if (cached) return cached;
  const out: Located[] = [];
  // An explicit stack, not recursion: nginx accepts blocks nested thousands deep, and so must we.
  const pending: { list: readonly Directive[]; index: number; ancestors: readonly Directive[] }[] = [{ list: tree, index: 0, ancestors: [] }];
  while (pending.length > 0) {
    const top = pending.at(-1)!;
    const directive = top.list[top.index++];
    if (directive === undefined) {
      pending.pop();
      continue;
    }
    out.push({ directive, ancestors: top.ancestors });
    if (directive.block) pending.push({ list: directive.block, index: 0, ancestors: [...top.ancestors, directive] });
  }
  walked.set(tree, out);
  return out;
}

/** HTTP directives with one of `names` (stream and mail blocks are left out). */
export function httpDirectives(tree: readonly Directive[], ...names: string[]): Located[] {
  return walk(tree).filter((l) => names.includes(l.directive.name) && !l.ancestors.some((a) => NOT_HTTP.has(a.name)));
}

const owned = new WeakMap<Directive, Map<string, readonly Directive[]>>();

/**
 * Children of a block with one of `names`, in document order. Cached per block and names: checks
 * ask this of the same server for each of its locations, and a server may have 40,000 of them.
 */
export function own(block: Directive, ...names: string[]): readonly Directive[] {
  let byNames = owned.get(block);
  if (!byNames) owned.set(block, (byNames = new Map()));
  const key = names.join(" ");
  let found = byNames.get(key);
  if (!found) byNames.set(key, (found = (block.block ?? []).filter((d) => names.includes(d.name))));
  return found;
}

/**
 * The configuration levels a directive inside `ancestors` sees, innermost first: its own block, then
 * each enclosing server/location/if/limit_except, up to http. Empty outside the http levels.
 */
export function levels(ancestors: readonly Directive[]): Directive[] {
  const out: Directive[] = [];
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const block = ancestors[i]!;
    if (!LEVELS.has(block.name)) break;
    out.push(block);
    if (block.name === "http") break;
  }
  return out;
}

/** The levels a block sees for its own settings: itself, then what encloses it. */
export function levelsOf(located: Located): Directive[] {
  return [located.directive, ...levels(located.ancestors)];
}

/**
 * nginx's inheritance for settings: the innermost level that sets `name` wins, with all of its
 * directives of that name (array settings such as add_header are replaced, never merged).
 */
export function nearest(chain: readonly Directive[], ...names: string[]): { level: Directive; directives: readonly Directive[] } | undefined {
  for (const level of chain) {
    const directives = own(level, ...names);
    if (directives.length > 0) return { level, directives };
  }
  return undefined;
}

/** The effective value of a one-value setting (the last one at the innermost level that sets it). */
export function effective(chain: readonly Directive[], name: string): Directive | undefined {
  return nearest(chain, name)?.directives.at(-1);
}

/** Variable names used in a value, lower-cased: `$host`, `${host}`, `$1`. */
export function variablesIn(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(/\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g)) out.push((m[1] ?? m[2]!).toLowerCase());
  return out;
}

export function usesVariable(value: string, name: string): boolean {
  return variablesIn(value).includes(name);
}

export interface MapVariable {
  /** The map's source value, such as `$http_upgrade`. */
  source: string;
  /** Values the map can produce, including the default. */
  values: string[];
  directive: Directive;
}

/** `map SOURCE $name { ... }` blocks by output variable name (lower-case, without `$`). */
export function maps(tree: readonly Directive[]): Map<string, MapVariable> {
  const out = new Map<string, MapVariable>();
  for (const { directive } of walk(tree)) {
    if (directive.name !== "map" || !directive.block || directive.args.length !== 2) continue;
    const [name] = variablesIn(directive.args[1]!);
    if (!name) continue;
    const values = directive.block.filter((e) => !["hostnames", "volatile", "include"].includes(e.name) && e.args.length > 0).map((e) => e.args.at(-1)!);
    out.set(name, { source: directive.args[0]!, values, directive });
  }
  return out;
}

/** `upstream name { ... }` blocks by name. */
export function upstreams(tree: readonly Directive[]): Map<string, Directive> {
  return new Map(httpDirectives(tree, "upstream").filter((l) => l.directive.block && l.directive.args.length === 1).map((l) => [l.directive.args[0]!, l.directive]));
}

/** The blocks around a directive as a diagnostic path; a block directive includes itself. */
export function context(located: Located): string[] {
  const chain = located.directive.block ? [...located.ancestors, located.directive] : located.ancestors;
  return chain.length === 0 ? ["main"] : chain.map(blockLabel);
}

/** `location = /x`, `location ~* \.php$`: the modifier (empty for a plain prefix) and the path. */
export function locationMatch(location: Directive): { modifier: string; path: string } {
  return location.args.length >= 2 ? { modifier: location.args[0]!, path: location.args[1]! } : { modifier: "", path: location.args[0] ?? "" };
}

/** "header" names of a list of `add_header NAME VALUE` style directives, de-duplicated, original case. */
export function names(directives: readonly Directive[]): string[] {
  const seen = new Map<string, string>();
  for (const d of directives) {
    const name = d.args[0];
    if (name !== undefined && !seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  }
  return [...seen.values()];
}
