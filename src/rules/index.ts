// Stage 3: semantic rules over the typed spec. Each rule is one small function in its own file.
import type { Diagnostic, SpecPath } from "../diagnostics.js";
import type { Spec } from "../spec/schema.js";
import { accessAllowsEveryone } from "./access-allows-everyone.js";
import { authForwardUpstreamExists } from "./auth-forward-upstream-exists.js";
import { authRouteNotCached } from "./auth-route-not-cached.js";
import { corsHeadersEdgeOwned } from "./cors-headers-edge-owned.js";
import { backendKeepaliveOutlivesNginx } from "./backend-keepalive-outlives-nginx.js";
import { clientKeepaliveRequests } from "./client-keepalive-requests.js";
import { healthUpstreamCapped } from "./health-upstream-capped.js";
import { http3NeedsNginx125 } from "./http3-needs-nginx-1-25.js";
import { kubernetesClusterDns } from "./kubernetes-cluster-dns.js";
import { kubernetesServiceName } from "./kubernetes-service-name.js";
import { keepalivePoolDisabled } from "./keepalive-pool-disabled.js";
import { keepalivePoolSize } from "./keepalive-pool-size.js";
import { listenPortsDistinct } from "./listen-ports-distinct.js";
import { mountPointsDistinct } from "./mount-points-distinct.js";
import { nginxVersionSupported } from "./nginx-version-supported.js";
import { nginxVersionTested } from "./nginx-version-tested.js";
import { rawDirectives } from "./raw-directives.js";
import { rateLimitScope } from "./rate-limit-scope.js";
import { realIpTrustAll } from "./real-ip-trust-all.js";
import { resolverPublic } from "./resolver-public.js";
import { realIpTrustedProxies } from "./real-ip-trusted-proxies.js";
import { redirectTargetShape } from "./redirect-target-shape.js";
import { routePathUnique } from "./route-path-unique.js";
import { routePrefixBoundary } from "./route-prefix-boundary.js";
import { routeUpstreamExists } from "./route-upstream-exists.js";
import { serverTokens } from "./server-tokens.js";
import { sseReadTimeoutExceedsHeartbeat } from "./sse-read-timeout-exceeds-heartbeat.js";
import { staticHostDirInProject } from "./static-host-dir-in-project.js";
import { staticPathShape } from "./static-path-shape.js";
import { staticRootNotSecret } from "./static-root-not-secret.js";
import { staticRootOneSource } from "./static-root-one-source.js";
import { statusNotPublic } from "./status-not-public.js";
import { stickyNeedsNginx } from "./sticky-needs-nginx.js";
import { tlsFilesOneDir } from "./tls-files-one-dir.js";
import { upstreamBackupBalance } from "./upstream-backup-balance.js";
import { upstreamPrimaryServer } from "./upstream-primary-server.js";
import { upstreamNamesResolvedOnce } from "./upstream-names-resolved-once.js";
import { upstreamResolveFixedNames } from "./upstream-resolve-fixed-names.js";
import { workerRlimitNofile } from "./worker-rlimit-nofile.js";
import { zstdNeedsModule } from "./zstd-needs-module.js";
import { trustedProxiesNeeded } from "./trusted-proxies-needed.js";
import { hstsWithoutHttps } from "./hsts-without-https.js";
import type { Locate, Rule } from "./rule.js";

export const RULES: readonly Rule[] = [
  nginxVersionSupported,
  nginxVersionTested,
  http3NeedsNginx125,
  zstdNeedsModule,
  listenPortsDistinct,
  tlsFilesOneDir,
  routePathUnique,
  routePrefixBoundary,
  routeUpstreamExists,
  staticPathShape,
  redirectTargetShape,
  staticRootOneSource,
  staticRootNotSecret,
  staticHostDirInProject,
  mountPointsDistinct,
  sseReadTimeoutExceedsHeartbeat,
  upstreamBackupBalance,
  upstreamPrimaryServer,
  upstreamNamesResolvedOnce,
  upstreamResolveFixedNames,
  realIpTrustedProxies,
  realIpTrustAll,
  backendKeepaliveOutlivesNginx,
  keepalivePoolSize,
  keepalivePoolDisabled,
  clientKeepaliveRequests,
  workerRlimitNofile,
  statusNotPublic,
  accessAllowsEveryone,
  serverTokens,
  resolverPublic,
  healthUpstreamCapped,
  stickyNeedsNginx,
  rawDirectives,
  authForwardUpstreamExists,
  authRouteNotCached,
  corsHeadersEdgeOwned,
  trustedProxiesNeeded,
  hstsWithoutHttps,
  rateLimitScope,
  kubernetesClusterDns,
  kubernetesServiceName,
];

/**
 * Runs every rule. A rule the spec waives (`waive: [{rule, reason}]`) still reports, as a warning
 * carrying the reason, so nothing is hidden; a waiver for an unknown rule is an error, and one
 * that matches nothing is a warning (it would silently cover a future finding).
 */
export function runRules(spec: Spec, locate: Locate, file = "spec.yaml", rules: readonly Rule[] = RULES): Diagnostic[] {
  const at = (path: SpecPath) => ({ file, position: locate(path) });
  const known = new Set(rules.map((r) => r.id));
  const waiverIndex = new Map(spec.waive.map((w, i) => [w.rule, i]));
  const out: Diagnostic[] = [];

  spec.waive.forEach((w, i) => {
    const rule = rules.find((r) => r.id === w.rule);
    if (!rule) {
      out.push({ severity: "error", code: "waive", path: ["waive", i, "rule"], message: `unknown rule '${w.rule}'`, fix: `use one of ${[...known].sort().join(", ")}`, ...at(["waive", i, "rule"]) });
    } else if (rule.waivable === false) {
      out.push({ severity: "error", code: "waive", path: ["waive", i, "rule"], message: `rule '${w.rule}' cannot be waived: nginx would reject (or be opened up by) what it finds`, fix: "fix the finding instead", ...at(["waive", i, "rule"]) });
    }
  });

  for (const rule of rules) {
    const findings = rule.check(spec);
    const waived = rule.waivable === false ? undefined : waiverIndex.get(rule.id);
    const reason = waived === undefined ? undefined : spec.waive[waived]!.reason;
    if (waived !== undefined && findings.length === 0) {
      out.push({ severity: "warning", code: "waive", path: ["waive", waived], message: `waiver for '${rule.id}' matches nothing`, fix: "remove it, so it can't hide a future finding", ...at(["waive", waived]) });
    }
    for (const finding of findings) {
      out.push({
        severity: reason === undefined ? rule.severity : "warning",
        code: rule.id,
        path: finding.path,
        message: reason === undefined ? finding.message : `${finding.message} (waived: ${reason})`,
        ...(finding.fix && reason === undefined ? { fix: finding.fix } : {}),
        ...at(finding.path),
      });
    }
  }
  return out;
}
