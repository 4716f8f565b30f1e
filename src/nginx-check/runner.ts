// Where a real nginx runs: the host's binary, or edgekit's image of a tested release in a container
// (host network, the prefix directory mounted at the same path, so configs, certificates, logs
// and ports look the same either way). `nginx -t`, the live tests and the benchmark take a runner,
// so every release edgekit claims is run for real whatever nginx the host has.
import { type ChildProcess, spawn, type StdioOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { execa } from "execa";
import { releaseFor, type NginxRelease } from "../nginx-features/index.js";
import { ensureNginxImage, ImageError, nginxImageTag } from "./images.js";

export interface NginxRunner {
  /** The host's binary, or edgekit's image in a container. */
  kind: "host" | "container";
  /** For messages: "nginx on this host (nginx)", "edgekit-nginx:<version> in a container". */
  label: string;
  /** The nginx version it runs, from `nginx -v`, or null when there is none. */
  version(): Promise<string | null>;
  /** Gets it ready to run (builds an image that is missing); call before run or spawn. */
  prepare(): Promise<void>;
  /** Runs nginx with `args` to completion (e.g. -t); `paths` (the prefix, static roots) must be visible to it. */
  run(args: string[], paths: readonly string[]): Promise<{ exitCode: number; output: string }>;
  /** Starts nginx with `args` in the foreground; `paths` as for run. */
  spawn(args: string[], paths: readonly string[], stdio: StdioOptions): ChildProcess;
  /** Makes sure what `spawn` started is gone (after the child exited or was killed). */
  reap(child: ChildProcess): Promise<void>;
  /**
   * The host process id of the nginx master that `spawn` started (its workers are its children):
   * what the benchmark reads CPU time and memory from. 0 when it is not running.
   */
  pid(child: ChildProcess): Promise<number>;
}

export function hostNginx(binary = "nginx"): NginxRunner {
  return {
    kind: "host",
    label: `nginx on this host (${binary})`,
    async version() {
      const result = await execa(binary, ["-v"], { reject: false });
      return /nginx\/([0-9]+\.[0-9]+\.[0-9]+)/.exec(String(result.stderr))?.[1] ?? null;
    },
    async run(args) {
      const result = await execa(binary, args, { reject: false, all: true });
      return { exitCode: result.exitCode ?? 1, output: String(result.all ?? "").trim() };
    },
    prepare: async () => undefined,
    spawn: (args, _paths, stdio) => spawn(binary, args, { stdio }),
    reap: async () => undefined,
    pid: async (child) => child.pid ?? 0,
  };
}

const containerNames = new WeakMap<ChildProcess, string>();

/**
 * nginx of `image` in a container: host network (it binds the same loopback ports), root inside
 * (so it reads test keys; workers drop to nobody), the prefix mounted at its own path.
 */
export function containerNginx(image: string, docker = "docker", prepare: () => Promise<void> = async () => undefined): NginxRunner {
  const argv = (name: string, paths: readonly string[], args: string[]) => [
    "run", "--rm", "--name", name, "--network", "host", "--user", "0:0",
    ...[...new Set(paths)].flatMap((p) => ["-v", `${p}:${p}`]), "--entrypoint", "nginx", image, ...args,
  ];
  const name = () => `edgekit-nginx-${randomBytes(6).toString("hex")}`;
  return {
    kind: "container",
    label: `${image} in a container`,
    prepare,
    async version() {
      const result = await execa(docker, ["run", "--rm", "--entrypoint", "nginx", image, "-v"], { reject: false });
      return /nginx\/([0-9]+\.[0-9]+\.[0-9]+)/.exec(String(result.stderr))?.[1] ?? null;
    },
    async run(args, paths) {
      const result = await execa(docker, argv(name(), paths, args), { reject: false, all: true });
      return { exitCode: result.exitCode ?? 1, output: String(result.all ?? "").trim() };
    },
    spawn(args, paths, stdio) {
      const id = name();
      const child = spawn(docker, argv(id, paths, args), { stdio });
      containerNames.set(child, id);
      return child;
    },
    async reap(child) {
      const id = containerNames.get(child);
      if (id) await execa(docker, ["rm", "-f", id], { reject: false });
    },
    async pid(child) {
      const id = containerNames.get(child);
      return id ? containerPid(id, docker) : 0;
    },
  };
}

/**
 * The host pid of a running container's main process (what `docker run` started as PID 1 inside):
 * the root of the process tree whose CPU and memory the host's /proc shows. Waits up to `timeoutMs`
 * for the container to be running; 0 when it never is.
 */
export async function containerPid(name: string, docker = "docker", timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await execa(docker, ["inspect", "--format", "{{.State.Pid}}", name], { reject: false });
    const pid = Number(String(result.stdout).trim());
    if (result.exitCode === 0 && Number.isInteger(pid) && pid > 0) return pid;
    if (Date.now() > deadline) return 0;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The runner for a tested release: its edgekit image in a container. */
export function releaseNginx(release: NginxRelease): NginxRunner {
  return containerNginx(nginxImageTag(release), "docker", async () => {
    await ensureNginxImage(release);
  });
}

/**
 * The nginx to run a spec on when the caller names none: the host's when it is the spec's
 * version (or when edgekit has no image of that version), else the image of its release.
 */
export async function defaultRunnerFor(version: string): Promise<NginxRunner> {
  return (await runnerForVersion(version)) ?? hostNginx();
}

/**
 * The runner for a spec's nginx.version: the host's nginx when it is that version, otherwise the
 * image of the version's tested release (null when edgekit has none for it).
 */
export async function runnerForVersion(version: string, host: NginxRunner = hostNginx()): Promise<NginxRunner | null> {
  if ((await host.version()) === version) return host;
  const release = releaseFor(version);
  return release ? releaseNginx(release) : null;
}

/** Where a command runs nginx: the host's when it is the spec's version, else edgekit's image of it (auto), or as told. */
export type RunnerChoice = "auto" | "host" | "container";

export interface ChosenRunner {
  runner: NginxRunner | null;
  /** To say next to the result: which nginx ran, and what to do when it isn't the spec's version. */
  notes: string[];
  /** Why there is no runner. */
  problem?: string;
}

/**
 * The nginx to run a spec of nginx `want` on, for `validate --nginx` and `bench`: the spec's own
 * version wherever possible (the host's, else edgekit's image, built when missing), and a note
 * whenever it is not. `progress` gets image-building lines, then null.
 */
export async function chooseNginxRunner(want: string, choice: RunnerChoice, progress: (line: string | null) => void = () => undefined, host: NginxRunner = hostNginx()): Promise<ChosenRunner> {
  const hostVersion = choice === "container" ? null : await host.version();
  if (choice === "host" || (choice === "auto" && hostVersion === want)) {
    if (hostVersion === null) return { runner: null, notes: [], problem: "nginx is not installed on this host (Debian: apt-get install nginx libnginx-mod-http-brotli-filter); or run it in a container (runner: container)" };
    const notes = hostVersion === want ? [] : [versionMismatch(want, hostVersion, "this host's nginx")];
    return { runner: host, notes };
  }
  const release = releaseFor(want);
  if (!release) {
    if (hostVersion === null) return { runner: null, notes: [], problem: `edgekit has no image of nginx ${want} and this host has no nginx: install nginx ${want}, or set nginx.version to a release edgekit tests` };
    return { runner: host, notes: [versionMismatch(want, hostVersion, "this host's nginx"), `edgekit has no image of nginx ${want}; set nginx.version to a tested release to run edgekit's image`] };
  }
  try {
    const tag = await ensureNginxImage(release, (line) => progress(line));
    progress(null);
    const notes = hostVersion && hostVersion !== want ? [`this host's nginx is ${hostVersion}; used ${tag}, the image of the spec's nginx ${want}`] : [];
    return { runner: releaseNginx(release), notes };
  } catch (error) {
    progress(null);
    const reason = error instanceof ImageError ? error.message : `Docker is not available (${(error as Error).message})`;
    if (choice === "container") return { runner: null, notes: [], problem: `cannot run nginx ${want} in a container: ${reason}` };
    if (hostVersion === null) return { runner: null, notes: [], problem: `nginx is not installed on this host, and edgekit's image of nginx ${want} can't be used: ${reason}` };
    return { runner: host, notes: [versionMismatch(want, hostVersion, "this host's nginx"), `could not use edgekit's image of nginx ${want}: ${reason.split("\n")[0]}`] };
  }
}

/** What to set when the nginx that runs is not the one the spec targets. */
export function versionMismatch(want: string, have: string, what: string): string {
  return `the spec targets nginx ${want} but ${what} is ${have}: set nginx.version: ${have} to render for the nginx you run (edgekit uses what each version offers), or run nginx ${want}`;
}
