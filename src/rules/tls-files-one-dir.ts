import { posix } from "node:path";
import { specSites } from "../spec/sites.js";
import type { Rule, RuleFinding } from "./rule.js";

export const tlsFilesOneDir: Rule = {
  id: "tls-files-one-dir",
  severity: "error",
  waivable: false,
  summary: "Every certificate and key (tls.certificate, tls.certificateKey and each site's certificates) lives in tls.certificate's directory, which compose mounts read-only from container.certsDir.",
  check(spec) {
    if (!spec.tls.enabled) return [];
    const certDir = posix.dirname(spec.tls.certificate);
    const findings: RuleFinding[] = [];
    if (posix.dirname(spec.tls.certificateKey) !== certDir) {
      findings.push({ path: ["tls", "certificateKey"], message: `the key is not in the certificate's directory (${certDir})`, fix: `put both under ${certDir}` });
    }
    for (const site of specSites(spec)) {
      if (site.id === null || spec.sites?.[site.id]?.certificates === undefined) continue;
      site.certificates.forEach((pair, i) => {
        for (const field of ["certificate", "key"] as const) {
          if (posix.dirname(pair[field]) === certDir) continue;
          findings.push({
            path: [...site.path, "certificates", i, field],
            message: `${pair[field]} is not in ${certDir}, the directory compose mounts from container.certsDir (tls.certificate's directory)`,
            fix: `put it under ${certDir}`,
          });
        }
      });
    }
    return findings;
  },
};
