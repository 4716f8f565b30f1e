// The escape hatch in the output: a spec's raw directives, laid out between two marker comments
// that name the spec field, so an operator (and the pipeline, which maps lint findings back to the
// spec) finds them. The snippet was checked by rule raw-directives; here it is only dedented.
import { formatPath, type SpecPath } from "../diagnostics.js";
import { parseNginxConfig } from "../nginx-syntax/parse.js";

export interface RawBlockModel {
  begin: string;
  end: string;
  /** The snippet's lines, common indentation removed; line k of the snippet is lines[k - 1]. */
  lines: string[];
}

const BEGIN = "raw from spec: ";
const END = "end of raw from spec: ";

export function rawBlock(snippet: string, path: SpecPath): RawBlockModel | null {
  if (snippet.trim() === "") return null;
  const lines = snippet.replace(/\s+$/, "").split("\n").map((l) => l.replace(/\s+$/, ""));
  const indent = Math.min(...lines.filter((l) => l !== "").map((l) => l.match(/^[ \t]*/)![0].length));
  return { begin: `${BEGIN}${formatPath(path)}`, end: `${END}${formatPath(path)}`, lines: lines.map((l) => l.slice(indent)) };
}

export interface RawRegion {
  /** The spec field, as formatPath writes it (routes[3].raw). */
  field: string;
  /** First and last line of the snippet in the rendered file (1-based, inclusive). */
  first: number;
  last: number;
}

/** Where each raw snippet sits in a rendered nginx.conf, found by its marker comments. */
export function rawRegions(conf: string): RawRegion[] {
  const regions: RawRegion[] = [];
  let open: { field: string; first: number } | null = null;
  conf.split("\n").forEach((line, i) => {
    const comment = line.trim();
    if (comment.startsWith(`# ${BEGIN}`)) open = { field: comment.slice(2 + BEGIN.length), first: i + 2 };
    else if (open && comment === `# ${END}${open.field}`) {
      regions.push({ field: open.field, first: open.first, last: i });
      open = null;
    }
  });
  return regions;
}

/** The names of a snippet's top-level directives (the snippet was checked by rule raw-directives). */
export function rawDirectiveNames(snippet: string): string[] {
  return snippet.trim() === "" ? [] : parseNginxConfig(snippet, { file: "raw" }).tree.map((d) => d.name);
}
