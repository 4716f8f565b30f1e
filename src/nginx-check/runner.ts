// Where a real nginx runs: the host's binary, or edgekit's image of a tested release in a container
// (host network, the prefix directory mounted at the same path, so configs, certificates, logs
// and ports look the same either way). `nginx -t`, the live tests and the benchmark take a runner,
// so every release edgekit claims is run for real whatever nginx the host has.
import { type ChildProcess, spawn, type StdioOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { execa } from "execa";
import { releaseFor, type NginxRelease } from "../nginx-features/index.js";
import { ensureNginxImage, nginxImageTag } from "./images.js";

export interface NginxRunner {
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
}

export function hostNginx(binary = "nginx"): NginxRunner {
  return {
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
  };
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
