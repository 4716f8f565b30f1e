// Diagnostics are values: every stage returns them, only the CLI prints them and picks the exit code.
export type Severity = "error" | "warning";
export type SpecPath = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

export interface Diagnostic {
  severity: Severity;
  /** Stable id: `yaml`, `schema`, or a rule id such as `route-path-unique`. */
  code: string;
  path: SpecPath;
  message: string;
  /** How to fix it, when that is not obvious from the message. */
  fix?: string;
  file?: string;
  position?: Position;
}

export function formatPath(path: SpecPath): string {
  if (path.length === 0) return "(spec)";
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? visible(part) : `.${visible(part)}`))
    .join("");
}

/** Escapes control and invisible characters (a key like "a\nb" must stay on one line). */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `spec.yaml:12:5  routes[2].path  message (fix)`: one line per problem, grep- and editor-friendly. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file ?? "spec"}${d.position ? `:${d.position.line}:${d.position.column}` : ""}`;
  const label = d.severity === "warning" ? "warning: " : "";
  const fix = d.fix ? `; fix: ${d.fix}` : "";
  const rule = d.code === "schema" || d.code === "yaml" || d.code === "io" ? "" : ` [${d.code}]`;
  return `${where}  ${formatPath(d.path)}  ${label}${d.message}${fix}${rule}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Sorted by position, then path, so output is stable whatever order the stages found them in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0) ||
      formatPath(a.path).localeCompare(formatPath(b.path)) ||
      a.message.localeCompare(b.message),
  );
}
