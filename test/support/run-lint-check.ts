// Runs one check on config text; the text must parse.
import { expect } from "vitest";
import type { LintCheck, LintFinding } from "../../src/lint/check.js";
import { parseNginxConfig } from "../../src/nginx-syntax/parse.js";

export function run(check: LintCheck, text: string): LintFinding[] {
  const { tree, diagnostics } = parseNginxConfig(text);
  expect(diagnostics).toEqual([]);
  return check.check(tree);
}

/** `line:column context` of each finding, for compact expectations. */
export function where(findings: readonly LintFinding[]): string[] {
  return findings.map((f) => `${f.line}:${f.column} ${f.context.join(" > ")}`);
}
