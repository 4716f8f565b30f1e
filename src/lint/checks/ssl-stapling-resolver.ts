import { finding, type LintCheck } from "../check.js";
import type { Directive } from "../../nginx-syntax/parse.js";
import { effective, httpDirectives, levelsOf } from "../../nginx-syntax/tree.js";

export const sslStaplingResolver: LintCheck = {
  id: "ssl-stapling-resolver",
  severity: "warning",
  summary: "ssl_stapling on needs a resolver (or ssl_stapling_file): without one nginx cannot reach the OCSP responder and staples nothing.",
  check(tree) {
    const reported = new Set<Directive>();
    return httpDirectives(tree, "server").flatMap((server) => {
      if (!server.directive.block) return [];
      const chain = levelsOf(server);
      const stapling = effective(chain, "ssl_stapling");
      if (stapling?.args[0] !== "on" || reported.has(stapling) || effective(chain, "resolver") || effective(chain, "ssl_stapling_file")) return [];
      reported.add(stapling);
      return [
        finding(
          server,
          "ssl_stapling on, but no resolver applies to this server: nginx cannot look up the OCSP responder, so no OCSP response is stapled (nginx only logs \"no resolver defined\")",
          "add resolver <dns servers> valid=300s; (and resolver_timeout 5s;) at http or server level",
          stapling,
        ),
      ];
    });
  },
};
