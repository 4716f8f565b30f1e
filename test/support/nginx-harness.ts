// Starts the real nginx on a rendered spec, in a temp prefix, on free loopback ports.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDevCerts } from "../../src/certs/dev-certs.js";
import { checkVariant } from "../../src/nginx-check/nginx-test.js";
import { renderNginxConf } from "../../src/render/index.js";
import type { Spec } from "../../src/spec/schema.js";

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
  caCert: string;
  config: string;
  prefix: string;
  stop(): Promise<void>;
  errorLog(): string;
}

/** Renders `spec` with its ports replaced by free ones and upstream hosts by 127.0.0.1, then runs nginx. */
export async function startNginx(input: Spec): Promise<RunningNginx> {
  const prefix = mkdtempSync(join(tmpdir(), "edgekit-live-"));
  chmodSync(prefix, 0o755); // workers run as an unprivileged user and write cache/temp files here
  for (const dir of ["logs", "temp", "cache", "conf"]) mkdirSync(join(prefix, dir), { recursive: true });
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const variant = checkVariant({ ...input, listen: { ...input.listen, httpPort, httpsPort } }, prefix);
  const certs = await createDevCerts({ dir: join(prefix, "certs"), names: [input.domain], certFile: "fullchain.pem", keyFile: "privkey.pem" });
  const config = renderNginxConf(variant, { specName: "spec.yaml", specDirFromOutput: "." });
  const confPath = join(prefix, "conf", "nginx.conf");
  writeFileSync(confPath, config);

  const child: ChildProcess = spawn("nginx", ["-p", `${prefix}/`, "-e", join(prefix, "logs", "startup.log"), "-c", confPath, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += String(d)));
  const errorLog = () => {
    try {
      return readFileSync(join(prefix, "logs", "error.log"), "utf8") + stderr;
    } catch {
      return stderr;
    }
  };
  await waitForPort(httpPort, child, errorLog);
  return {
    httpPort,
    httpsPort,
    caCert: readFileSync(certs.caCert, "utf8"),
    config,
    prefix,
    errorLog,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
      socket.connect(port, "127.0.0.1");
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}:\n${log()}`);
}
