// Stage 1: YAML text -> plain data plus a way to find the line:column of any spec path.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from "yaml";
import type { Diagnostic, Position, SpecPath } from "../diagnostics.js";

export interface LoadedSpec {
  data: unknown;
  /** Position of the value at `path`, or of its nearest existing ancestor. */
  locate(path: SpecPath, key?: string): Position | undefined;
  diagnostics: Diagnostic[];
}

/** Alias expansions allowed when building the data (the yaml package's guard against alias bombs). */
const MAX_ALIAS_COUNT = 100;

export function loadSpecText(text: string, file = "spec.yaml"): LoadedSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const diagnostics: Diagnostic[] = [...doc.errors, ...doc.warnings].map((e) => ({
    severity: e.name === "YAMLWarning" ? ("warning" as const) : ("error" as const),
    code: "yaml",
    path: [],
    message: firstLine(e.message),
    file,
    position: at(e.pos[0]),
  }));

  const locate = (path: SpecPath, key?: string): Position | undefined => {
    let node: unknown = doc.contents;
    let best: Position | undefined = rangeStart(node, at);
    for (const part of [...path, ...(key === undefined ? [] : [key])]) {
      const next = child(node, part);
      if (next === undefined) break;
      const keyed = next.keyNode ?? next.valueNode;
      best = rangeStart(part === key ? keyed : next.valueNode ?? keyed, at) ?? best;
      node = next.valueNode;
    }
    return best;
  };

  if (diagnostics.some((d) => d.severity === "error")) return { data: undefined, locate, diagnostics };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error;
    // An alias bomb ("billion laughs"): a few lines whose aliases expand to billions of nodes.
    let first: Node | undefined;
    visit(doc, { Alias: (_, node) => ((first = node), visit.BREAK) });
    diagnostics.push({
      severity: "error",
      code: "yaml",
      path: [],
      message: `the aliases in this spec expand to more than ${MAX_ALIAS_COUNT} nodes (an alias bomb?); write the values out or use fewer aliases`,
      file,
      position: rangeStart(first, at) ?? { line: 1, column: 1 },
    });
    return { data: undefined, locate, diagnostics };
  }
  if (data === null || data === undefined) {
    diagnostics.push({ severity: "error", code: "yaml", path: [], message: "the spec is empty; it needs at least `domain` and `upstreams`", file, position: { line: 1, column: 1 } });
  }
  return { data, locate, diagnostics };
}

function child(node: unknown, part: string | number): { keyNode?: Node; valueNode?: Node } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part));
    if (!pair) return undefined;
    return { keyNode: pair.key as Node, valueNode: (pair.value ?? undefined) as Node | undefined };
  }
  if (isSeq(node) && typeof part === "number") {
    const item = node.items[part];
    return item === undefined ? undefined : { valueNode: item as Node };
  }
  return undefined;
}

function rangeStart(node: unknown, at: (offset: number) => Position): Position | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? at(range[0]) : undefined;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}
