/**
 * The reference backend's environment contract: the one place its variable names live.
 *
 * Written by edgekit (the compose model from spec.yaml, the bench host stack) through
 * `backendEnv`, and read by the backend (`configFromEnv` in src/backend/config.ts), so both
 * sides agree by construction. Bundled into the backend by esbuild: keep it free of imports.
 */

/** Typed settings carried by the environment. Omitted optional fields leave the variable unset (the backend's default). */
export interface BackendSettings {
  /** `PORT`: TCP port the HTTP server listens on (1-65535). */
  port: number;
  /** `HOST`: address the HTTP server binds to. */
  host?: string;
  /** `EDGEKIT_KEEP_ALIVE_TIMEOUT_MS`: idle time after which the server closes a keep-alive socket (Node `server.keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /** `EDGEKIT_HEADERS_TIMEOUT_MS`: time allowed to receive request headers (Node `server.headersTimeout`); must exceed keepAliveTimeoutMs. */
  headersTimeoutMs: number;
  /** `EDGEKIT_SSE_HEARTBEAT_MS`: interval between `: heartbeat` comments on SSE streams. */
  sseHeartbeatMs: number;
  /** `EDGEKIT_SHUTDOWN_TIMEOUT_MS`: grace period for in-flight requests during shutdown before sockets are force-closed. */
  shutdownTimeoutMs: number;
  /** `EDGEKIT_HTTP_CLIENT_CONNECTIONS`: maximum sockets per origin in the shared outgoing pool. */
  httpClientConnections: number;
  /** `EDGEKIT_HTTP_CLIENT_KEEP_ALIVE_TIMEOUT_MS`: idle time after which the pool drops a kept-alive outgoing socket. */
  httpClientKeepAliveTimeoutMs: number;
  /** `EDGEKIT_VERSION`: version string the backend reports. */
  version?: string;
  /**
   * `NODE_ENV`: the Node ecosystem's convention ("production" in containers). Not read by the
   * backend's own configuration, only passed through for the runtime and libraries.
   */
  nodeEnv?: string;
}

/** Settings the backend itself reads (`configFromEnv`), by the variable that carries each. */
export const BACKEND_ENV = {
  port: "PORT",
  host: "HOST",
  keepAliveTimeoutMs: "EDGEKIT_KEEP_ALIVE_TIMEOUT_MS",
  headersTimeoutMs: "EDGEKIT_HEADERS_TIMEOUT_MS",
  sseHeartbeatMs: "EDGEKIT_SSE_HEARTBEAT_MS",
  shutdownTimeoutMs: "EDGEKIT_SHUTDOWN_TIMEOUT_MS",
  httpClientConnections: "EDGEKIT_HTTP_CLIENT_CONNECTIONS",
  httpClientKeepAliveTimeoutMs: "EDGEKIT_HTTP_CLIENT_KEEP_ALIVE_TIMEOUT_MS",
  version: "EDGEKIT_VERSION",
} as const satisfies Record<Exclude<keyof BackendSettings, "nodeEnv">, string>;

/** Every variable of the contract, by setting: what the backend reads plus the pass-through `NODE_ENV`. */
export const CONTRACT_ENV = {
  ...BACKEND_ENV,
  nodeEnv: "NODE_ENV",
} as const satisfies Record<keyof BackendSettings, string>;

/** The environment carrying `settings`, keys sorted; unset (undefined) settings are left out. */
export function backendEnv(settings: Partial<BackendSettings>): Record<string, string> {
  const env: [string, string][] = [];
  for (const key of Object.keys(CONTRACT_ENV) as (keyof BackendSettings)[]) {
    const value = settings[key];
    if (value !== undefined) env.push([CONTRACT_ENV[key], String(value)]);
  }
  return Object.fromEntries(env.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
