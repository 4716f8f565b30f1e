// The generated docker-compose.prod.yml under Compose v2's own parser (`config`), beside v1's: every example and
// the default spec, as the CLI writes them (nginx/ and prometheus.yml beside the file; `config` does not open
// bind-mount sources, so certificates are not needed here: the live test has them), and
// each with swarm.enabled too. Both must accept the file with nothing on stderr, and must read it the same way:
// the services, and per service the keys that decide what runs (image, ports, restart, health check, depends_on,
// replicas and scale), compared between v1's and v2's normalised output.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { planEdge } from "../../../src/plan/index.js";
import { specSchema } from "../../../src/spec/schema.js";
import { renderTargets } from "../../../src/targets/index.js";
import { findComposeV2 } from "../../support/compose-v2.js";
import { allSpecFiles, REPO, specFromFile } from "../../support/specs.js";

const v2 = await findComposeV2();
const work = mkdtempSync(join(tmpdir(), "h2-compose-v2-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const variants = allSpecFiles().flatMap((file) => [
  { name: file, file, swarm: false },
  { name: `${file} + swarm`, file, swarm: true },
]);

/** Renders the spec as `edgekit generate` would, into its own directory. */
function render(file: string, swarm: boolean, name: string): string {
  const dir = join(work, name.replace(/[^a-z0-9]+/gi, "-"));
  mkdirSync(dir, { recursive: true });
  const raw = parse(readFileSync(join(REPO, file), "utf8")) as Record<string, unknown>;
  const spec = swarm ? specSchema.parse({ ...raw, swarm: { ...(raw.swarm as object), enabled: true } }) : specFromFile(join(REPO, file));
  // Examples are written to be copied to the project root as spec.yaml, so paths resolve from REPO.
  for (const f of renderTargets(planEdge(spec, { specName: "spec.yaml", specDirFromOutput: relative(dir, REPO) }))) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  return dir;
}

type Port = string | { target: number; published?: number | string; host_ip?: string; protocol?: string };
/** A port as `host_ip:published:target/protocol`, from the short syntax (v1 writes it back so) or the long one (v2). */
function portText(p: Port): string {
  if (typeof p === "object") return `${p.host_ip ?? ""}:${p.published ?? ""}:${p.target}/${p.protocol ?? "tcp"}`;
  const [spec, protocol = "tcp"] = p.split("/");
  const parts = spec!.split(":");
  const [ip, published, target] = parts.length === 3 ? parts : parts.length === 2 ? ["", ...parts] : ["", "", parts[0]];
  return `${ip}:${published}:${target}/${protocol}`;
}

type Service = Record<string, unknown> & { deploy?: Record<string, unknown> };
/** What decides how a service runs, from a Compose `config` output (v1 and v2 spell some things differently). */
function essentials(config: string) {
  const doc = parse(config) as { services: Record<string, Service> };
  return Object.fromEntries(
    Object.entries(doc.services).map(([name, s]) => [
      name,
      {
        image: s.image,
        restart: s.restart ?? null,
        replicas: s.deploy?.replicas ?? null,
        scale: s.scale ?? null,
        restartPolicy: (s.deploy?.restart_policy as { condition?: string } | undefined)?.condition ?? null,
        healthcheck: s.healthcheck ? Object.keys(s.healthcheck as object).sort() : null,
        dependsOn: s.depends_on ? (Array.isArray(s.depends_on) ? [...s.depends_on].sort() : Object.fromEntries(Object.entries(s.depends_on as Record<string, { condition: string }>).map(([k, v]) => [k, v.condition]))) : null,
        ports: ((s.ports ?? []) as Port[]).map(portText).sort(),
      },
    ]),
  );
}

describe.skipIf(!v2)(`Compose v2 (${v2?.version}) and v1 accept every generated compose file alike`, () => {
  it.each(variants)("$name", async ({ file, swarm, name }) => {
    const dir = render(file, swarm, name);
    const composeFile = join(dir, "docker-compose.prod.yml");
    const r2 = await execa(v2!.bin, ["-p", "h2check", "-f", composeFile, "config"], { cwd: dir, reject: false });
    if (r2.stderr) console.log(`[compose v2] ${name}: ${r2.stderr}`);
    expect(r2.exitCode, r2.stderr).toBe(0);
    expect(r2.stderr, "Compose v2 warns").toBe("");
    const q = await execa(v2!.bin, ["-p", "h2check", "-f", composeFile, "config", "-q"], { cwd: dir, reject: false, all: true });
    expect([q.exitCode, q.all]).toEqual([0, ""]);
    const r1 = await execa("docker-compose", ["-p", "h2check", "-f", composeFile, "config"], { cwd: dir, reject: false });
    if (r1.stderr) console.log(`[compose v1] ${name}: ${r1.stderr}`);
    expect(r1.exitCode, r1.stderr).toBe(0);
    expect(r1.stderr, "Compose v1 warns").toBe("");
    expect(essentials(r2.stdout)).toEqual(essentials(r1.stdout));
  });
});
