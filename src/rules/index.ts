// Stage 3: semantic rules over the typed spec. Each rule is one small function in its own file.
import type { Diagnostic } from "../diagnostics.js";
import type { Spec } from "../spec/schema.js";
import { backendTimeouts } from "./backend-timeouts.js";
import { http3NeedsNginx125 } from "./http3-needs-nginx-1-25.js";
import { listenPortsDistinct } from "./listen-ports-distinct.js";
import { nginxVersionSupported } from "./nginx-version-supported.js";
import { realIpTrustedProxies } from "./real-ip-trusted-proxies.js";
import { routePathUnique } from "./route-path-unique.js";
import { routeUpstreamExists } from "./route-upstream-exists.js";
import type { Locate, Rule } from "./rule.js";
import { sseReadTimeout } from "./sse-read-timeout.js";
import { staticPathShape } from "./static-path-shape.js";
import { tlsFilesOneDir } from "./tls-files-one-dir.js";
import { upstreamBackupBalance } from "./upstream-backup-balance.js";

export const RULES: readonly Rule[] = [
  nginxVersionSupported,
  http3NeedsNginx125,
  listenPortsDistinct,
  tlsFilesOneDir,
  routePathUnique,
  routeUpstreamExists,
  staticPathShape,
  sseReadTimeout,
  upstreamBackupBalance,
  realIpTrustedProxies,
  backendTimeouts,
];

export function runRules(spec: Spec, locate: Locate, file = "spec.yaml", rules: readonly Rule[] = RULES): Diagnostic[] {
  return rules.flatMap((rule) =>
    rule.check(spec).map((finding) => ({
      severity: rule.severity,
      code: rule.id,
      path: finding.path,
      message: finding.message,
      ...(finding.fix ? { fix: finding.fix } : {}),
      file,
      position: locate(finding.path),
    })),
  );
}
