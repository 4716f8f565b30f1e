import { finding, type LintCheck } from "../check.js";
import { inheritanceLosses } from "../inheritance.js";
import { blockLabel } from "../../nginx-syntax/parse.js";

const DIRECTIVES = ["proxy_set_header", "grpc_set_header"];

export const proxyHeaderInheritance: LintCheck = {
  id: "proxy-header-inheritance",
  severity: "warning",
  summary: "A block with its own proxy_set_header (grpc_set_header) stops forwarding every header set at the enclosing level.",
  check(tree) {
    return DIRECTIVES.flatMap((name) =>
      inheritanceLosses(tree, name).map((loss) =>
        finding(
          loss.block,
          `${name} here replaces the ${loss.lost.length} set in "${blockLabel(loss.from)}" (line ${loss.from.line}); requests proxied from this ${loss.block.directive.name} no longer get: ${loss.lost.join(", ")}`,
          `repeat those ${name} lines in this block, or move all of them into an include file used at each level`,
          loss.first,
        ),
      ),
    );
  },
};
