// Helpers the container tests share: where the stack is, and how to look inside it (counters
// read from nginx's stub_status and from each backend's /metrics, commands run in containers).
import { execa } from "execa";
import { inject } from "vitest";
import { request as sharedRequest, type Reply, type RequestOptions } from "../../support/http.js";
import { COMPOSE_FILE, PROJECT, type StackInfo } from "./constants.js";

export const stackInfo: StackInfo | null = inject("stack");
/** For describe.skipIf: true only locally without Docker (CI fails in the global setup instead). */
export const noStack = stackInfo === null;

export function stack(): StackInfo {
  if (!stackInfo) throw new Error("the containers stack is not running");
  return stackInfo;
}

export const httpsUrl = (path: string) => `https://localhost:${stack().httpsPort}${path}`;
export const httpUrl = (path: string) => `http://localhost:${stack().httpPort}${path}`;

export const container = (service: string, index = 1) => `${PROJECT}_${service}_${index}`;

/** Runs a command in a container (docker exec), returning stdout; throws with stderr on failure. */
export async function dockerExec(service: string, command: string[], index = 1): Promise<string> {
  const result = await execa("docker", ["exec", container(service, index), ...command], { reject: false });
  if (result.exitCode !== 0) throw new Error(`docker exec ${container(service, index)} ${command.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

export function compose(...args: string[]) {
  return execa("docker-compose", ["-p", PROJECT, "-f", COMPOSE_FILE, ...args], { reject: false, all: true });
}

export type { Reply };

/** One HTTP/1.1 request trusting the stack's dev CA; a fresh connection unless an agent is given. */
export function request(url: string, options: Omit<RequestOptions, "ca"> = {}): Promise<Reply> {
  return sharedRequest(url, { ...options, ca: stack().caCert });
}

export interface NginxStatus {
  active: number;
  accepts: number;
  handled: number;
  requests: number;
}

/** nginx's stub_status, read from inside the nginx container (loopback is on the allow list). */
export async function nginxStatus(): Promise<NginxStatus> {
  const text = await dockerExec("nginx", ["curl", "-fsS", `http://127.0.0.1:${stack().httpPort}/nginx_status`]);
  const [, accepts, handled, requests] = /\s(\d+)\s+(\d+)\s+(\d+)/.exec(text) ?? [];
  return { active: Number(/Active connections:\s+(\d+)/.exec(text)?.[1]), accepts: Number(accepts), handled: Number(handled), requests: Number(requests) };
}

/**
 * Waits until the nginx container's next health check is at least `gapMs` away. The check (curl in
 * the container, every interval after the previous one ended) opens a connection nginx counts, so a
 * window of connection counting must not contain one.
 */
async function quietFromHealthCheck(gapMs: number): Promise<void> {
  const result = await execa("docker", ["inspect", "--format", "{{.Config.Healthcheck.Interval}} {{json .State.Health.Log}}", container("nginx")], { reject: false });
  const [intervalNs, ...rest] = String(result.stdout).split(" ");
  const log = JSON.parse(rest.join(" ") || "[]") as Array<{ End: string }>;
  const lastEnd = Date.parse(log.at(-1)?.End ?? "");
  const interval = Number(intervalNs) / 1e6;
  if (!Number.isFinite(lastEnd) || !(interval > 0)) return;
  const next = lastEnd + interval;
  const wait = next - Date.now();
  if (wait > -2000 && wait < gapMs) await new Promise((r) => setTimeout(r, Math.max(0, wait) + 1500)); // past the next check and its curl
}

/**
 * Client connections nginx accepted while `work` ran (the status reads' own connections excluded),
 * in a window kept clear of the container's own health check. `quietMs`: how long `work` may take.
 */
export async function acceptedDuring(work: () => Promise<unknown>, quietMs = 4000): Promise<number> {
  await quietFromHealthCheck(quietMs);
  const before = await nginxStatus();
  await work();
  const after = await nginxStatus();
  return after.accepts - before.accepts - 1;
}

export const BACKEND_REPLICAS = 2;

/** A counter summed over every backend replica, read from inside each (the read opens one connection each). */
export async function backendCounter(name: string, labels: Record<string, string> = {}): Promise<number> {
  let total = 0;
  for (let i = 1; i <= BACKEND_REPLICAS; i++) {
    const text = await dockerExec("backend", ["node", "-e", "fetch('http://127.0.0.1:3000/metrics').then(r=>r.text()).then(t=>process.stdout.write(t))"], i);
    for (const line of text.split("\n")) {
      if (!line.startsWith(name)) continue;
      const match = /^([a-z_]+)(\{[^}]*\})?\s+([0-9.e+-]+)$/.exec(line);
      if (!match || match[1] !== name) continue;
      const lineLabels = match[2] ?? "";
      if (Object.entries(labels).every(([k, v]) => lineLabels.includes(`${k}="${v}"`))) total += Number(match[3]);
    }
  }
  return total;
}

/** Backend TCP connections accepted while `work` ran, net of the metric reads' own connections. */
export async function backendConnectionsDuring(work: () => Promise<unknown>): Promise<number> {
  const before = await backendCounter("backend_tcp_connections_accepted_total");
  await work();
  const after = await backendCounter("backend_tcp_connections_accepted_total");
  return after - before - BACKEND_REPLICAS;
}
