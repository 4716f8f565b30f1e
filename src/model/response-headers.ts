// Response headers as the client gets them: the generated ones (security headers, HSTS, a static
// route's Cache-Control, the cache status, the request id) with the spec author's values laid over
// them. A name set by the author replaces the generated header of that name, whatever its spelling,
// in the generated one's place; null removes it; new names follow in name order. So no response
// carries a header twice. Pure and generic over the value (finished nginx tokens for the renderer,
// literal text for verify), so nginx, verify and per-site headers share one rule.

export interface NamedHeader<V> {
  name: string;
  value: V;
}

/** One layer of author headers: name -> value, or null to remove the generated header. */
export type HeaderOverrides<V> = Readonly<Record<string, V | null>>;

/**
 * `generated` with each layer of `overrides` applied in turn (later layers win: top level, then
 * site, then route). Names compare case-insensitively; a replaced header keeps its position and
 * takes the author's spelling.
 */
export function mergeResponseHeaders<V>(generated: readonly NamedHeader<V>[], ...overrides: readonly HeaderOverrides<V>[]): NamedHeader<V>[] {
  let out = dedupe(generated);
  for (const layer of overrides) {
    const entries = Object.entries(layer).sort(([a], [b]) => a.localeCompare(b));
    const byName = new Map(entries.map(([name, value]) => [name.toLowerCase(), { name, value }]));
    out = out.flatMap((h) => {
      const over = byName.get(h.name.toLowerCase());
      if (over === undefined) return [h];
      return over.value === null ? [] : [{ name: over.name, value: over.value }];
    });
    const present = new Set(out.map((h) => h.name.toLowerCase()));
    for (const [name, value] of entries) {
      if (value !== null && !present.has(name.toLowerCase())) out.push({ name, value });
    }
  }
  return out;
}

/** The first of each name (case-insensitive): a generated list never repeats a name either. */
function dedupe<V>(headers: readonly NamedHeader<V>[]): NamedHeader<V>[] {
  const seen = new Set<string>();
  return headers.filter((h) => {
    const key = h.name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
