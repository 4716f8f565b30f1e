// The whole one-way pipeline, pure: text -> YAML with positions -> schema -> rules -> plan -> targets -> files.
// No I/O here; the CLI reads the spec and writes the files.
import { hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics.js";
import { lintText } from "./lint/index.js";
import type { ModelOptions } from "./model/header.js";
import { planEdge } from "./plan/index.js";
import { OUTPUT_PATHS } from "./plan/layout.js";
import { renderTargets, type RenderedFile } from "./targets/index.js";
import { RULES, runRules } from "./rules/index.js";
import { loadSpecText } from "./spec/load.js";
import type { Spec } from "./spec/schema.js";
import { validateSchema } from "./spec/validate.js";

export interface CompileResult {
  diagnostics: Diagnostic[];
  spec?: Spec;
  files?: RenderedFile[];
}

export function validateSpecText(text: string, file: string): { diagnostics: Diagnostic[]; spec?: Spec } {
  const loaded = loadSpecText(text, file);
  if (hasErrors(loaded.diagnostics)) return { diagnostics: sortDiagnostics(loaded.diagnostics) };
  const schema = validateSchema(loaded, file);
  if (!schema.ok) return { diagnostics: sortDiagnostics([...loaded.diagnostics, ...schema.diagnostics]) };
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...runRules(schema.spec, (p) => loaded.locate(p), file)]);
  return { diagnostics, spec: schema.spec };
}

export function compileSpecText(text: string, file: string, options: ModelOptions): CompileResult {
  const { diagnostics, spec } = validateSpecText(text, file);
  if (!spec || hasErrors(diagnostics)) return { diagnostics, ...(spec ? { spec } : {}) };
  const files = renderTargets(planEdge(spec, options));
  const findings = lintRendered(files);
  if (findings.length > 0) return { diagnostics: [...diagnostics, ...findings], spec };
  return { diagnostics, spec, files };
}

/**
 * The linter on edgekit's own nginx output: any finding, warning or error, is an edgekit bug the
 * user must not receive as a config, so it blocks generation. Checks that share an id with a spec
 * rule (server-tokens) are left to that rule, which points at the spec and honours waivers.
 */
function lintRendered(files: readonly RenderedFile[]): Diagnostic[] {
  const conf = files.find((f) => f.path === OUTPUT_PATHS.nginxConf);
  if (!conf) return [];
  // status-page-exposed guesses status pages from path names; in a spec the kind says it (metrics
  // routes always carry an ACL, rule status-not-public checks it), so an api route named /status is public on purpose.
  // allow-without-deny: edgekit always ends an allow list with deny all, and rules status-not-public and
  // access-allows-everyone judge the spec's lists with the same address sets (and honour waivers).
  const coveredByRules = new Set([...RULES.map((r) => r.id), "status-page-exposed", "allow-without-deny"]);
  return lintText(conf.content, { file: conf.path }).diagnostics.filter((d) => !coveredByRules.has(d.code)).map((d) => ({
    ...d,
    severity: "error" as const,
    message: `edgekit rendered a config its own linter rejects (please report this): ${d.message}`,
  }));
}
