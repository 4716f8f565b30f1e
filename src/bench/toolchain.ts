// Where the benchmark's programs run: nginx, the reference proxies (HAProxy, Caddy) and the load
// generators (wrk, h2load). Either this host's binaries, or containers of one Debian suite:
// edgekit's nginx image of the spec's release beside edgekit-bench:<suite> (deploy/bench), so nginx
// 1.30 (forky) is measured against the HAProxy and Caddy of forky with forky's load tools, on any
// machine with Docker. Containers use the host network and mount the paths they need at the same
// path, so ports, files and /proc look the same either way; CPU and memory are read from the host's
// /proc at the container's main process.
import { type ChildProcess, spawn, type StdioOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { chooseNginxRunner, containerPid, type NginxRunner, type RunnerChoice } from "../nginx-check/runner.js";
import { ImageError } from "../nginx-check/images.js";
import { releaseFor, type NginxRelease } from "../nginx-features/index.js";
import { findExecutable, type ToolName } from "./environment.js";

/** The programs other than nginx, which the toolchain runs by name. */
export type BenchProgram = Exclude<ToolName, "nginx" | "openssl">;

export interface ToolRunOptions {
  /** Paths the program reads or writes (mounted at the same path in a container). */
  paths: readonly string[];
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ServerOptions {
  paths: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
  stdio: StdioOptions;
}

export interface Toolchain {
  kind: "host" | "container";
  /** For the report: "this host's binaries", "containers of Debian forky (...)". */
  label: string;
  nginx: NginxRunner;
  /** Programs this toolchain lacks (host: not on PATH; a container image has them all). */
  missing(programs: readonly BenchProgram[]): BenchProgram[];
  /** Runs a program to completion; output is stdout and stderr interleaved. */
  run(program: BenchProgram, args: string[], options: ToolRunOptions): Promise<{ exitCode: number; output: string }>;
  /** Starts a server in the foreground. */
  spawn(program: BenchProgram, args: string[], options: ServerOptions): ChildProcess;
  /** The host pid of what `spawn` started (CPU and memory are read from its process tree). */
  pid(child: ChildProcess): Promise<number>;
  /** Makes sure what `spawn` started is gone. */
  reap(child: ChildProcess): Promise<void>;
}

export function hostToolchain(nginx: NginxRunner): Toolchain {
  const path = (program: BenchProgram) => findExecutable(program) ?? program;
  return {
    kind: "host",
    label: "this host's binaries",
    nginx,
    missing: (programs) => programs.filter((p) => findExecutable(p) === null),
    async run(program, args, options) {
      const result = await execa(path(program), args, { reject: false, all: true, timeout: options.timeoutMs, cancelSignal: options.signal, stdin: "ignore" });
      return { exitCode: result.exitCode ?? 1, output: String(result.all ?? "") };
    },
    spawn: (program, args, options) =>
      spawn(path(program), args, { stdio: options.stdio, ...(options.cwd ? { cwd: options.cwd } : {}), env: { PATH: process.env.PATH ?? "", ...options.env } }),
    pid: async (child) => child.pid ?? 0,
    reap: async () => undefined,
  };
}

/** The image of the bench's other programs for a Debian suite. */
export function benchImageTag(suite: string): string {
  return `edgekit-bench:${suite}`;
}

const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Builds edgekit-bench:<suite> from deploy/bench unless Docker has it (the base image as for nginx's). */
export async function ensureBenchImage(suite: string, progress: (line: string) => void = () => undefined): Promise<string> {
  const tag = benchImageTag(suite);
  if ((await execa("docker", ["image", "inspect", tag], { reject: false })).exitCode === 0) return tag;
  const ready = join(PACKAGE_ROOT, "scripts", "docker-ready.sh");
  if (!existsSync(ready)) throw new ImageError(`cannot build ${tag}: ${ready} is missing`);
  progress(`making the base image debian:${suite}-slim`);
  const base = await execa(ready, [`debian:${suite}-slim`], { reject: false, all: true });
  if (base.exitCode !== 0) throw new ImageError(`cannot make debian:${suite}-slim for ${tag}:\n${String(base.all ?? "").trim()}`);
  progress(`building ${tag} from deploy/bench (Debian ${suite}: HAProxy, Caddy, wrk, h2load)`);
  const built = await execa("docker", ["build", "-q", "-t", tag, "--build-arg", `DEBIAN_SUITE=${suite}`, join(PACKAGE_ROOT, "deploy", "bench")], { reject: false, all: true });
  if (built.exitCode !== 0) throw new ImageError(`building ${tag} failed:\n${String(built.all ?? "").trim()}`);
  return tag;
}

/**
 * `docker run` arguments for `program` in `image`: host network, root inside (it reads the bench's
 * temp keys), the paths mounted at their own path. The open-file limit is the engine's default
 * (a container can't raise it past the daemon's own hard limit; 1,000-connection runs need ~1,100).
 */
export function containerArgs(name: string, image: string, program: string, args: readonly string[], options: { paths: readonly string[]; env?: Record<string, string>; cwd?: string }): string[] {
  return [
    "run", "--rm", "--name", name, "--network", "host", "--user", "0:0",
    ...[...new Set(options.paths)].flatMap((p) => ["-v", `${p}:${p}`]),
    ...Object.entries(options.env ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    ...(options.cwd ? ["-w", options.cwd] : []),
    "--entrypoint", program, image, ...args,
  ];
}

export function containerToolchain(release: NginxRelease, nginx: NginxRunner, docker = "docker"): Toolchain {
  const image = benchImageTag(release.suite);
  const names = new WeakMap<ChildProcess, string>();
  const newName = (program: string) => `edgekit-bench-${program}-${randomBytes(5).toString("hex")}`;
  return {
    kind: "container",
    label: `containers of Debian ${release.suite} (nginx from ${nginx.label.replace(/ in a container$/, "")}; HAProxy, Caddy, wrk and h2load from ${image})`,
    nginx,
    missing: () => [],
    async run(program, args, options) {
      const name = newName(program);
      try {
        const result = await execa(docker, containerArgs(name, image, program, args, options), { reject: false, all: true, timeout: options.timeoutMs, cancelSignal: options.signal, stdin: "ignore" });
        return { exitCode: result.exitCode ?? 1, output: String(result.all ?? "") };
      } finally {
        // Killing the docker CLI (timeout, Ctrl-C) does not stop the container.
        await execa(docker, ["rm", "-f", name], { reject: false });
      }
    },
    spawn(program, args, options) {
      const name = newName(program);
      const child = spawn(docker, containerArgs(name, image, program, args, options), { stdio: options.stdio });
      names.set(child, name);
      return child;
    },
    async pid(child) {
      const name = names.get(child);
      return name ? containerPid(name, docker) : 0;
    },
    async reap(child) {
      const name = names.get(child);
      if (name) await execa(docker, ["rm", "-f", name], { reject: false });
    },
  };
}

export type ChosenToolchain = { toolchain: Toolchain; notes: string[] } | { problem: string };

/**
 * The toolchain for a spec of nginx `version`: the host's when its nginx is that version (auto) or
 * when told (host); otherwise containers of the release's Debian suite, images built when missing.
 */
export async function chooseToolchain(version: string, choice: RunnerChoice, progress: (line: string | null) => void = () => undefined): Promise<ChosenToolchain> {
  const chosen = await chooseNginxRunner(version, choice, progress);
  if (!chosen.runner) return { problem: chosen.problem ?? `no nginx ${version} to run` };
  if (chosen.runner.kind === "host") return { toolchain: hostToolchain(chosen.runner), notes: chosen.notes };
  const release = releaseFor(version) as NginxRelease;
  try {
    await ensureBenchImage(release.suite, (line) => progress(line));
    progress(null);
  } catch (error) {
    progress(null);
    return { problem: `cannot run the benchmark's tools in containers of Debian ${release.suite}: ${(error as Error).message}` };
  }
  return { toolchain: containerToolchain(release, chosen.runner), notes: chosen.notes };
}
