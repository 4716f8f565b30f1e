// The host stack's pieces on real processes: CPU time from /proc, the process tree, the backend's
// connection counter, and a Cleanup that leaves no process or directory behind.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backendEntry, Cleanup, cpuSeconds, parseProcStat, processTree, scrapeCounter, startBackend } from "../../../src/bench/host-stack.js";
import { spec } from "../../support/specs.js";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("/proc", () => {
  it("parses a stat line, also when the command name holds spaces and parentheses", () => {
    const self = parseProcStat(readFileSync("/proc/self/stat", "utf8"));
    expect(self?.ppid).toBe(process.ppid);
    const fields = Array.from({ length: 50 }, (_, i) => String(i));
    fields[1] = "7"; // ppid (field 4)
    fields[11] = "30"; // utime (field 14)
    fields[12] = "12"; // stime (field 15)
    expect(parseProcStat(`4242 (a) (b c) ${fields.join(" ")}`)).toEqual({ ppid: 7, ticks: 42 });
    expect(parseProcStat("garbage")).toBeNull();
  });

  it("counts this process's CPU time, which grows while it works", () => {
    const before = cpuSeconds(process.pid, 100) ?? 0;
    const until = Date.now() + 150;
    while (Date.now() < until) Math.sqrt(Math.random());
    expect(cpuSeconds(process.pid, 100)).toBeGreaterThan(before);
  });

  it("finds a child in the process tree", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      await new Promise((r) => child.once("spawn", r));
      expect(processTree(process.pid)).toContain(child.pid);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("Cleanup", () => {
  it("stops every registered process, runs closers newest first and removes directories", async () => {
    const cleanup = new Cleanup();
    const order: string[] = [];
    const child = cleanup.child(spawn("sleep", ["30"], { stdio: "ignore" }));
    const dir = cleanup.dir(mkdtempSync(join(tmpdir(), "edgekit-cleanup-")));
    cleanup.add("first", () => void order.push("first"));
    cleanup.add("second", () => void order.push("second"));
    cleanup.add("broken", () => {
      throw new Error("boom");
    });
    await new Promise((r) => child.once("spawn", r));
    const problems = await cleanup.run();
    expect(problems).toEqual(["broken: boom"]);
    expect(order).toEqual(["second", "first"]);
    expect(alive(child.pid ?? 0)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});

describe("the reference backend", () => {
  it("starts on a free port, and its accepted-connection counter grows by one per fresh scrape", async () => {
    const entry = backendEntry();
    expect(entry, "build first: npm run build (dist/backend) or npm run build:backend").not.toBeNull();
    const cleanup = new Cleanup();
    try {
      const backend = await startBackend(cleanup, entry?.path ?? "", spec());
      const a = await backend.connectionsAccepted();
      const b = await scrapeCounter(backend.port, "backend_tcp_connections_accepted_total");
      expect(b - a).toBe(1);
      expect(alive(backend.pid)).toBe(true);
      await cleanup.run();
      expect(alive(backend.pid)).toBe(false);
    } finally {
      await cleanup.run();
    }
  });
});
