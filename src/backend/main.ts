/**
 * Container entry point of the reference backend. Bundled into a single JS
 * file: reads nothing from the source tree at runtime.
 */
import { configFromEnv, type BackendConfig } from "./config.js";
import { startBackend } from "./server.js";

function logLine(entry: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

async function main(): Promise<void> {
  let config: BackendConfig;
  try {
    config = configFromEnv(process.env);
  } catch (err) {
    process.stderr.write(`edgekit-backend: invalid configuration: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }

  const backend = await startBackend(config, { log: logLine });

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // Second signal: the operator does not want to wait for the grace period.
      logLine({ level: "warn", msg: "second signal, exiting now", signal });
      process.exit(1);
    }
    stopping = true;
    backend.shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logLine({ level: "error", msg: "shutdown failed", error: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  // Logged only once the handlers are in place: whoever waits for this line may signal at once.
  logLine({
    level: "info",
    msg: "listening",
    host: config.host,
    port: backend.port,
    version: config.version,
    node: process.version,
    pid: process.pid,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    headersTimeoutMs: config.headersTimeoutMs,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`edgekit-backend: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
