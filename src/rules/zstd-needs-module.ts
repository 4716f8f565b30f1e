import { releaseFor, TESTED_RELEASES } from "../nginx-features/index.js";
import type { Rule } from "./rule.js";

export const zstdNeedsModule: Rule = {
  id: "zstd-needs-module",
  severity: "error",
  waivable: false,
  summary: "zstd needs nginx's zstd filter module: edgekit's image has it only for the releases whose Debian suite packages it.",
  check(spec) {
    if (spec.compression.zstd.enabled !== true || spec.container.image !== null) return [];
    if (releaseFor(spec.nginx.version)?.modules.includes("zstd")) return [];
    const withZstd = TESTED_RELEASES.filter((r) => r.modules.includes("zstd")).map((r) => r.version);
    return [
      {
        path: ["compression", "zstd", "enabled"],
        message: `edgekit's image of nginx ${spec.nginx.version} has no zstd module (it is packaged for nginx ${withZstd.join(", ")})`,
        fix: `set compression.zstd.enabled to auto (on where the module is), set nginx.version to ${withZstd.join(" or ")}, or run your own image with the module (container.image)`,
      },
    ];
  },
};
