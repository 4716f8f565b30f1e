// The load-tool parsers on real output, captured from h2load 1.52 and wrk 4.1 runs against the
// reference backend and an edge rendered from the default spec (fixtures/), failures included.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { h2loadArgs, parseH2load, parseH2loadLog, parseWrk, ToolError, wrkArgs } from "../../../src/bench/tools.js";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

describe("parseH2load", () => {
  it("reads an h2 run over TLS, with percentiles from its per-request log", () => {
    const r = parseH2load(fixture("h2load-h2.txt"), "h2", fixture("h2load-h2.tsv"));
    expect(r).toMatchObject({ tool: "h2load", protocol: "h2", requests: 40, failed: 0, errored: 0, timeout: 0, httpErrors: 0, reqPerSec: 2015.42, bytesRead: 300978 });
    const samples = parseH2loadLog(fixture("h2load-h2.tsv"));
    expect(samples).toHaveLength(40);
    expect(r.latencyUs?.p50).toBe(samples[19]);
    expect(r.latencyUs?.p99).toBe(samples[39]);
    expect(r.latencyUs?.max).toBe(12071); // h2load printed "max 12.07ms"
    expect(r.latencyUs?.p50).toBeLessThan(r.latencyUs?.p99 ?? 0);
  });

  it("reads an HTTP/1.1 run (--h1)", () => {
    const r = parseH2load(fixture("h2load-h1.txt"), "h1", fixture("h2load-h1.tsv"));
    expect(r.requests).toBe(30);
    expect(r.failed).toBe(0);
    expect(r.latencyUs?.p50).toBeGreaterThan(0);
    expect(r.bytesRead).toBeGreaterThan(0);
  });

  it("reads a timing-based run without a log: h2load's mean and max, no percentiles", () => {
    const r = parseH2load(fixture("h2load-timed.txt"), "h2");
    expect(r).toMatchObject({ requests: 11261, failed: 0, reqPerSec: 11261, bytesRead: 84705340 });
    expect(r.latencyUs?.mean).toBe(333);
    expect(r.latencyUs?.max).toBe(7260);
    expect(r.latencyUs?.p50).toBeNaN();
  });

  it("counts 4xx responses as failed, not errored", () => {
    const r = parseH2load(fixture("h2load-404.txt"), "h2");
    expect(r).toMatchObject({ requests: 20, failed: 20, errored: 0, httpErrors: 20 });
  });

  it("reads a refused connection as every request failed and errored, none done", () => {
    const r = parseH2load(fixture("h2load-refused.txt"), "h1");
    expect(r).toMatchObject({ requests: 0, failed: 10, errored: 10, reqPerSec: 0 });
    expect(r.latencyUs).toBeNull();
  });

  it("throws on output without a summary, quoting its first line", () => {
    expect(() => parseH2load("h2load: unrecognized option '--bogus'\n", "h2")).toThrow(ToolError);
    expect(() => parseH2load("h2load: unrecognized option '--bogus'\n", "h2")).toThrow(/unrecognized option/);
  });
});

describe("parseWrk", () => {
  it("reads the exact figures of the report script's JSON line", () => {
    const r = parseWrk(fixture("wrk-edge.txt"));
    expect(r).toMatchObject({ tool: "wrk", protocol: "h1", requests: 13976, bytesRead: 107727008, failed: 0, errored: 0, timeout: 0 });
    expect(r.reqPerSec).toBeCloseTo(12687.07, 1); // wrk's own "Requests/sec: 12687.07"
    expect(r.latencyUs).toEqual({ p50: 197, p99: 42874, mean: 2241.8, max: 56846 });
  });

  it("counts non-2xx/3xx responses as failed", () => {
    const r = parseWrk(fixture("wrk-404.txt"));
    expect(r).toMatchObject({ requests: 40271, failed: 40271, httpErrors: 40271, errored: 0 });
  });

  it("throws on a refused connection, quoting wrk", () => {
    expect(() => parseWrk(fixture("wrk-refused.txt"))).toThrow(/unable to connect to 127\.0\.0\.1:1 Connection refused/);
  });
});

describe("argument lists", () => {
  it("h2load: h1 gets --h1, h2 gets -m; a duration or a count; headers as -H", () => {
    const base = { url: "https://127.0.0.1:1/x", connections: 10, workDir: "/w" };
    expect(h2loadArgs({ ...base, protocol: "h2", streams: 10, requests: 100000 }, "/w/log")).toEqual(["-c10", "-t1", "--log-file=/w/log", "-m10", "-n100000", "https://127.0.0.1:1/x"]);
    expect(h2loadArgs({ ...base, protocol: "h1", durationSec: 5, headers: { "Accept-Encoding": "gzip" } }, "/w/log")).toEqual([
      "-c10",
      "-t1",
      "--log-file=/w/log",
      "--h1",
      "-D5",
      "-H",
      "Accept-Encoding: gzip",
      "https://127.0.0.1:1/x",
    ]);
  });

  it("wrk: never more threads than connections", () => {
    expect(wrkArgs({ url: "http://127.0.0.1:1/", connections: 1, durationSec: 2, workDir: "/w" }, "s.lua").slice(0, 3)).toEqual(["-t1", "-c1", "-d2s"]);
    expect(wrkArgs({ url: "http://127.0.0.1:1/", connections: 50, durationSec: 2, workDir: "/w" }, "s.lua").slice(0, 3)).toEqual(["-t2", "-c50", "-d2s"]);
  });
});
