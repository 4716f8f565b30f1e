// Time and peak memory of the CLI on large inputs (issue 13, class 10): specs of 1 MB and 10 MB,
// an nginx config with 8,000 nested blocks, and one with 40,000 locations that each set add_header.
// Usage (after `npm run build`): node bench/input-limits.mjs   (needs /usr/bin/time)
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/edgekit.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "edgekit-input-limits-"));

function spec(bytes) {
  let s = "domain: app.example.com\nupstreams: {app: {servers: [{host: backend}]}}\nroutes:\n";
  for (let i = 0; s.length < bytes; i++) s += `  - kind: api\n    path: /r${i}/\n`;
  return s.slice(0, s.lastIndexOf("\n  - kind")) + "\n";
}
const nested = (depth) => `http {\n  server_tokens off;\n  server {\n${"location /a/ {\n".repeat(depth)}return 200;\n${"}\n".repeat(depth)}  }\n}\n`;
function locations(n) {
  let s = "http {\n  server_tokens off;\n  add_header X-A 1;\n  server {\n";
  for (let i = 0; i < n; i++) s += `    location /l${i}/ { add_header X-B 1; }\n`;
  return `${s}  }\n}\n`;
}

const cases = [
  ["spec 1 MB", "spec-1m.yaml", spec(1_000_000), ["validate", "-s"]],
  ["spec 10 MB", "spec-10m.yaml", spec(10_000_000), ["validate", "-s"]],
  ["lint 8,000 nested blocks", "nested.conf", nested(8_000), ["lint"]],
  ["lint 40,000 locations", "locations.conf", locations(40_000), ["lint"]],
];
for (const [label, name, text, args] of cases) {
  writeFileSync(join(dir, name), text);
  const run = spawnSync("/usr/bin/time", ["-f", "%e %M", process.execPath, bin, ...args, name], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 30 });
  const [seconds, kb] = run.stderr.trim().split("\n").at(-1).split(" ");
  const exit = run.status;
  console.log(`${label.padEnd(26)} ${seconds.padStart(6)} s  ${(Number(kb) / 1024).toFixed(0).padStart(5)} MB  exit ${exit}`);
}
rmSync(dir, { recursive: true, force: true });
