import type { Diagnostic, Severity, SpecPath } from "../diagnostics.js";
import type { Spec } from "../spec/schema.js";

export interface RuleFinding {
  path: SpecPath;
  message: string;
  fix?: string;
}

/** A semantic rule: a combination the schema accepts but that would render a broken or unsafe edge. */
export interface Rule {
  id: string;
  severity: Severity;
  /** One sentence for docs and `--help`: what the rule protects against. */
  summary: string;
  /** False for rules whose findings nginx itself would reject (or that open a hole): no waiver. */
  waivable?: boolean;
  check(spec: Spec): RuleFinding[];
}

export type Locate = (path: SpecPath) => Diagnostic["position"];
