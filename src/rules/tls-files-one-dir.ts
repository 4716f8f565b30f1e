import { posix } from "node:path";
import type { Rule } from "./rule.js";

export const tlsFilesOneDir: Rule = {
  id: "tls-files-one-dir",
  severity: "error",
  waivable: false,
  summary: "The certificate and key live in one directory, which compose mounts read-only from container.certsDir.",
  check(spec) {
    if (!spec.tls.enabled) return [];
    const certDir = posix.dirname(spec.tls.certificate);
    if (posix.dirname(spec.tls.certificateKey) === certDir) return [];
    return [{ path: ["tls", "certificateKey"], message: `the key is not in the certificate's directory (${certDir})`, fix: `put both under ${certDir}` }];
  },
};
