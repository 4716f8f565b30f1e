import { finding, type LintCheck } from "../check.js";
import { inheritanceLosses } from "../inheritance.js";
import { blockLabel } from "../../nginx-syntax/parse.js";
import { effective } from "../../nginx-syntax/tree.js";
import { sinceText } from "../../nginx-features/index.js";

export const addHeaderInheritance: LintCheck = {
  id: "add-header-inheritance",
  severity: "error",
  summary: "A block with its own add_header silently drops every add_header of the enclosing level (security headers included).",
  check(tree) {
    return inheritanceLosses(tree, "add_header", {
      ignoreEmptyValues: true,
      optedOut: (chain) => ["merge", "off"].includes(effective(chain, "add_header_inherit")?.args[0]?.toLowerCase() ?? "on"),
    }).map((loss) =>
      finding(
        loss.block,
        `add_header here replaces the ${loss.lost.length} header${loss.lost.length === 1 ? "" : "s"} set in "${blockLabel(loss.from)}" (line ${loss.from.line}), so responses from this ${loss.block.directive.name} lack: ${loss.lost.join(", ")}`,
        `repeat those add_header lines in this block (an include file shared by every level keeps them in one place), or add "add_header_inherit merge;" (${sinceText("add-header-inherit")})`,
        loss.first,
      ),
    );
  },
};
