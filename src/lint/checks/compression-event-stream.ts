import { finding, type LintCheck } from "../check.js";
import { httpDirectives } from "../../nginx-syntax/tree.js";

export const compressionEventStream: LintCheck = {
  id: "compression-event-stream",
  severity: "warning",
  summary: "Compressing text/event-stream (gzip_types/brotli_types listing it, or *) holds SSE events in the compressor's buffer.",
  check(tree) {
    return httpDirectives(tree, "gzip_types", "brotli_types", "zstd_types").flatMap((l) => {
      const hit = l.directive.args.find((a) => a === "*" || a.toLowerCase() === "text/event-stream");
      if (hit === undefined) return [];
      return [
        finding(
          l,
          `${l.directive.name} ${hit === "*" ? "* compresses every type, text/event-stream included" : "lists text/event-stream"}: the compressor buffers server-sent events, so clients receive them late and in bursts`,
          `list the compressible types explicitly without text/event-stream (or turn ${l.directive.name.replace("_types", "")} off in SSE locations)`,
        ),
      ];
    });
  },
};
