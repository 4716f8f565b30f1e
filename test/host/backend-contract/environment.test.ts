// The backend's environment contract: one set of names, written by edgekit and read by the backend.
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BACKEND_ENV, CONTRACT_ENV, backendEnv, type BackendSettings } from "../../../src/backend-contract/environment.js";
import { DEFAULTS, ENV, configFromEnv, type BackendConfig } from "../../../src/backend/config.js";
import { backendEnvironment } from "../../../src/model/compose.js";
import { durationMs } from "../../../src/spec/values.js";
import { allSpecFiles, REPO, spec, specFromFile } from "../../support/specs.js";

type ReadSettings = Required<Omit<BackendSettings, "nodeEnv">>;

/** The backend's parsed config, flattened back into the contract's settings. */
function settingsOf(config: BackendConfig): ReadSettings {
  const { httpClient, ...rest } = config;
  return { ...rest, httpClientConnections: httpClient.connections, httpClientKeepAliveTimeoutMs: httpClient.keepAliveTimeoutMs };
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const timer = fc.integer({ min: 1, max: MAX_TIMER_MS });
const text = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && s !== "");
const readSettings: fc.Arbitrary<ReadSettings> = fc
  .record({
    port: fc.integer({ min: 1, max: 65_535 }),
    host: text,
    keepAliveTimeoutMs: fc.integer({ min: 1, max: MAX_TIMER_MS - 1 }),
    headersGap: fc.integer({ min: 1, max: MAX_TIMER_MS - 1 }),
    sseHeartbeatMs: timer,
    shutdownTimeoutMs: timer,
    httpClientConnections: fc.integer({ min: 1, max: 65_535 }),
    httpClientKeepAliveTimeoutMs: timer,
    version: text,
  })
  .map(({ headersGap, ...s }) => ({ ...s, headersTimeoutMs: Math.min(MAX_TIMER_MS, s.keepAliveTimeoutMs + headersGap) }));

describe("the backend environment contract", () => {
  it("names every setting with a distinct variable", () => {
    const names = Object.values(CONTRACT_ENV);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(CONTRACT_ENV).sort()).toEqual([...Object.keys(BACKEND_ENV), "nodeEnv"].sort());
  });

  it("is where the backend's names come from, and the backend has a default for every one it reads", () => {
    expect(ENV).toBe(BACKEND_ENV);
    expect(Object.keys(DEFAULTS).sort()).toEqual(Object.keys(BACKEND_ENV).sort());
    expect(settingsOf(configFromEnv({}))).toEqual(DEFAULTS);
  });

  it("round-trips: settings -> env -> configFromEnv gives the same settings", () => {
    fc.assert(
      fc.property(readSettings, (settings) => {
        expect(settingsOf(configFromEnv(backendEnv(settings)))).toEqual(settings);
      }),
    );
  });

  it("every variable it reads changes the backend's config on its own", () => {
    const changed: ReadSettings = {
      port: 8081,
      host: "127.0.0.2",
      keepAliveTimeoutMs: 70_000,
      headersTimeoutMs: 71_000,
      sseHeartbeatMs: 16_000,
      shutdownTimeoutMs: 11_000,
      httpClientConnections: 17,
      httpClientKeepAliveTimeoutMs: 4_001,
      version: "x",
    };
    for (const key of Object.keys(BACKEND_ENV) as (keyof ReadSettings)[]) {
      // headersTimeoutMs must stay above keepAliveTimeoutMs: raise it along with keep-alive.
      const one: Partial<BackendSettings> = { [key]: changed[key], ...(key === "keepAliveTimeoutMs" ? { headersTimeoutMs: 71_000 } : {}) };
      const got = settingsOf(configFromEnv(backendEnv(one)));
      expect(got[key], BACKEND_ENV[key]).toBe(changed[key]);
      expect(got[key], BACKEND_ENV[key]).not.toBe(DEFAULTS[key]);
    }
  });

  it("writes sorted keys and leaves unset settings out", () => {
    const env = backendEnv({ version: "v", port: 1, nodeEnv: "production", host: undefined });
    expect(env).toEqual({ EDGEKIT_VERSION: "v", NODE_ENV: "production", PORT: "1" });
    expect(Object.keys(env)).toEqual(["EDGEKIT_VERSION", "NODE_ENV", "PORT"]);
    expect(backendEnv({})).toEqual({});
  });
});

describe("compose's backendEnvironment and the contract agree", () => {
  const contractNames = new Set<string>(Object.values(CONTRACT_ENV));

  it.each(allSpecFiles())("%s", (file) => {
    const s = specFromFile(join(REPO, file));
    const env = backendEnvironment(s);
    // Every contract variable is generated except the optional HOST and EDGEKIT_VERSION (the backend's defaults), unless backend.env sets them.
    const optional = new Set<string>([CONTRACT_ENV.host, CONTRACT_ENV.version]);
    const expected = [...contractNames].filter((n) => !optional.has(n) || Object.hasOwn(s.backend.env, n));
    expect(Object.keys(env).filter((k) => contractNames.has(k)).sort()).toEqual(expected.sort());
    expect(env.NODE_ENV).toBe("production");
    const { httpClient: _h, ...config } = configFromEnv(env);
    expect(config).toMatchObject({
      port: s.backend.port,
      keepAliveTimeoutMs: durationMs(s.backend.keepAliveTimeout),
      headersTimeoutMs: durationMs(s.backend.headersTimeout),
      sseHeartbeatMs: durationMs(s.backend.sseHeartbeat),
      shutdownTimeoutMs: durationMs(s.backend.shutdownTimeout),
    });
    expect(configFromEnv(env).httpClient).toEqual({
      connections: s.backend.httpClient.connections,
      keepAliveTimeoutMs: durationMs(s.backend.httpClient.keepAliveTimeout),
    });
  });

  it("generates exactly the contract's variables for the spec's typed fields, over backend.env", () => {
    const s = spec({
      backend: {
        port: 4000,
        keepAliveTimeout: "75s",
        headersTimeout: "76s",
        sseHeartbeat: "20s",
        shutdownTimeout: "30s",
        httpClient: { connections: 32, keepAliveTimeout: "5s" },
        env: { PORT: "1", NODE_ENV: "development", LOG_LEVEL: "debug" },
      },
    });
    const { LOG_LEVEL, ...env } = backendEnvironment(s);
    expect(LOG_LEVEL).toBe("debug");
    expect(env).toEqual(
      backendEnv({
        nodeEnv: "production",
        port: 4000,
        keepAliveTimeoutMs: 75_000,
        headersTimeoutMs: 76_000,
        sseHeartbeatMs: 20_000,
        shutdownTimeoutMs: 30_000,
        httpClientConnections: 32,
        httpClientKeepAliveTimeoutMs: 5_000,
      }),
    );
  });
});
