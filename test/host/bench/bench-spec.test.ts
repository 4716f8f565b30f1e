// The bench spec: the user's spec changed only where a measurement needs it (and each change
// noted), and the variants derived from the Spec object, checked on the nginx config they render.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compressionOffVariant, deriveBenchSpec, poolOffVariant, routeFor, workerCount } from "../../../src/bench/bench-spec.js";
import { renderNginxConf } from "../../../src/targets/index.js";
import { REPO, spec, specFromFile } from "../../support/specs.js";

const env = { backendPort: 45678, nginxVersion: "1.22.1" };
const render = (s: Parameters<typeof renderNginxConf>[0]) => renderNginxConf(s, { specName: "spec.yaml", specDirFromOutput: "." });
/** The text of one rendered location block, found by edgekit's marker comment. */
const location = (conf: string, marker: string) => {
  const start = conf.indexOf(`# route ${marker}`);
  return start < 0 ? "" : conf.slice(start, conf.indexOf("\n        }", start));
};

describe("deriveBenchSpec on the default spec.yaml", () => {
  const input = specFromFile(join(REPO, "spec.yaml"));
  const bench = deriveBenchSpec(input, env);
  const conf = render(bench.spec);

  it("loads /api/tools through /api/ without its 100r/s rate limit, and says so", () => {
    expect(bench.toolsPath).toBe("/api/tools");
    expect(routeFor(bench.spec.routes!, "/api/tools")?.route.path).toBe("/api/");
    expect(location(conf, "/api/ (api)")).not.toContain("limit_req");
    expect(bench.notes.join("\n")).toMatch(/route \/api\/ \(prefix\): rate limit 100r\/s burst 200 removed/);
  });

  it("keeps the limits of routes the load never reaches (/health)", () => {
    expect(location(conf, "/health (health)")).toContain("limit_req zone=rl_health_exact");
  });

  it("uses the spec's own micro-cached route, /api/v1/config", () => {
    expect(bench.cachedPath).toBe("/api/v1/config");
    expect(location(conf, "/api/v1/config (api)")).toContain("proxy_cache edgekit_cache;");
    expect(bench.spec.routes!).toHaveLength(input.routes!.length);
  });

  it("points every upstream server at the local backend", () => {
    expect(conf).toContain("server 127.0.0.1:45678 ");
    expect(bench.notes[0]).toContain("127.0.0.1:45678");
  });

  it("leaves the input spec untouched", () => {
    expect(input).toEqual(specFromFile(join(REPO, "spec.yaml")));
  });
});

describe("deriveBenchSpec adds what a scenario needs", () => {
  it("a /api/tools route and a micro-cached route when the spec has neither", () => {
    const s = spec({ routes: [{ kind: "api", path: "/v2/" }, { kind: "static", path: "/api/" }] });
    const bench = deriveBenchSpec(s, env);
    expect(routeFor(bench.spec.routes!, "/api/tools")?.route).toMatchObject({ kind: "api", path: "/api/tools", match: "exact", upstream: "app" });
    expect(bench.cachedPath).toBe("/api/cacheable");
    expect(routeFor(bench.spec.routes!, "/api/cacheable")?.route).toMatchObject({ kind: "api", cache: { valid: [{ statuses: [200], time: "30s" }], lock: true } });
    expect(bench.notes.join("\n")).toMatch(/added route \/api\/tools \(exact, api\): \/api\/ is a static route/);
    expect(bench.notes.join("\n")).toMatch(/added route \/api\/cacheable/);
  });

  it("an uncached /api/tools route when a cached prefix covers it, which stays the cache scenario's route", () => {
    const s = spec({ routes: [{ kind: "api", path: "/api/", cache: {}, rateLimit: { rate: "5r/s" } }] });
    const bench = deriveBenchSpec(s, env);
    const tools = routeFor(bench.spec.routes!, "/api/tools")?.route;
    expect(tools).toMatchObject({ path: "/api/tools", match: "exact" });
    expect(tools && "cache" in tools ? tools.cache : undefined).toBeUndefined();
    expect(bench.cachedPath).toBe("/api/v1/config");
    expect(routeFor(bench.spec.routes!, "/api/v1/config")?.route.rateLimit).toBeUndefined();
  });

  it("TLS and HTTP/2 when the spec turns them off, and nginx syntax the installed nginx reads", () => {
    const s = spec({ tls: { enabled: false }, http2: { enabled: false }, nginx: { version: "1.27.0" } });
    const bench = deriveBenchSpec(s, env);
    expect(bench.spec.tls.enabled).toBe(true);
    expect(bench.spec.http2.enabled).toBe(true);
    expect(bench.spec.nginx.version).toBe("1.22.1");
    expect(bench.notes.map((n) => n.split(" ").slice(0, 2).join(" "))).toEqual(["every upstream", "tls.enabled turned", "http2.enabled turned", "nginx.version 1.27.0", "added route"]);
  });
});

describe("variants", () => {
  const bench = deriveBenchSpec(specFromFile(join(REPO, "spec.yaml")), env).spec;

  it("pool off: no keepalive in the upstream, nothing else changed", () => {
    const on = render(bench);
    const off = render(poolOffVariant(bench));
    expect(on).toMatch(/upstream gateway \{[^}]*keepalive 128;/);
    expect(off).not.toMatch(/upstream gateway \{[^}]*keepalive \d+;/);
    const strip = (c: string) => c.replace(/\n\s*keepalive(_timeout|_requests)? [^;]+;/g, "");
    expect(strip(off)).toBe(strip(on));
  });

  it("compression off: no gzip or brotli, nothing else changed", () => {
    const off = render(compressionOffVariant(bench));
    expect(off).not.toMatch(/^\s*gzip on;/m);
    expect(off).not.toMatch(/^\s*brotli on;/m);
    expect(off).toContain("keepalive 128;");
  });

  it("workers: auto is one per core", () => {
    expect(workerCount(bench, 2)).toBe(2);
    expect(workerCount({ ...bench, nginx: { ...bench.nginx, workerProcesses: 4 } }, 2)).toBe(4);
  });
});
