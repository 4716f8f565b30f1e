// Why rule rate-limit-scope exists: two nginx instances rendered from one spec each count a rate
// limit on their own, so a client whose requests are spread over both gets twice the rate. Then
// the rule: it warns while the spec does not say it means the limit per instance.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRules } from "../../../src/rules/index.js";
import type { Spec, SpecInput } from "../../../src/spec/schema.js";
import { request } from "../../support/http.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { spec } from "../../support/specs.js";
import { startTestBackend, type TestBackend } from "../../support/test-backend.js";

const at = () => ({ line: 1, column: 1 });
const limited = (extra: Partial<SpecInput> = {}): Spec =>
  spec({ routes: [{ kind: "api", path: "/", rateLimit: { rate: "6r/m" } }, { kind: "api", path: "/open/" }], ...extra } as Partial<SpecInput>);
const scopeFindings = (s: Spec) => runRules(s, at).filter((d) => d.code === "rate-limit-scope");

describe("a rate limit on two nginx instances of one spec (the real nginx)", () => {
  let backend: TestBackend;
  const edges: RunningNginx[] = [];
  beforeAll(async () => {
    backend = await startTestBackend();
    const s = spec({
      nginx: { version: "1.22.1" },
      tls: { enabled: false },
      upstreams: { app: { servers: [{ host: "127.0.0.1", port: backend.port }] } },
      routes: [{ kind: "api", path: "/", rateLimit: { rate: "6r/m" } }],
      backend: { enabled: false },
    } as Partial<SpecInput>);
    for (let i = 0; i < 2; i++) edges.push(await startNginx(s));
  }, 60_000);
  afterAll(async () => {
    for (const e of edges) await e.stop();
    await backend?.close();
  });

  it("admits the rate once per instance: 6r/m lets 1 of 5 quick requests through on each, 2 of 10 in all", async () => {
    const statuses: number[][] = [[], []];
    for (let i = 0; i < 10; i++) {
      const edge = i % 2;
      const reply = await request(`http://127.0.0.1:${edges[edge]!.httpPort}/x`, { headers: { host: "app.example.com" } });
      statuses[edge]!.push(reply.status);
    }
    const admitted = statuses.map((s) => s.filter((x) => x === 200).length);
    console.log(`[figure] 10 requests alternating over 2 nginx instances, limit 6r/m: ${admitted.join(" + ")} admitted, the rest ${[...new Set(statuses.flat().filter((x) => x !== 200))].join(",")}`);
    expect(admitted).toEqual([1, 1]);
    expect(statuses.flat().filter((x) => x === 429)).toHaveLength(8);
  });
});

describe("rule rate-limit-scope", () => {
  it("is silent for one edge instance (kubernetes and swarm off, or one replica without autoscaling)", () => {
    expect(scopeFindings(limited())).toEqual([]);
    expect(scopeFindings(limited({ kubernetes: { enabled: true, edge: { replicas: 1, minAvailable: 0, autoscaling: { enabled: false } } } } as Partial<SpecInput>))).toEqual([]);
  });

  it("warns on every rate-limited route when the edge may run several replicas, naming the most", () => {
    const found = scopeFindings(limited({ kubernetes: { enabled: true } } as Partial<SpecInput>));
    expect(found).toEqual([
      expect.objectContaining({ severity: "warning", path: ["routes", 0, "rateLimit"], message: expect.stringContaining("the edge runs up to 6"), fix: expect.stringContaining("rateLimitScope: perInstance") }),
    ]);
    const fixed = scopeFindings(limited({ kubernetes: { enabled: true, edge: { replicas: 3, autoscaling: { enabled: false } } } } as Partial<SpecInput>));
    expect(fixed[0]!.message).toContain("up to 3");
  });

  it("is silent once the spec says the limit is per instance, and for routes without a limit", () => {
    expect(scopeFindings(limited({ kubernetes: { enabled: true, edge: { rateLimitScope: "perInstance" } } } as Partial<SpecInput>))).toEqual([]);
    expect(scopeFindings(spec({ kubernetes: { enabled: true } } as Partial<SpecInput>))).toEqual([]);
  });

  it("warns for a Swarm edge: global runs one nginx per node, however many nodes join", () => {
    const found = scopeFindings(limited({ swarm: { enabled: true } } as Partial<SpecInput>));
    expect(found).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: ["routes", 0, "rateLimit"],
        message: expect.stringContaining("one per Swarm node"),
        fix: expect.stringContaining("swarm.edge.rateLimitScope: perInstance"),
      }),
    ]);
  });

  it("warns for a replicated Swarm edge of several tasks, not of one", () => {
    const three = scopeFindings(limited({ swarm: { enabled: true, edge: { mode: "replicated", replicas: 3 } } } as Partial<SpecInput>));
    expect(three).toHaveLength(1);
    expect(three[0]!.message).toContain("runs 3 (swarm.edge.replicas)");
    expect(scopeFindings(limited({ swarm: { enabled: true, edge: { mode: "replicated", replicas: 1 } } } as Partial<SpecInput>))).toEqual([]);
  });

  it("is silent for Swarm once swarm.edge says perInstance, and asks each replicated target on its own", () => {
    expect(scopeFindings(limited({ swarm: { enabled: true, edge: { rateLimitScope: "perInstance" } } } as Partial<SpecInput>))).toEqual([]);
    const both = scopeFindings(limited({ swarm: { enabled: true }, kubernetes: { enabled: true, edge: { rateLimitScope: "perInstance" } } } as Partial<SpecInput>));
    expect(both.map((f) => f.fix)).toEqual([expect.stringContaining("swarm.edge.rateLimitScope")]);
    const neither = scopeFindings(limited({ swarm: { enabled: true }, kubernetes: { enabled: true } } as Partial<SpecInput>));
    expect(neither.map((f) => f.fix)).toEqual([expect.stringContaining("kubernetes.edge.rateLimitScope"), expect.stringContaining("swarm.edge.rateLimitScope")]);
  });
});
