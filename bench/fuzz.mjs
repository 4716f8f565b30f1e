#!/usr/bin/env node
// Property-based fuzzing on demand: the properties of test/host/pipeline.fuzz.test.ts with many more
// cases, counting every failure instead of stopping at the first (run after `npx tsc -p tsconfig.build.json`):
//
//   node bench/fuzz.mjs --runs 5000 [--seed 123] [--only accepted,releases,rejected,cli,deterministic,injection]
//                       [--cli-runs 100] [--release-runs 500] [--releases 1.26.3,1.30.6] [--examples 3] [--shrink "fail_timeout"]
//
// --cli-runs: cases for the CLI property (default runs/15); --release-runs: cases per tested nginx
// release for the release-targeted nginx -t property (default runs/4: ~0.2 s a case in a container);
// --releases: which tested releases (default all); --examples: smallest counterexamples kept per
// failure kind; --shrink REGEX: instead of counting, let fast-check find and shrink one failure whose
// message matches REGEX (a minimal spec for a bug report). Every 50th accepted spec also goes
// through the real nginxTest() and `docker-compose config`.
//
// test/support/spec-arbitrary.ts (arbitraries + checks) and release-nginx-checker.ts (each release's
// nginx -t: the host's, or the release's image in a container) are compiled on the fly with esbuild
// into one module; their imports of src/ are pointed at the compiled dist/ modules. For each
// property it prints the cases tried, how many failed, and each distinct failure (grouped by its
// message, numbers and paths blanked) with the smallest counterexample seen. Exit code 1 when any
// property failed.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import fc from "fast-check";

const REPO = join(import.meta.dirname, "..");
const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "2000" },
    seed: { type: "string" },
    only: { type: "string" },
    "cli-runs": { type: "string" },
    "release-runs": { type: "string" },
    releases: { type: "string" },
    examples: { type: "string", default: "1" },
    shrink: { type: "string" },
  },
});
const RUNS = Number(args.runs);
const SEED = args.seed === undefined ? Date.now() % 2 ** 31 : Number(args.seed);
const CLI_RUNS = args["cli-runs"] === undefined ? Math.max(5, Math.round(RUNS / 15)) : Number(args["cli-runs"]);
const RELEASE_RUNS = args["release-runs"] === undefined ? Math.max(20, Math.round(RUNS / 4)) : Number(args["release-runs"]);
const RELEASES = args.releases ? new Set(args.releases.split(",")) : null;
const ONLY = args.only ? new Set(args.only.split(",")) : null;
const EXAMPLES = Number(args.examples);

if (!existsSync(join(REPO, "dist", "pipeline.js"))) {
  console.error("dist/ is missing: build first with `npx tsc -p tsconfig.build.json`");
  process.exit(2);
}

/** test/support/{spec-arbitrary,release-nginx-checker}.ts -> node_modules/.cache (so bare imports resolve), src/ -> dist/. */
async function compileSupport() {
  const outfile = join(REPO, "node_modules", ".cache", "edgekit-fuzz", "spec-arbitrary.mjs");
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    stdin: { contents: 'export * from "./spec-arbitrary.ts";\nexport * from "./release-nginx-checker.ts";\n', resolveDir: join(REPO, "test", "support"), sourcefile: "fuzz-support.ts", loader: "ts" },
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    packages: "external",
    logLevel: "warning",
    plugins: [
      {
        name: "src-to-dist",
        setup(b) {
          b.onResolve({ filter: /(^|\/)src\/.+\.js$/ }, (a) => {
            const source = join(a.resolveDir, a.path);
            const rel = relative(join(REPO, "src"), source);
            if (rel.startsWith("..")) return undefined;
            return { path: pathToFileURL(join(REPO, "dist", rel)).href, external: true };
          });
        },
      },
    ],
  });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}

