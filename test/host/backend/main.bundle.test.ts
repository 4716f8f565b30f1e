/**
 * The container image copies one bundled file (npm run build:backend); this builds it the same
 * way and proves the bundle alone serves and shuts down cleanly, with no node_modules beside it.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, request, waitFor } from "../../support/reference-backend.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const isolated = mkdtempSync(join(tmpdir(), "edgekit-bundle-"));
afterAll(() => rmSync(isolated, { recursive: true, force: true }));

describe("the backend bundle", () => {
  it("builds into one file that runs without node_modules and exits 0 on SIGTERM", async () => {
    const build = await execa("npm", ["run", "-s", "build:backend"], { cwd: root, reject: false, all: true });
    expect(build.exitCode, build.all).toBe(0);
    const bundle = join(isolated, "server.mjs");
    copyFileSync(join(root, "deploy/backend/dist/server.mjs"), bundle);

    const port = await freePort();
    const proc = spawn(process.execPath, [bundle], { cwd: isolated, env: { PATH: process.env.PATH ?? "", PORT: String(port) }, stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => proc.on("exit", resolve));
    try {
      await waitFor(async () => (await request(port, "/health").catch(() => null))?.status === 200, 5000);
      const tools = await request(port, "/api/tools");
      expect(tools.status).toBe(200);
      expect(JSON.parse(tools.text)).toHaveLength(40);
    } finally {
      proc.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
