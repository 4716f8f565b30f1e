// What the benchmark needs installed, and the environment it ran in (for the report).
import { accessSync, constants, readFileSync } from "node:fs";
import { availableParallelism, release } from "node:os";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import type { BenchProgram, Toolchain } from "./toolchain.js";

export type ToolName = "h2load" | "wrk" | "nginx" | "openssl" | "haproxy" | "caddy";

/** How to get each tool on Debian/Ubuntu (the packages scripts/lib/system.sh installs). */
export const INSTALL_HINT: Record<ToolName, string> = {
  h2load: "nghttp2-client",
  wrk: "wrk",
  nginx: "nginx libnginx-mod-http-brotli-filter",
  openssl: "openssl",
  haproxy: "haproxy",
  caddy: "caddy",
};

/** An executable's absolute path: PATH first, then the sbin directories Debian puts daemons in. */
export function findExecutable(name: string, path = process.env.PATH ?? ""): string | null {
  const dirs = [...path.split(delimiter).filter(Boolean), "/usr/local/sbin", "/usr/sbin", "/sbin"];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export type Tools = Partial<Record<ToolName, string>>;

export function findTools(names: readonly ToolName[]): { found: Tools; missing: ToolName[] } {
  const found: Tools = {};
  const missing: ToolName[] = [];
  for (const name of names) {
    const path = findExecutable(name);
    if (path) found[name] = path;
    else missing.push(name);
  }
  return { found, missing };
}

export function missingToolsMessage(missing: readonly ToolName[]): string {
  const packages = [...new Set(missing.map((m) => INSTALL_HINT[m]))].join(" ");
  return `edgekit bench needs ${missing.join(", ")}, not found on PATH; install with: apt-get install ${packages} (Debian/Ubuntu)`;
}

export interface Environment {
  date: string;
  cpuModel: string;
  cores: number;
  kernel: string;
  node: string;
  versions: Partial<Record<ToolName, string>>;
  /** Where nginx, the reference proxies and the load tools ran. */
  toolchain: string;
  ticksPerSecond: number;
}

async function firstMatch(cmd: string, args: string[], pattern: RegExp): Promise<string | undefined> {
  const r = await execa(cmd, args, { reject: false, all: true, timeout: 10_000, stdin: "ignore" });
  return pattern.exec(String(r.all ?? ""))?.[1];
}

/** Versions as each program prints them (nginx -v and wrk -v answer on stderr, and wrk exits 1), wherever the toolchain runs them. */
export async function toolVersions(toolchain: Toolchain, programs: readonly BenchProgram[]): Promise<Partial<Record<ToolName, string>>> {
  const probes: Record<BenchProgram, [string[], RegExp]> = {
    h2load: [["--version"], /nghttp2\/(\S+)/],
    wrk: [["-v"], /^wrk (?:debian\/)?(\S+)/m],
    haproxy: [["-v"], /HAProxy version (\S+)/],
    caddy: [["version"], /^v?(\S+)/m],
  };
  const out: Partial<Record<ToolName, string>> = {};
  const present = programs.filter((p) => !toolchain.missing([p]).length);
  await Promise.all([
    toolchain.nginx.version().then((v) => {
      if (v) out.nginx = v;
    }),
    firstMatch("openssl", ["version"], /^OpenSSL (\S+)/m).then((v) => {
      if (v) out.openssl = v;
    }),
    ...present.map(async (program) => {
      const [args, pattern] = probes[program];
      const result = await toolchain.run(program, args, { paths: [], timeoutMs: 30_000 }).catch(() => ({ output: "" }));
      const v = pattern.exec(result.output)?.[1];
      if (v) out[program] = v;
    }),
  ]);
  return out;
}

export function cpuModel(cpuinfo?: string): string {
  try {
    const text = cpuinfo ?? readFileSync("/proc/cpuinfo", "utf8");
    return /^model name\s*:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

export async function describeEnvironment(toolchain: Toolchain, programs: readonly BenchProgram[]): Promise<Environment> {
  const ticks = Number(await firstMatch("getconf", ["CLK_TCK"], /^(\d+)/m).catch(() => undefined));
  return {
    date: new Date().toISOString(),
    cpuModel: cpuModel(),
    cores: availableParallelism(),
    kernel: release(),
    node: process.version,
    versions: await toolVersions(toolchain, programs),
    toolchain: toolchain.label,
    ticksPerSecond: Number.isFinite(ticks) && ticks > 0 ? ticks : 100,
  };
}
