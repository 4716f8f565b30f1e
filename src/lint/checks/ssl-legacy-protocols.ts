import { finding, type LintCheck } from "../check.js";
import { walk } from "../../nginx-syntax/tree.js";

const LEGACY = new Set(["sslv2", "sslv3", "tlsv1", "tlsv1.1"]);

export const sslLegacyProtocols: LintCheck = {
  id: "ssl-legacy-protocols",
  severity: "error",
  summary: "ssl_protocols must not enable SSLv2, SSLv3, TLSv1 or TLSv1.1 (broken, and rejected by current browsers).",
  check(tree) {
    return walk(tree).flatMap((l) => {
      if (l.directive.name !== "ssl_protocols") return [];
      const legacy = l.directive.args.filter((a) => LEGACY.has(a.toLowerCase()));
      return legacy.length === 0
        ? []
        : [finding(l, `ssl_protocols enables ${legacy.join(", ")}: protocols with known attacks (POODLE, BEAST) that no current browser needs`, "ssl_protocols TLSv1.2 TLSv1.3;")];
    });
  },
};
