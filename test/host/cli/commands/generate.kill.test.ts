// `edgekit generate` killed with SIGKILL at random points, most of them inside its write phase: after
// every kill each output is present and complete, and the set is all old or all new; a kill that
// leaves a journal is finished by the next run (all new, nothing left over), and temp files of
// killed runs are removed by a later run.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, GENERATED_FILES, listTree, MINIMAL_SPEC, runCli, tempDir, writeFile } from "../../../support/run-cli.js";

// Two specs whose three outputs all differ (the backend port is in each of them).
const SPECS = {
  a: MINIMAL_SPEC,
  b: "domain: app.example.com\nupstreams: {app: {servers: [{host: backend, port: 3001}]}}\nbackend: {port: 3001}\n",
} as const;
type Version = keyof typeof SPECS;
type Outputs = Record<string, string>;

const LANES = 2;
const KILLS_PER_LANE = 30;

/** A small seeded generator, so a failure message's seed replays the same kill points. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const leftovers = (dir: string): string[] => listTree(dir).filter((p) => p.includes(".edgekit-"));

async function render(spec: string): Promise<Outputs> {
  const dir = tempDir();
  writeFile(dir, "spec.yaml", spec);
  const result = await runCli(["generate"], { cwd: dir });
  expect(result.exitCode).toBe(0);
  return Object.fromEntries(GENERATED_FILES.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

/** Which version every output is, or a description of why it is neither. */
function versionOnDisk(dir: string, outputs: Record<Version, Outputs>): Version | "mixed" | string {
  const seen = new Set<Version>();
  for (const file of GENERATED_FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) return `${file} is missing`;
    const text = readFileSync(path, "utf8");
    const version = (Object.keys(outputs) as Version[]).find((v) => outputs[v][file] === text);
    if (!version) return `${file} is partial (${text.length} bytes, neither version)`;
    seen.add(version);
  }
  return seen.size === 1 ? [...seen][0]! : "mixed";
}

/**
 * Starts `generate` and SIGKILLs it either `delayMs` after spawning or on the `onEvent`-th change
 * the process makes in the output directories (inotify), which lands inside the write phase.
 */
function killedRun(dir: string, kill: { delayMs: number } | { onEvent: number }): Promise<void> {
  const child = spawn(process.execPath, [binPath, "generate"], { cwd: dir, stdio: "ignore", env: { NO_COLOR: "1" } });
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  if ("delayMs" in kill) {
    timer = setTimeout(() => child.kill("SIGKILL"), kill.delayMs);
  } else {
    let events = 0;
    const onChange = () => {
      if (++events === kill.onEvent) child.kill("SIGKILL");
    };
    for (const d of [dir, join(dir, "nginx")]) watchers.push(watch(d, onChange));
  }
  return new Promise((resolve) => {
    child.on("exit", () => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      // A process that outlived its kill point finished normally: that is the all-new case.
      resolve();
    });
  });
}

interface Tally {
  old: number;
  new: number;
  recovered: number;
  leftovers: number;
}

async function lane(seed: number, outputs: Record<Version, Outputs>, fullRunMs: number, tally: Tally): Promise<void> {
  const next = random(seed);
  const dir = tempDir();
  writeFile(dir, "spec.yaml", SPECS.a);
  expect((await runCli(["generate"], { cwd: dir })).exitCode).toBe(0);
  let onDisk: Version = "a";
  let target: Version = "a";
  for (let i = 0; i < KILLS_PER_LANE; i++) {
    target = onDisk === "a" ? "b" : "a";
    writeFile(dir, "spec.yaml", SPECS[target]);
    // Every fifth kill at a random instant of the whole run, the others on a random file-system
    // event of the write phase (about 20 per run: temp files, journal, renames).
    const kill = i % 5 === 0 ? { delayMs: Math.floor(next() * fullRunMs) } : { onEvent: 1 + Math.floor(next() * 20) };
    await killedRun(dir, kill);
    const where = `seed ${seed}, kill ${i} (${JSON.stringify(kill)}), ${onDisk} -> ${target}`;

    const state = versionOnDisk(dir, outputs);
    const journal = existsSync(join(dir, ".edgekit-generate.journal"));
    if (journal) {
      expect(state, where).toMatch(/^(a|b|mixed)$/); // mid-journal: each file whole, old or new
    } else {
      expect(state, where).toMatch(/^(a|b)$/); // otherwise the set is all old or all new
    }
    if (journal) {
      const rerun = await runCli(["generate"], { cwd: dir });
      expect(rerun.exitCode, `${where}: ${rerun.stderr}`).toBe(0);
      expect(versionOnDisk(dir, outputs), `${where}: after the next run`).toBe(target);
      expect(leftovers(dir), `${where}: after the next run`).toEqual([]);
      tally.recovered++;
      onDisk = target;
    } else {
      // Temp or backup files of a kill before the journal (or after it was removed) are left for
      // the next run, which is itself killed at a random point; the last run below checks them.
      if (leftovers(dir).length > 0) tally.leftovers++;
      onDisk = state as Version;
      if (onDisk === target) tally.new++;
      else tally.old++;
    }
  }
  const last = await runCli(["generate"], { cwd: dir });
  expect(last.exitCode, `seed ${seed}: the last run: ${last.stderr}`).toBe(0);
  expect(versionOnDisk(dir, outputs), `seed ${seed}: after the last run`).toBe(target);
  expect(leftovers(dir), `seed ${seed}: after the last run`).toEqual([]);
}

describe("generate under SIGKILL", () => {
  it(
    `after ${LANES * KILLS_PER_LANE} kills every output is whole and the set all old or all new; the next run finishes a journal and cleans up`,
    async () => {
      const outputs = { a: await render(SPECS.a), b: await render(SPECS.b) };
      for (const file of GENERATED_FILES) expect(outputs.a[file], file).not.toBe(outputs.b[file]);

      const probe = tempDir();
      writeFile(probe, "spec.yaml", SPECS.a);
      const started = Date.now();
      await runCli(["generate"], { cwd: probe });
      const fullRunMs = Date.now() - started;

      const seed = Number(process.env.EDGEKIT_KILL_SEED ?? Date.now() % 1_000_000);
      const tally: Tally = { old: 0, new: 0, recovered: 0, leftovers: 0 };
      await Promise.all(Array.from({ length: LANES }, (_, i) => lane(seed + i, outputs, fullRunMs, tally)));
      console.log(`generate kills (seed ${seed}): ${JSON.stringify(tally)}`);

      // The kills did land inside the write phase (else this test proves nothing).
      expect(tally.recovered).toBeGreaterThan(0);
      expect(tally.leftovers).toBeGreaterThan(0);
    },
    // About 40 s on an idle 2-core machine; several times that when it is shared.
    300_000,
  );
});
