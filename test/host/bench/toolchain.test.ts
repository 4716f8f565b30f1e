// Where the benchmark's programs run. The container toolchain for real: HAProxy of Debian forky in
// edgekit-bench:forky, started like the benchmark starts it, found in the host's /proc by pid (its
// CPU and memory are read there), and gone after reap. The host toolchain: PATH lookups.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { containerArgs, containerToolchain, ensureBenchImage, hostToolchain } from "../../../src/bench/toolchain.js";
import { cpuSeconds } from "../../../src/bench/host-stack.js";
import { treeRssKiB } from "../../../src/bench/idle-memory.js";
import { freePort, portOpen } from "../../../src/nginx-check/run-nginx.js";
import { hostNginx, releaseNginx } from "../../../src/nginx-check/runner.js";
import { TESTED_RELEASES } from "../../../src/nginx-features/index.js";

const newest = TESTED_RELEASES.at(-1)!;

describe("containerArgs", () => {
  it("host network, root, each path once at its own path, env, working directory, the program as entrypoint", () => {
    expect(containerArgs("n", "img", "haproxy", ["-db", "-f", "/t/x.cfg"], { paths: ["/t", "/t", "/u"], env: { A: "1" }, cwd: "/t" })).toEqual([
      "run", "--rm", "--name", "n", "--network", "host", "--user", "0:0",
      "-v", "/t:/t", "-v", "/u:/u", "-e", "A=1", "-w", "/t", "--entrypoint", "haproxy", "img", "-db", "-f", "/t/x.cfg",
    ]);
  });
});

describe("hostToolchain", () => {
  it("says which programs are not on PATH", () => {
    const host = hostToolchain(hostNginx());
    expect(host.missing(["h2load", "wrk"])).toEqual([]); // scripts/test installs both
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      // /usr/sbin is searched as well (Debian's daemons live there); wrk and h2load don't.
      expect(host.missing(["h2load", "wrk"])).toEqual(["h2load", "wrk"]);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe(`containerToolchain (Debian ${newest.suite})`, { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "edgekit-toolchain-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the suite's own programs: HAProxy 3.2, Caddy 2.11, h2load 1.70", async () => {
    await ensureBenchImage(newest.suite);
    const tools = containerToolchain(newest, releaseNginx(newest));
    expect(tools.missing(["haproxy", "caddy", "wrk", "h2load"])).toEqual([]);
    expect((await tools.run("haproxy", ["-v"], { paths: [], timeoutMs: 60_000 })).output).toMatch(/HAProxy version 3\.2\./);
    expect((await tools.run("caddy", ["version"], { paths: [], timeoutMs: 60_000 })).output).toMatch(/^v?2\.11\./m);
    expect((await tools.run("h2load", ["--version"], { paths: [], timeoutMs: 60_000 })).output).toMatch(/nghttp2\/1\.70\./);
  });

  it("a server it spawns listens on the host's loopback, is found in /proc by pid, and is gone after reap", async () => {
    await ensureBenchImage(newest.suite);
    const tools = containerToolchain(newest, releaseNginx(newest));
    const port = await freePort();
    const cfg = join(dir, "haproxy.cfg");
    writeFileSync(cfg, `global\n  nbthread 1\ndefaults\n  mode http\n  timeout client 5s\n  timeout server 5s\n  timeout connect 1s\nfrontend f\n  bind 127.0.0.1:${port}\n  http-request return status 200 content-type text/plain string ok\n`);
    const child = tools.spawn("haproxy", ["-db", "-f", cfg], { paths: [dir], cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let pid = 0;
    try {
      let open = false;
      for (let i = 0; i < 100 && !open; i++) {
        open = await portOpen(port);
        if (!open) await new Promise((r) => setTimeout(r, 100));
      }
      expect(open, "haproxy in the container did not listen on the host's loopback").toBe(true);
      pid = await tools.pid(child);
      expect(pid).toBeGreaterThan(0);
      expect(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")).toContain("haproxy");
      expect(cpuSeconds(pid, 100)).not.toBeNull();
      expect(treeRssKiB(pid)).toBeGreaterThan(1000);
    } finally {
      child.kill("SIGTERM");
      await tools.reap(child);
    }
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(await portOpen(port)).toBe(false);
  });
});
