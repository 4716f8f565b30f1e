// `edgekit lint`: checks over a parsed nginx config (any config, edgekit's or hand-written). Each
// check is one small function in its own file; this runs them and turns findings into diagnostics.
import { sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import type { LintCheck } from "./check.js";
import { addHeaderInheritance } from "./checks/add-header-inheritance.js";
import { aliasPathTraversal } from "./checks/alias-path-traversal.js";
import { allowWithoutDeny } from "./checks/allow-without-deny.js";
import { compressionEventStream } from "./checks/compression-event-stream.js";
import { corsOriginReflection } from "./checks/cors-origin-reflection.js";
import { decodedUriHeaderInjection } from "./checks/decoded-uri-header-injection.js";
import { duplicateLocation } from "./checks/duplicate-location.js";
import { httpHostVariable } from "./checks/http-host-variable.js";
import { ifInLocation } from "./checks/if-in-location.js";
import { proxyCacheAuthorization } from "./checks/proxy-cache-authorization.js";
import { proxyHeaderInheritance } from "./checks/proxy-header-inheritance.js";
import { proxyPassUserInput } from "./checks/proxy-pass-user-input.js";
import { rateLimitSpoofableKey } from "./checks/rate-limit-spoofable-key.js";
import { resolverPublic } from "./checks/resolver-public.js";
import { serverTokens } from "./checks/server-tokens.js";
import { sslLegacyProtocols } from "./checks/ssl-legacy-protocols.js";
import { sslStaplingResolver } from "./checks/ssl-stapling-resolver.js";
import { statusPageExposed } from "./checks/status-page-exposed.js";
import { upstreamKeepaliveUnused } from "./checks/upstream-keepalive-unused.js";
import { xAccelRequestHeader } from "./checks/x-accel-request-header.js";
import { hasSyntaxErrors, parseNginxConfig, type Directive, type IncludeReader } from "../nginx-syntax/parse.js";

export const CHECKS: readonly LintCheck[] = [
  addHeaderInheritance,
  proxyHeaderInheritance,
  httpHostVariable,
  proxyPassUserInput,
  decodedUriHeaderInjection,
  aliasPathTraversal,
  allowWithoutDeny,
  statusPageExposed,
  corsOriginReflection,
  ifInLocation,
  upstreamKeepaliveUnused,
  xAccelRequestHeader,
  compressionEventStream,
  serverTokens,
  sslLegacyProtocols,
  sslStaplingResolver,
  resolverPublic,
  proxyCacheAuthorization,
  rateLimitSpoofableKey,
  duplicateLocation,
];

export function lintTree(tree: readonly Directive[], file = "nginx.conf", checks: readonly LintCheck[] = CHECKS): Diagnostic[] {
  return checks.flatMap((check) =>
    check.check(tree).map((f) => ({
      severity: check.severity,
      code: check.id,
      path: f.context,
      message: f.message,
      fix: f.fix,
      file: f.file ?? file,
      position: { line: f.line, column: f.column },
    })),
  );
}

export interface LintOptions {
  /** Name used in diagnostics. */
  file?: string;
  /** Follow `include` directives through this reader. */
  includes?: IncludeReader;
  checks?: readonly LintCheck[];
}

export interface LintResult {
  diagnostics: Diagnostic[];
  /** False when the config could not be parsed; the checks did not run. */
  parsed: boolean;
}

/** Parse, then run every check; parse errors stop before the checks, include warnings are kept. */
export function lintText(text: string, options: LintOptions = {}): LintResult {
  const file = options.file ?? "nginx.conf";
  const { tree, diagnostics } = parseNginxConfig(text, { file, ...(options.includes ? { includes: options.includes } : {}) });
  if (hasSyntaxErrors(diagnostics)) return { diagnostics: byFile(diagnostics, file), parsed: false };
  return { diagnostics: byFile([...diagnostics, ...lintTree(tree, file, options.checks)], file), parsed: true };
}

/** The main file's diagnostics first, then each included file's, each by position. */
function byFile(diagnostics: readonly Diagnostic[], main: string): Diagnostic[] {
  const rank = (d: Diagnostic): string => (d.file === main || d.file === undefined ? "" : d.file);
  return sortDiagnostics(diagnostics).sort((a, b) => rank(a).localeCompare(rank(b)));
}
