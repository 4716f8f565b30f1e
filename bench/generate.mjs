#!/usr/bin/env node
// Benchmark for `edgekit generate` (run on demand: `npm run bench:generate`, after `npm run build`).
// Prints wall time of the real CLI process on the default spec and on synthetic specs, and the
// in-process compile time per route count, so growth can be read as a ratio in one run.
// Targets: default spec < 300 ms wall, 500 routes < 1 s wall, time roughly linear in routes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { lintText } from "../dist/lint/index.js";
import { compileSpecText } from "../dist/pipeline.js";

const REPO = join(import.meta.dirname, "..");
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function syntheticSpec(routes) {
  const kinds = ["api", "api", "api", "sse", "health", "static"];
  const lines = ["domain: bench.example.com", "upstreams:", "  app:", "    servers: [{ host: backend }]", "routes:"];
  for (let i = 0; i < routes; i++) {
    const kind = kinds[i % kinds.length];
    const path = kind === "static" ? `/static${i}/` : `/r${i}/`;
    const extra = kind === "api" && i % 3 === 0 ? `, rateLimit: { rate: 10r/s, burst: 20 }, cache: {}` : "";
    lines.push(`  - { kind: ${kind}, path: ${path}${extra} }`);
  }
  return `${lines.join("\n")}\n`;
}

function cliWall(specText) {
  const dir = mkdtempSync(join(tmpdir(), "edgekit-bench-"));
  try {
    writeFileSync(join(dir, "spec.yaml"), specText);
    const times = [];
    for (let i = 0; i < ROUNDS; i++) {
      rmSync(join(dir, "out"), { recursive: true, force: true });
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [join(REPO, "bin/edgekit.js"), "generate", "-s", join(dir, "spec.yaml"), "-o", join(dir, "out")], { encoding: "utf8" });
      times.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`generate failed: ${r.stderr}`);
    }
    return median(times);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compileTime(specText) {
  const options = { specName: "spec.yaml", specDirFromOutput: "." };
  compileSpecText(specText, "spec.yaml", options); // warm-up
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    compileSpecText(specText, "spec.yaml", options);
    times.push(performance.now() - t0);
  }
  return median(times);
}

const defaultSpec = readFileSync(join(REPO, "spec.yaml"), "utf8");
console.log(`edgekit generate benchmark: node ${process.version}, median of ${ROUNDS} rounds`);
console.log("");
console.log("CLI wall time (process start to exit, files written):");
const wallDefault = cliWall(defaultSpec);
const wall500 = cliWall(syntheticSpec(500));
console.log(`  default spec        ${wallDefault.toFixed(0).padStart(6)} ms   target < 300 ms  ${wallDefault < 300 ? "ok" : "MISSED"}`);
console.log(`  500 routes          ${wall500.toFixed(0).padStart(6)} ms   target < 1000 ms ${wall500 < 1000 ? "ok" : "MISSED"}`);
console.log("");
console.log("in-process compile (parse, schema, rules, model, render):");
let base;
for (const n of [50, 100, 250, 500, 1000]) {
  const ms = compileTime(syntheticSpec(n));
  base ??= ms / 50;
  console.log(`  ${String(n).padStart(5)} routes ${ms.toFixed(1).padStart(8)} ms   ${(ms / n).toFixed(3)} ms/route   x${(ms / n / base).toFixed(2)} per-route cost vs 50 routes`);
}

console.log("");
console.log("linting the rendered nginx.conf (part of every generate):");
for (const n of [50, 500]) {
  const conf = compileSpecText(syntheticSpec(n), "spec.yaml", { specName: "spec.yaml", specDirFromOutput: "." }).files.find((f) => f.path === "nginx/nginx.conf").content;
  lintText(conf);
  const times = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    lintText(conf);
    times.push(performance.now() - t0);
  }
  console.log(`  ${String(n).padStart(5)} routes ${median(times).toFixed(1).padStart(8)} ms   (${(conf.length / 1024).toFixed(0)} KiB of config)`);
}
