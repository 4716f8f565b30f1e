/**
 * Runtime configuration of the reference backend.
 *
 * The variable names come from src/backend-contract/environment.ts, through which edgekit's
 * compose model (from spec.yaml) and the bench host stack write them.
 */
import { BACKEND_ENV, type BackendSettings } from "../backend-contract/environment.js";

export interface BackendConfig {
  port: number;
  host: string;
  /** Idle time after which the server closes a keep-alive socket (Node `server.keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /** Time allowed to receive request headers (Node `server.headersTimeout`); must exceed keepAliveTimeoutMs. */
  headersTimeoutMs: number;
  /** Interval between `: heartbeat` comments on SSE streams. */
  sseHeartbeatMs: number;
  /** Grace period for in-flight requests during shutdown before sockets are force-closed. */
  shutdownTimeoutMs: number;
  httpClient: {
    /** Maximum sockets per origin in the shared outgoing pool. */
    connections: number;
    /** Idle time after which the pool drops a kept-alive outgoing socket. */
    keepAliveTimeoutMs: number;
  };
  version: string;
}

/** The variable names: defined once, in the contract edgekit also writes them through. */
export const ENV = BACKEND_ENV;

export const DEFAULTS = {
  port: 3000,
  host: "0.0.0.0",
  keepAliveTimeoutMs: 65_000,
  headersTimeoutMs: 66_000,
  sseHeartbeatMs: 15_000,
  shutdownTimeoutMs: 10_000,
  httpClientConnections: 16,
  httpClientKeepAliveTimeoutMs: 4_000,
  version: "dev",
} as const satisfies Required<Omit<BackendSettings, "nodeEnv">>;

/** Largest delay a Node timer honours; longer values silently become 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Raised for any invalid variable; the message names the variable and the offending value. */
export class ConfigError extends Error {
  readonly variable: string;
  readonly value: string;
  constructor(variable: string, value: string, reason: string) {
    super(`${variable}=${JSON.stringify(value)} is invalid: ${reason}`);
    this.name = "ConfigError";
    this.variable = variable;
    this.value = value;
  }
}

/** Unset and empty (or all-blank) variables both mean "use the default". */
function raw(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === "" ? undefined : v;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const v = raw(env, name);
  if (v === undefined) return fallback;
  const s = v.trim();
  if (!/^\d+$/.test(s)) throw new ConfigError(name, v, "expected a positive integer");
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 1) throw new ConfigError(name, v, "expected a positive integer");
  if (n > max) throw new ConfigError(name, v, `must be at most ${max}`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv): BackendConfig {
  const port = int(env, ENV.port, DEFAULTS.port, 65_535);
  const host = raw(env, ENV.host)?.trim() ?? DEFAULTS.host;
  const keepAliveTimeoutMs = int(env, ENV.keepAliveTimeoutMs, DEFAULTS.keepAliveTimeoutMs, MAX_TIMER_MS);
  const headersTimeoutMs = int(env, ENV.headersTimeoutMs, DEFAULTS.headersTimeoutMs, MAX_TIMER_MS);
  if (headersTimeoutMs <= keepAliveTimeoutMs) {
    throw new ConfigError(
      ENV.headersTimeoutMs,
      String(headersTimeoutMs),
      `must be greater than ${ENV.keepAliveTimeoutMs} (${keepAliveTimeoutMs}), otherwise a reused keep-alive ` +
        `socket can hit the headers timeout before the keep-alive timeout`,
    );
  }
  return {
    port,
    host,
    keepAliveTimeoutMs,
    headersTimeoutMs,
    sseHeartbeatMs: int(env, ENV.sseHeartbeatMs, DEFAULTS.sseHeartbeatMs, MAX_TIMER_MS),
    shutdownTimeoutMs: int(env, ENV.shutdownTimeoutMs, DEFAULTS.shutdownTimeoutMs, MAX_TIMER_MS),
    httpClient: {
      connections: int(env, ENV.httpClientConnections, DEFAULTS.httpClientConnections, 65_535),
      keepAliveTimeoutMs: int(
        env,
        ENV.httpClientKeepAliveTimeoutMs,
        DEFAULTS.httpClientKeepAliveTimeoutMs,
        MAX_TIMER_MS,
      ),
    },
    version: raw(env, ENV.version)?.trim() ?? DEFAULTS.version,
  };
}
