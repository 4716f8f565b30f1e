/**
 * Runs src/backend/main.ts as a real child process with Node's built-in type stripping.
 * Node does not map the NodeNext `./x.js` import suffixes to `./x.ts`; the preload
 * test/support/ts-js-resolve.mjs does that (and nothing else), so no build step is needed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, request, waitFor } from "../../support/reference-backend.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const entry = fileURLToPath(new URL("../../../src/backend/main.ts", import.meta.url));
const preload = fileURLToPath(new URL("../../support/ts-js-resolve.mjs", import.meta.url));

interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  lines(): Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const proc of children.splice(0)) if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
});

function runMain(env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ["--import", preload, entry], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", NODE_NO_WARNINGS: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(proc);
  let out = "";
  let err = "";
  proc.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  proc.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    lines: () =>
      out
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited,
  };
}

describe("main.ts (child process)", () => {
  it("logs one JSON line on start, finishes an in-flight request on SIGTERM, exits 0", async () => {
    const port = await freePort();
    const child = runMain({ PORT: String(port), HOST: "127.0.0.1", EDGEKIT_VERSION: "9.9.9", EDGEKIT_SHUTDOWN_TIMEOUT_MS: "5000" });
    await waitFor(() => child.stdout().includes("\n"), 10_000, `startup line (stderr: ${child.stderr()})`);
    const [startLine] = child.lines();
    expect(startLine).toMatchObject({ level: "info", msg: "listening", port, host: "127.0.0.1", version: "9.9.9", node: process.version });

    expect((await request(port, "/version")).text).toBe(JSON.stringify({ version: "9.9.9", node: process.version }));

    const t0 = performance.now();
    const slow = request(port, "/api/slow?ms=700");
    // The child gives no per-request signal; 200 ms on loopback is ample for the request to be read.
    await new Promise((r) => setTimeout(r, 200));
    child.proc.kill("SIGTERM");

    const res = await slow;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ sleptMs: 700 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(690);

    const { code, signal } = await child.exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    const msgs = child.lines().map((l) => l.msg);
    expect(msgs).toEqual(["listening", "shutdown started", "shutdown complete"]);
    expect(child.lines()[1]).toMatchObject({ reason: "SIGTERM", inFlight: 1 });
    expect(child.stderr()).toBe("");
  });

  it("SIGINT on an idle server exits 0 promptly", async () => {
    const port = await freePort();
    const child = runMain({ PORT: String(port), HOST: "127.0.0.1" });
    await waitFor(() => child.stdout().includes("\n"), 10_000, `startup line (stderr: ${child.stderr()})`);
    const t = performance.now();
    child.proc.kill("SIGINT");
    expect((await child.exited).code).toBe(0);
    expect(performance.now() - t).toBeLessThan(2_000);
  });

  it.each([
    [{ PORT: "70000" }, /PORT="70000"/],
    [{ EDGEKIT_KEEP_ALIVE_TIMEOUT_MS: "soon" }, /EDGEKIT_KEEP_ALIVE_TIMEOUT_MS="soon"/],
    [{ EDGEKIT_KEEP_ALIVE_TIMEOUT_MS: "70000" }, /EDGEKIT_HEADERS_TIMEOUT_MS="66000".*EDGEKIT_KEEP_ALIVE_TIMEOUT_MS/],
  ])("exits 1 with a clear message on bad config %o", async (env, message) => {
    const child = runMain(env);
    const { code } = await child.exited;
    expect(code).toBe(1);
    expect(child.stderr()).toMatch(/^edgekit-backend: invalid configuration: /);
    expect(child.stderr()).toMatch(message);
    expect(child.stdout()).toBe("");
  });
});
