// The shape of src/ that the design depends on, checked on the source itself:
// - top-level folders import one way (no cycle between them);
// - nginx versions live only in the feature table (src/nginx-features);
// - route kinds are branched on only in the route-kind table (rules may filter by kind);
// - test/host mirrors src/: test/host/<dir>/<stem>[.<aspect>].test.ts tests src/<dir>/<stem>.ts (or the
//   folder src/<dir>/<stem>/), every folder of test/host except fixtures/ is a folder of src/, and
//   helpers live in test/support/, not beside the tests.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROUTE_KINDS } from "../../src/spec/route-kinds.js";
import { REPO } from "../support/specs.js";

const SRC = join(REPO, "src");
const HOST_TESTS = join(REPO, "test", "host");

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

/**
 * Root-level host tests that check the whole tree rather than one source file (any other root test
 * must be named for a root file of src/, as pipeline.fuzz.test.ts is for src/pipeline.ts).
 */
const ROOT_TESTS = new Set([
  "architecture", // this file: the shape of src/ and of test/host
  "golden", // every output edgekit derives, for the corpus in test/golden/
  "package", // what `npm pack` ships (package.json's files), against what the CLI loads
]);

/** Every file and folder under `dir`, relative to it; folders end in "/". */
function entries(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) => {
    const rel = `${prefix}${name}`;
    return statSync(join(dir, name)).isDirectory() ? [`${rel}/`, ...entries(join(dir, name), `${rel}/`)] : [rel];
  });
}

/**
 * Why `rel` (a file, or a folder ending in "/", relative to test/host) does not mirror src/, or null
 * when it does. `src` holds the entries of src/ in the same form. The stem of a test file is its
 * name before the first dot: `routes.sse.test.ts` tests `routes.ts`.
 */
function mirrorProblem(rel: string, src: ReadonlySet<string>): string | null {
  const parts = rel.split("/").filter(Boolean);
  const fixtures = parts.indexOf("fixtures");
  if (fixtures !== -1 && (fixtures < parts.length - 1 || rel.endsWith("/"))) return null; // data beside its tests
  if (rel.endsWith("/")) return src.has(rel) ? null : `test/host/${rel} is not a folder of src/`;
  const name = parts.pop()!;
  const dir = parts.length ? `${parts.join("/")}/` : "";
  if (!name.endsWith(".test.ts")) return `test/host/${rel} is not a test: helpers go to test/support/, data to a fixtures/ folder`;
  const stem = name.split(".")[0]!;
  if (dir === "") {
    return src.has(`${stem}.ts`) || ROOT_TESTS.has(stem) ? null : `test/host/${rel} names no root file of src/ and is not in ROOT_TESTS`;
  }
  if (src.has(`${dir}${stem}.ts`) || src.has(`${dir}${stem}/`)) return null;
  return `test/host/${rel} names neither src/${dir}${stem}.ts nor src/${dir}${stem}/`;
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

describe("test/host mirrors src/", () => {
  const src = new Set(entries(SRC));

  it("every test names its source file or folder, every folder is one of src/, helpers live in test/support/", () => {
    const tests = entries(HOST_TESTS);
    expect(tests.length).toBeGreaterThan(50);
    expect(tests.map((rel) => mirrorProblem(rel, src)).filter(Boolean)).toEqual([]);
  });

  it("the mirror check refuses what does not mirror (so the check above can fail)", () => {
    const refused = [
      "bench/cli.test.ts", // no src/bench/cli.ts
      "render/determinism.test.ts", // src/render/ exists, determinism.ts does not
      "fuzz/",
      "fuzz/spec-fuzz.test.ts",
      "bench/helpers/",
      "bench/helpers/xml.ts", // a helper beside the tests
      "cli/run-cli.ts",
      "spec-fuzz.test.ts", // root test named for nothing, not allowlisted
      "fixtures.test.ts",
    ];
    for (const rel of refused) expect(mirrorProblem(rel, src), rel).not.toBeNull();
    const accepted = [
      "pipeline.fuzz.test.ts",
      "golden.test.ts",
      "cli/",
      "cli/commands/",
      "cli/commands/bench.test.ts",
      "cli/main.test.ts",
      "backend/routes.sse.test.ts",
      "bench/fixtures/",
      "bench/fixtures/wrk-edge.txt",
      "lint/checks/server-tokens.test.ts",
      "lint/checks.test.ts", // names the folder src/lint/checks/
    ];
    for (const rel of accepted) expect(mirrorProblem(rel, src), rel).toBeNull();
  });
});
