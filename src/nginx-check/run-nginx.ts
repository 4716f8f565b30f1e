// Runs the real nginx on a rendered spec, in a temp prefix, on free loopback ports. Shared by the
// live tests (test/support/nginx-harness.ts re-exports it) and `edgekit bench`.
import type { ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createDevCertSet, type DevCerts } from "../certs/dev-certs.js";
import { renderNginxConf } from "../targets/index.js";
import type { Spec } from "../spec/schema.js";
import { mapCertificates } from "../spec/sites.js";
import { checkCertificateLeaves, checkVariant, fileRoots } from "./nginx-test.js";
import { defaultRunnerFor, type NginxRunner } from "./runner.js";

/** A TCP port nobody listens on right now (the OS picks it; a race with other processes is possible but rare). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningNginx {
  httpPort: number;
  httpsPort: number;
  /** The CA certificate (PEM text) that signed the server certificate. */
  caCert: string;
  config: string;
  prefix: string;
  /** The master's host process id (workers are its children), also when it runs in a container. */
  pid: number;
  stop(): Promise<void>;
  errorLog(): string;
}

export interface StartNginxOptions {
  /** Use these certificates instead of creating fresh ones in the prefix (so several servers share one). */
  certs?: DevCerts;
  /** Where nginx runs (default: the spec's own version: the host's nginx if it is that, else edgekit's image of it). */
  runner?: NginxRunner;
  /** Called with the child as soon as it is spawned, so a caller can kill it even if startup hangs. */
  onSpawn?: (child: ChildProcess) => void;
}

/**
 * Renders `spec` with its ports replaced by free ones and upstream hosts by 127.0.0.1 (upstream
 * ports are kept: point them at a running backend first), then runs nginx in the foreground.
 * On a failed start nothing is left behind: the process is killed and the prefix removed.
 */
export async function startNginx(input: Spec, options: StartNginxOptions = {}): Promise<RunningNginx> {
  const prefix = mkdtempSync(join(tmpdir(), "edgekit-live-"));
  let child: ChildProcess | undefined;
  let reap: (child: ChildProcess) => Promise<void> = async () => undefined;
  try {
    chmodSync(prefix, 0o755); // workers run as an unprivileged user and write cache/temp files here
    for (const dir of ["logs", "temp", "cache", "conf"]) mkdirSync(join(prefix, dir), { recursive: true });
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    let variant = checkVariant({ ...input, listen: { ...input.listen, httpPort, httpsPort } }, prefix);
    // Fresh leaves for every certificate pair (checkVariant's file names), signed by one CA; or
    // the caller's one certificate for every pair.
    let certs: DevCerts;
    let certDirs: string[];
    if (options.certs) {
      const shared = options.certs;
      certs = shared;
      variant = mapCertificates(variant, () => ({ certificate: shared.cert, key: shared.key }));
      certDirs = [dirname(shared.cert), dirname(shared.key)];
    } else {
      const set = await createDevCertSet({ dir: join(prefix, "certs"), leaves: checkCertificateLeaves(input) });
      certs = { caCert: set.caCert, ...set.leaves[0]! };
      certDirs = [join(prefix, "certs")];
    }
    const config = renderNginxConf(variant, { specName: "spec.yaml", specDirFromOutput: "." });
    const confPath = join(prefix, "conf", "nginx.conf");
    writeFileSync(confPath, config);

    const runner = options.runner ?? (await defaultRunnerFor(input.nginx.version));
    await runner.prepare();
    reap = (c) => runner.reap(c);
    const started: ChildProcess = runner.spawn(["-p", `${prefix}/`, "-e", join(prefix, "logs", "startup.log"), "-c", confPath, "-g", "daemon off;"], [prefix, ...certDirs, ...fileRoots(input)], ["ignore", "ignore", "pipe"]);
    child = started;
    options.onSpawn?.(started);
    let stderr = "";
    started.stderr?.on("data", (d) => (stderr += String(d)));
    // A failed spawn (no such binary) emits "error" instead of exiting.
    const spawnFailed = new Promise<never>((_, reject) => started.once("error", reject));
    spawnFailed.catch(() => undefined);
    const errorLog = () => {
      try {
        return readFileSync(join(prefix, "logs", "error.log"), "utf8") + stderr;
      } catch {
        return stderr;
      }
    };
    await Promise.race([waitForPort(httpPort, started, errorLog), spawnFailed]);
    const pid = await runner.pid(started);
    return {
      httpPort,
      httpsPort,
      caCert: readFileSync(certs.caCert, "utf8"),
      config,
      prefix,
      pid,
      errorLog,
      async stop() {
        await stopChild(started);
        await reap(started);
        rmSync(prefix, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child) {
      await stopChild(child);
      await reap(child);
    }
    rmSync(prefix, { recursive: true, force: true });
    throw error;
  }
}

/** SIGTERM (nginx's fast shutdown), then SIGKILL if it is still there after 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${log()}`);
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}:\n${log()}`);
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.connect(port, host);
  });
}
