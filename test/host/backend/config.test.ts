import { describe, expect, it } from "vitest";
import { ConfigError, configFromEnv } from "../../../src/backend/config.js";

describe("configFromEnv", () => {
  it("uses the documented defaults when nothing is set", () => {
    expect(configFromEnv({})).toEqual({
      port: 3000,
      host: "0.0.0.0",
      keepAliveTimeoutMs: 65_000,
      headersTimeoutMs: 66_000,
      sseHeartbeatMs: 15_000,
      shutdownTimeoutMs: 10_000,
      httpClient: { connections: 16, keepAliveTimeoutMs: 4_000 },
      version: "dev",
    });
  });

  it("reads every variable verbatim", () => {
    const config = configFromEnv({
      PORT: "8080",
      HOST: "127.0.0.1",
      EDGEKIT_KEEP_ALIVE_TIMEOUT_MS: "75000",
      EDGEKIT_HEADERS_TIMEOUT_MS: "76000",
      EDGEKIT_SSE_HEARTBEAT_MS: "20000",
      EDGEKIT_SHUTDOWN_TIMEOUT_MS: "25000",
      EDGEKIT_HTTP_CLIENT_CONNECTIONS: "64",
      EDGEKIT_HTTP_CLIENT_KEEP_ALIVE_TIMEOUT_MS: "9000",
      EDGEKIT_VERSION: "1.4.2",
    });
    expect(config).toEqual({
      port: 8080,
      host: "127.0.0.1",
      keepAliveTimeoutMs: 75_000,
      headersTimeoutMs: 76_000,
      sseHeartbeatMs: 20_000,
      shutdownTimeoutMs: 25_000,
      httpClient: { connections: 64, keepAliveTimeoutMs: 9_000 },
      version: "1.4.2",
    });
  });

  it("treats empty values as unset and ignores unrelated variables", () => {
    const config = configFromEnv({ PORT: "", EDGEKIT_VERSION: "  ", KEEP_ALIVE: "1", EDGEKIT_PORT: "1" });
    expect(config.port).toBe(3000);
    expect(config.version).toBe("dev");
  });

  it("accepts the port bounds 1 and 65535", () => {
    expect(configFromEnv({ PORT: "1" }).port).toBe(1);
    expect(configFromEnv({ PORT: "65535" }).port).toBe(65535);
  });

  const integerVars = [
    "PORT",
    "EDGEKIT_KEEP_ALIVE_TIMEOUT_MS",
    "EDGEKIT_HEADERS_TIMEOUT_MS",
    "EDGEKIT_SSE_HEARTBEAT_MS",
    "EDGEKIT_SHUTDOWN_TIMEOUT_MS",
    "EDGEKIT_HTTP_CLIENT_CONNECTIONS",
    "EDGEKIT_HTTP_CLIENT_KEEP_ALIVE_TIMEOUT_MS",
  ];
  const badValues = ["0", "-5", "abc", "1.5", "12ms", "1e3", "0x10", "99999999999999999999"];

  for (const name of integerVars) {
    for (const value of badValues) {
      it(`rejects ${name}=${value} and names the variable and value`, () => {
        let caught: unknown;
        try {
          configFromEnv({ [name]: value });
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(ConfigError);
        const err = caught as ConfigError;
        expect(err.variable).toBe(name);
        expect(err.value).toBe(value);
        expect(err.message).toContain(name);
        expect(err.message).toContain(value);
      });
    }
  }

  it("rejects ports above 65535", () => {
    expect(() => configFromEnv({ PORT: "65536" })).toThrow(/PORT="65536".*at most 65535/);
  });

  it("rejects timeouts a Node timer cannot represent", () => {
    expect(() => configFromEnv({ EDGEKIT_SSE_HEARTBEAT_MS: "2147483648" })).toThrow(/EDGEKIT_SSE_HEARTBEAT_MS="2147483648"/);
  });

  it("requires the headers timeout to exceed the keep-alive timeout", () => {
    expect(() => configFromEnv({ EDGEKIT_KEEP_ALIVE_TIMEOUT_MS: "66000" })).toThrow(
      /EDGEKIT_HEADERS_TIMEOUT_MS="66000".*EDGEKIT_KEEP_ALIVE_TIMEOUT_MS \(66000\)/,
    );
    expect(() => configFromEnv({ EDGEKIT_HEADERS_TIMEOUT_MS: "1000", EDGEKIT_KEEP_ALIVE_TIMEOUT_MS: "5000" })).toThrow(
      /EDGEKIT_HEADERS_TIMEOUT_MS="1000"/,
    );
    expect(configFromEnv({ EDGEKIT_HEADERS_TIMEOUT_MS: "5001", EDGEKIT_KEEP_ALIVE_TIMEOUT_MS: "5000" }).headersTimeoutMs).toBe(5001);
  });
});
