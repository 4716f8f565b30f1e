import type { Severity } from "../diagnostics.js";
import type { Directive } from "../nginx-syntax/parse.js";
import { context, type Located } from "../nginx-syntax/tree.js";

/** One problem a check found, at a directive. */
export interface LintFinding {
  line: number;
  column: number;
  message: string;
  /** How to fix it. */
  fix: string;
  /** The blocks around the directive, outermost first: ["http", "server", "location /static/"]. */
  context: string[];
  /** Set when the directive came from an included file. */
  file?: string;
}

/**
 * A lint check over a parsed nginx config (any config, not only edgekit's): one concern per file,
 * a stable kebab-case id, and findings as values.
 */
export interface LintCheck {
  id: string;
  severity: Severity;
  /** One sentence for `--help` and docs: what the check protects against. */
  summary: string;
  check(tree: readonly Directive[]): LintFinding[];
}

/** A finding at `at` (default: the located directive), with the located directive's context. */
export function finding(located: Located, message: string, fix: string, at: Directive = located.directive): LintFinding {
  return {
    line: at.line,
    column: at.column,
    message,
    fix,
    context: context(located),
    ...(at.file ? { file: at.file } : {}),
  };
}
