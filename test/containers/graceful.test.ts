// Zero-downtime operations under a steady request loop: restarting each backend replica (SIGTERM:
// the backend drains) and reloading nginx (old workers finish their requests) fail no request.
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { reloadNginx } from "./support/nginx-config.js";
import { container, httpsUrl, noStack, request } from "./support/stack.js";

async function waitHealthy(name: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await execa("docker", ["inspect", "-f", "{{.State.Health.Status}}", name], { reject: false });
    if (state.stdout.trim() === "healthy") return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} not healthy within ${timeoutMs} ms`);
}

describe.skipIf(noStack)("graceful restart", () => {
  it("backend restarts (SIGTERM) and an nginx reload under load fail no request", async () => {
    const outcomes = { ok: 0, failed: [] as string[] };
    let running = true;
    const client = async () => {
      while (running) {
        try {
          const reply = await request(httpsUrl("/api/tools"));
          if (reply.status === 200) outcomes.ok++;
          else outcomes.failed.push(`status ${reply.status}`);
        } catch (error) {
          outcomes.failed.push((error as Error).message);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const clients = Array.from({ length: 4 }, client);
    try {
      await new Promise((r) => setTimeout(r, 500));
      for (const replica of [1, 2]) {
        const name = container("backend", replica);
        const restarted = await execa("docker", ["restart", "-t", "15", name], { reject: false, all: true });
        expect(restarted.exitCode, restarted.all).toBe(0);
        await waitHealthy(name);
        await reloadNginx();
      }
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      running = false;
      await Promise.all(clients);
    }
    const logs = await execa("docker", ["logs", "--since", "2m", container("backend", 1)], { reject: false, all: true });
    console.log(`[figure] graceful restart: ${outcomes.ok} requests ok, ${outcomes.failed.length} failed while 2 backends restarted and nginx reloaded twice`);
    expect(String(logs.all)).toMatch(/"msg":"shutdown complete","reason":"SIGTERM"/);
    expect(outcomes.failed).toEqual([]);
    expect(outcomes.ok).toBeGreaterThan(50);
  });
});
