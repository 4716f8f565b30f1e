// The shape of src/ that the design depends on, checked on the source itself:
// - top-level folders import one way (no cycle between them);
// - nginx versions live only in the feature table (src/nginx-features);
// - route kinds are branched on only in the route-kind table (rules may filter by kind);
// - every test folder under test/unit mirrors a folder (or file) of src/.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROUTE_KINDS } from "../../src/spec/route-kinds.js";
import { REPO } from "../support/specs.js";

const SRC = join(REPO, "src");

function files(dir: string, ext = ".ts"): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, ext) : path.endsWith(ext) ? [path] : [];
  });
}

/** The top-level unit of src/ a file belongs to: its folder, or the file itself at the top. */
const unitOf = (path: string) => relative(SRC, path).split("/")[0]!.replace(/\.(ts|js)$/, "");

function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files(SRC)) {
    const from = unitOf(file);
    for (const match of readFileSync(file, "utf8").matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
      const to = unitOf(resolve(dirname(file), match[1]!));
      if (to === from) continue;
      graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

/** A cycle as a list of units, or null. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === "done") return null;
    if (state.get(node) === "open") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe("src/ architecture", () => {
  it("top-level folders import one way: no cycle", () => {
    const graph = folderGraph();
    expect(graph.size).toBeGreaterThan(10);
    expect(findCycle(graph)).toBeNull();
  });

  it("the cycle finder finds a cycle (so the check above can fail)", () => {
    expect(findCycle(new Map([["model", new Set(["render"])], ["render", new Set(["model"])]]))).toEqual(["model", "render", "model"]);
  });

  it("no nginx version literal outside the feature table", () => {
    const version = /\b1\.(1[0-9]|2[0-9]|3[0-9])\.[0-9]+\b/;
    const offenders = files(SRC)
      .filter((f) => !f.startsWith(join(SRC, "nginx-features")))
      .flatMap((f) => readFileSync(f, "utf8").split("\n").flatMap((line, i) => (version.test(line) ? [`${relative(REPO, f)}:${i + 1}: ${line.trim()}`] : [])));
    expect(offenders).toEqual([]);
  });

  it("no branch on a route kind's name outside the route-kind table (rules may filter by kind)", () => {
    const kinds = Object.keys(ROUTE_KINDS).join("|");
    const branch = new RegExp(`kind\\s*[!=]==?\\s*"(${kinds})"`);
    const allowed = [join(SRC, "spec", "route-kinds.ts"), join(SRC, "rules")];
    const offenders = files(SRC)
      .filter((f) => !allowed.some((a) => f.startsWith(a)))
      .flatMap((f) => readFileSync(f, "utf8").split("\n").flatMap((line, i) => (branch.test(line) ? [`${relative(REPO, f)}:${i + 1}: ${line.trim()}`] : [])));
    expect(offenders).toEqual([]);
  });
});

describe("rule files", () => {
  it("each rule lives in a file named by its id", async () => {
    const { RULES } = await import("../../src/rules/index.js");
    const names = readdirSync(join(SRC, "rules")).filter((f) => f.endsWith(".ts") && !["index.ts", "rule.ts"].includes(f)).map((f) => f.replace(/\.ts$/, ""));
    expect(names.sort()).toEqual(RULES.map((r) => r.id).sort());
  });
});
