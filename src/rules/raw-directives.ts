// The escape hatch is checked before anything renders: each snippet parses on its own (so it can't
// close the block it is put in, braces balance and every directive ends), and names nothing that
// would escape the checks: `include` (a file the linter never reads and compose never mounts),
// `load_module` (main context only), a directive across lines (dedenting would change it), or a
// block of another level (a server inside a location). The rendered config is then linted with
// the snippets in place (src/pipeline.ts), and findings inside them point back here.
import type { SpecPath } from "../diagnostics.js";
import { parseNginxConfig, SYNTAX, type Directive } from "../nginx-syntax/parse.js";
import { allRoutes, specSites } from "../spec/sites.js";
import type { Rule, RuleFinding } from "./rule.js";

type Level = "http" | "server" | "location";

/** Directives refused at each level: other contexts' blocks and what only they take. */
const REFUSED: Record<Level, readonly string[]> = {
  http: ["http", "events", "stream", "mail", "location", "listen", "server_name"],
  server: ["http", "events", "stream", "mail", "server", "upstream", "map", "geo", "split_clients", "listen", "server_name"],
  location: ["http", "events", "stream", "mail", "server", "upstream", "map", "geo", "split_clients", "listen", "server_name"],
};
const NEVER: Record<string, string> = {
  include: "include pulls in a file the linter never reads and compose never mounts; write its directives here",
  load_module: "load_module belongs to the main context, which raw does not reach",
};

export const rawDirectives: Rule = {
  id: "raw-directives",
  severity: "error",
  waivable: false,
  summary: "Raw nginx directives must parse on their own (balanced braces, every directive ended) and stay in their block: no include, load_module, or block of another level.",
  check(spec) {
    const snippets: { path: SpecPath; text: string; level: Level }[] = [
      { path: ["raw", "http"], text: spec.raw.http, level: "http" },
      { path: ["raw", "server"], text: spec.raw.server, level: "server" },
      ...specSites(spec).map((site) => ({ path: [...site.path, "raw"] as SpecPath, text: site.raw, level: "server" as const })),
      ...allRoutes(spec).map(({ route, path }) => ({ path: [...path, "raw"] as SpecPath, text: route.raw, level: "location" as const })),
    ];
    return snippets.filter((s) => s.text.trim() !== "").flatMap((s) => checkSnippet(s.text, s.path, s.level));
  },
};

function checkSnippet(text: string, path: SpecPath, level: Level): RuleFinding[] {
  const { tree, diagnostics } = parseNginxConfig(text, { file: "raw" });
  const errors = diagnostics.filter((d) => d.severity === "error" && d.code === SYNTAX);
  if (errors.length > 0) {
    return errors.map((d) => ({ path, message: `${where(d.position?.line ?? 1, d.position?.column)}: ${d.message}`, fix: "write whole directives, each ended by ';' and every '{' closed within the snippet" }));
  }
  const findings: RuleFinding[] = [];
  const walk = (directives: readonly Directive[], depth: number) => {
    for (const d of directives) {
      if (NEVER[d.name]) findings.push({ path, message: `${where(d.line, d.column)}: ${d.name} is refused in raw directives`, fix: NEVER[d.name]! });
      else if (depth === 0 && REFUSED[level].includes(d.name)) findings.push({ path, message: `${where(d.line, d.column)}: '${d.name}' does not belong in the ${level} block`, fix: `raw.${level === "location" ? "http or raw.server" : "http"} takes it, or edgekit's own fields do` });
      if (d.block) walk(d.block, depth + 1);
    }
  };
  walk(tree, 0);
  // The output re-indents every line: a quoted argument that spans lines would change with it.
  const reindented = parseNginxConfig(text.split("\n").map((l) => `        ${l}`).join("\n"), { file: "raw" }).tree;
  if (JSON.stringify(args(reindented)) !== JSON.stringify(args(tree))) {
    findings.push({ path, message: "a quoted argument runs across lines", fix: "keep each argument on one line (write \\n inside quotes for a newline)" });
  }
  return findings;
}

function args(tree: readonly Directive[]): unknown {
  return tree.map((d) => [d.name, d.args, d.block ? args(d.block) : null]);
}

function where(line: number, column?: number): string {
  return `line ${line}${column === undefined ? "" : `, column ${column}`} of the snippet`;
}