/** A quoted value in a failure message, reduced to what tells failures apart. */
function quoted(inner) {
  const named = /^([A-Za-z_.-]+)([=:] ?)/.exec(inner);
  if (named) return `"${named[1]}${named[2]}…"`;
  if (/^[\[\]0-9a-f:.%/a-z]+$/i.test(inner) && /[:.]/.test(inner)) return '"<address>"';
  if (/^(ssl|client|large|proxy|keepalive|gzip|brotli|limit|access|error|worker|send|real|set)_[a-z_]+$/.test(inner)) return `"${inner}"`;
  return '"…"';
}

/** One line per kind of failure: the message's first line and its most telling detail, de-numbered. */
function signature(error) {
  const lines = String(error?.message ?? error).split("\n");
  const detail =
    lines.find((l) => l.includes("[emerg]")) ??
    lines.find((l) => /FAILED|ERROR|rror:|Invalid|can not|not set/.test(l)) ??
    lines.slice(1).find((l) => /\S/.test(l) && !/^[\s[\]{}]*$/.test(l)) ??
    "";
  const norm = (s) =>
    s
      .replace(/ in \/tmp\/\S+/g, "")
      .replace(/\/tmp\/\S+/g, "<tmp>")
      .replace(/"((?:[^"\\]|\\.)*)"/g, (_, inner) => quoted(inner))
      .replace(/\d+/g, "N")
      .replace(/,$/, "")
      .trim();
  return detail ? `${norm(lines[0])} :: ${norm(detail).slice(0, 160)}` : norm(lines[0]);
}

