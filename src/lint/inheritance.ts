// nginx's rule for array settings (add_header, proxy_set_header, ...): a level inherits the outer
// level's list only when it sets none of its own. One directive of its own drops all the others.
import type { Directive } from "../nginx-syntax/parse.js";
import { httpDirectives, levels, levelsOf, names, nearest, own, type Located } from "../nginx-syntax/tree.js";

export interface InheritanceLoss {
  /** The block that sets its own list. */
  block: Located;
  /** Its first directive of that name (where the loss starts). */
  first: Directive;
  /** The enclosing level whose list is dropped. */
  from: Directive;
  /** Names the block no longer gets, in the outer level's order. */
  lost: string[];
}

export interface LossOptions {
  /** Outer entries with an empty value set nothing (add_header X ""), so losing them loses nothing. */
  ignoreEmptyValues?: boolean;
  /** True when the block's levels opt out of the replace rule (add_header_inherit merge/off). */
  optedOut?(chain: readonly Directive[]): boolean;
}

export function inheritanceLosses(tree: readonly Directive[], name: string, options: LossOptions = {}): InheritanceLoss[] {
  const out: InheritanceLoss[] = [];
  for (const block of httpDirectives(tree, "server", "location", "if", "limit_except")) {
    if (!block.directive.block) continue;
    const mine = own(block.directive, name);
    if (mine.length === 0 || options.optedOut?.(levelsOf(block))) continue;
    const outer = nearest(levels(block.ancestors), name);
    if (!outer) continue;
    const redefined = new Set(mine.map((d) => (d.args[0] ?? "").toLowerCase()));
    const dropped = outer.directives.filter(
      (d) => !redefined.has((d.args[0] ?? "").toLowerCase()) && !(options.ignoreEmptyValues && d.args[1] === ""),
    );
    if (dropped.length > 0) out.push({ block, first: mine[0]!, from: outer.level, lost: names(dropped) });
  }
  return out;
}
