// The whole one-way pipeline, pure: text -> YAML with positions -> schema -> rules -> model -> files.
// No I/O here; the CLI reads the spec and writes the files.
import { hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics.js";
import type { ModelOptions } from "./model/header.js";
import { renderAll, type RenderedFile } from "./render/index.js";
import { runRules } from "./rules/index.js";
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
  return { diagnostics, spec, files: renderAll(spec, options) };
}