async function runProperty(name, arbitrary, runs, check) {
  if (args.shrink) return shrinkProperty(name, arbitrary, runs, check, new RegExp(args.shrink));
  const started = performance.now();
  const samples = fc.sample(arbitrary, { numRuns: runs, seed: SEED });
  const outcomes = {};
  const spent = {};
  const failures = new Map();
  for (const value of samples) {
    const t0 = performance.now();
    let outcome = "failed";
    try {
      outcome = await check(value);
    } catch (error) {
      const key = signature(error);
      const entry = failures.get(key) ?? { count: 0, examples: [] };
      entry.count++;
      entry.examples.push({ size: JSON.stringify(value).length, value, message: String(error?.message ?? error) });
      entry.examples.sort((a, b) => a.size - b.size);
      entry.examples.length = Math.min(entry.examples.length, EXAMPLES);
      failures.set(key, entry);
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    spent[outcome] = (spent[outcome] ?? 0) + performance.now() - t0;
  }
  const seconds = (performance.now() - started) / 1000;
  const failed = outcomes.failed ?? 0;
  console.log(`\n== ${name}: ${samples.length} cases, ${failed} failed, ${seconds.toFixed(1)} s (${((seconds * 1000) / samples.length).toFixed(1)} ms/case)`);
  console.log(`   outcomes: ${Object.entries(outcomes).map(([k, n]) => `${k} ${n} (${(spent[k] / n).toFixed(1)} ms each)`).join(", ")}`);
  for (const [key, entry] of [...failures].sort((a, b) => b[1].count - a[1].count)) {
    console.log(`   ${String(entry.count).padStart(5)} x ${key}`);
    for (const ex of entry.examples) {
      const shown = typeof ex.value === "object" && ex.value !== null && "text" in ex.value ? { text: ex.value.text, mutations: ex.value.mutations } : ex.value;
      console.log(`           smallest: ${JSON.stringify(shown).slice(0, 1500)}`);
    }
  }
  return { name, tried: samples.length, failed, seconds };
}

/**
 * --shrink REGEX: fast-check's own run and shrinking, failing only on failures whose message matches
 * REGEX, so each kind of failure can be brought down to a minimal spec one at a time.
 */
async function shrinkProperty(name, arbitrary, runs, check, pattern) {
  const started = performance.now();
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (value) => {
      try {
        await check(value);
      } catch (error) {
        if (pattern.test(String(error?.message ?? error))) throw error;
      }
    }),
    { numRuns: runs, seed: SEED },
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n== ${name} (only failures matching ${pattern}): ${details.numRuns} cases, ${details.failed ? 1 : 0} failed, ${seconds.toFixed(1)} s`);
  if (details.failed) {
    const [value] = details.counterexample;
    const shown = typeof value === "object" && value !== null && "text" in value ? { text: value.text, mutations: value.mutations } : value;
    console.log(`   shrunk ${details.numShrinks} times to: ${JSON.stringify(shown)}`);
    console.log(`   ${String(details.errorInstance?.message ?? details.error).split("\n").join("\n   ")}`);
  }
  return { name, tried: details.numRuns, failed: details.failed ? 1 : 0, seconds };
}

const support = await compileSupport();
const total = performance.now();
console.log(`fuzz: seed ${SEED}, ${RUNS} cases per property (${CLI_RUNS} for the CLI, ${RELEASE_RUNS} per nginx release); replay with --seed ${SEED}`);
const results = [];
const want = (name) => ONLY === null || ONLY.has(name);

if (want("accepted")) {
  const nginx = await support.sharedCertNginxChecker();
  console.log(`nginx: ${nginx.installed ?? "not installed"}`);
  let n = 0;
  try {
    results.push(await runProperty("accepted specs: files, lint clean, nginx -t", support.validSpecInput(), RUNS, (doc) => support.checkAccepted(doc, { nginx, ...(n++ % 50 === 0 ? { crossCheckNginxTest: true, dockerCompose: true } : {}) })));
  } finally {
    nginx.close();
  }
}
if (want("releases")) {
  // The release-targeted property of pipeline.fuzz.test.ts: specs with nginx.version of each tested
  // release (zstd drawn where its image has the module), nginx -t on that release's own nginx.
  const { TESTED_RELEASES } = await import(pathToFileURL(join(REPO, "dist", "nginx-features", "index.js")).href);
  for (const release of TESTED_RELEASES.filter((r) => RELEASES === null || RELEASES.has(r.version))) {
    // Should close() never run (a killed run), the container ends after an hour plus a second a case (~0.2 s each).
    const nginx = await support.releaseNginxChecker(release, { lifetimeSeconds: 3600 + RELEASE_RUNS });
    console.log(`nginx ${release.version}: ${nginx.label}`);
    try {
      results.push(await runProperty(`accepted specs for nginx ${release.version}: nginx -t there`, support.validSpecInput({ release }), RELEASE_RUNS, (doc) => support.checkAccepted(doc, { nginx, promtool: false })));
    } finally {
      nginx.close();
    }
  }
}
if (want("rejected")) results.push(await runProperty("rejected specs: clear errors", support.arbitraryDocument(), RUNS, (doc) => support.checkRejected(doc)));
if (want("cli")) results.push(await runProperty("rejected specs through the CLI: exit 2, out/ untouched", support.arbitraryDocument(), CLI_RUNS, (doc) => support.checkCliRejects(doc, REPO)));
if (want("deterministic")) {
  const arb = fc.tuple(fc.oneof(support.validSpecInput(), support.arbitraryDocument().map((d) => d.value)), fc.integer());
  results.push(await runProperty("deterministic rendering", arb, RUNS, ([doc, seed]) => support.checkDeterministic(doc, seed)));
}
if (want("injection")) results.push(await runProperty("no directive injection", support.validSpecInput({ headerHeavy: true }), RUNS, (doc) => support.checkNoInjection(doc)));

console.log(`\nsummary (seed ${SEED}, ${((performance.now() - total) / 1000).toFixed(1)} s total)`);
for (const r of results) console.log(`  ${r.name.padEnd(58)} ${String(r.tried).padStart(6)} tried ${String(r.failed).padStart(6)} failed ${r.seconds.toFixed(1).padStart(7)} s`);
process.exitCode = results.some((r) => r.failed > 0) ? 1 : 0;
