import { request as sharedRequest, type Reply, type RequestOptions } from "./http.js";
import net from "node:net";
import type { BackendConfig } from "../../src/backend/config.js";
import type { BackendMetrics } from "../../src/backend/metrics.js";

export function testConfig(overrides: Partial<BackendConfig> = {}): BackendConfig {
  return {
    port: 0,
    host: "127.0.0.1",
    keepAliveTimeoutMs: 5_000,
    headersTimeoutMs: 6_000,
    sseHeartbeatMs: 15_000,
    shutdownTimeoutMs: 3_000,
    httpClient: { connections: 4, keepAliveTimeoutMs: 1_000 },
    version: "test-1.2.3",
    ...overrides,
  };
}

export function request(port: number, path: string, options: RequestOptions = {}): Promise<Reply> {
  return sharedRequest(`http://127.0.0.1:${port}${path}`, options);
}

/** Current value of a metric from the backend's own registry (no scrape connection needed). */
export async function metricValue(metrics: BackendMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} not registered`);
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val));
  return match?.value ?? 0;
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 2_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A raw TCP connection that records everything the server sends and when it closed its side. */
export interface RawConn {
  socket: net.Socket;
  data(): string;
  /** Resolves with the time (performance.now()) the server ended/closed the connection. */
  closed: Promise<number>;
  isClosed(): boolean;
}

export async function rawConnect(port: number): Promise<RawConn> {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let buf = "";
  let done = false;
  socket.setEncoding("utf8");
  socket.on("data", (d: string) => {
    buf += d;
  });
  socket.on("error", () => {});
  const closed = new Promise<number>((resolve) => {
    const mark = (): void => {
      done = true;
      resolve(performance.now());
    };
    socket.once("end", mark);
    socket.once("close", mark);
  });
  return { socket, data: () => buf, closed, isClosed: () => done };
}

/** A TCP port that was free a moment ago (for child processes whose config rejects port 0). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const address = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

export type { Reply, RequestOptions };
