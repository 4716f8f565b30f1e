// The whole one-way pipeline, pure: text -> YAML with positions -> schema -> rules -> plan -> targets -> files.
// No I/O here; the CLI reads the spec and writes the files.
import { hasErrors, sortDiagnostics, type Diagnostic, type SpecPath } from "./diagnostics.js";
import { lintText } from "./lint/index.js";
import { rawRegions } from "./model/nginx-raw.js";
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
  const { diagnostics, spec } = validateWithPositions(text, file);
  return { diagnostics, ...(spec ? { spec } : {}) };
}

type Locate = (path: SpecPath) => Diagnostic["position"];

function validateWithPositions(text: string, file: string): { diagnostics: Diagnostic[]; spec?: Spec; locate: Locate } {
  const loaded = loadSpecText(text, file);
  const locate: Locate = (p) => loaded.locate(p);
  if (hasErrors(loaded.diagnostics)) return { diagnostics: sortDiagnostics(loaded.diagnostics), locate };
  const schema = validateSchema(loaded, file);
  if (!schema.ok) return { diagnostics: sortDiagnostics([...loaded.diagnostics, ...schema.diagnostics]), locate };
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...runRules(schema.spec, locate, file)]);
  return { diagnostics, spec: schema.spec, locate };
}

export function compileSpecText(text: string, file: string, options: ModelOptions): CompileResult {
  const { diagnostics, spec, locate } = validateWithPositions(text, file);
  if (!spec || hasErrors(diagnostics)) return { diagnostics, ...(spec ? { spec } : {}) };
  const files = renderTargets(planEdge(spec, options));
  const findings = lintRendered(files, (path) => ({ file, position: locate(path) }));
  if (findings.length > 0) return { diagnostics: [...diagnostics, ...findings], spec };
  return { diagnostics, spec, files };
}

/**
 * The linter on edgekit's own nginx output: any finding, warning or error, is an edgekit bug the
 * user must not receive as a config, so it blocks generation. Checks that share an id with a spec
 * rule (server-tokens) are left to that rule, which points at the spec and honours waivers.
 */
function lintRendered(files: readonly RenderedFile[], at: (path: SpecPath) => Pick<Diagnostic, "file" | "position">): Diagnostic[] {
  const conf = files.find((f) => f.path === OUTPUT_PATHS.nginxConf);
  if (!conf) return [];
  // A finding inside the spec's raw directives is the spec's: it points at the raw field and the
  // line of the snippet, is refused like any lint finding, and no rule covers it.
  const regions = rawRegions(conf.content);
  const inRaw = (d: Diagnostic) => regions.find((r) => d.position !== undefined && d.position.line >= r.first && d.position.line <= r.last);
  // status-page-exposed guesses status pages from path names; in a spec the kind says it (metrics
  // routes always carry an ACL, rule status-not-public checks it), so an api route named /status is public on purpose.
  // allow-without-deny: edgekit always ends an allow list with deny all, and rules status-not-public and
  // access-allows-everyone judge the spec's lists with the same address sets (and honour waivers).
  const coveredByRules = new Set([...RULES.map((r) => r.id), "status-page-exposed", "allow-without-deny"]);
  return lintText(conf.content, { file: conf.path }).diagnostics.flatMap((d): Diagnostic[] => {
    const region = inRaw(d);
    if (region) {
      const path = specPathOf(region.field);
      const line = d.position!.line - region.first + 1;
      return [{ ...d, severity: "error", path, message: `raw directives, line ${line} of the snippet: ${d.message}`, ...at(path) }];
    }
    if (coveredByRules.has(d.code)) return [];
    return [{ ...d, severity: "error", message: `edgekit rendered a config its own linter rejects (please report this): ${d.message}` }];
  });
}

/** `routes[3].raw` back to ["routes", 3, "raw"]. */
function specPathOf(field: string): SpecPath {
  return [...field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] === undefined ? m[1]! : Number(m[2])));
}
