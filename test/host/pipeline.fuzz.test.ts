// Property-based fuzzing of the whole pipeline (issue: "no spec can produce a broken or unsafe edge").
// Specs are drawn from the schema's space by test/support/spec-arbitrary.ts; the checks live there
// too, so `node bench/fuzz.mjs --runs N` runs exactly these properties with many more cases.
//
// Run counts come from one knob: FUZZ_RUNS (default below, sized so the whole file stays under a
// minute in CI). The seed is fixed (FUZZ_SEED) so CI is reproducible; each property runs with
// FUZZ_SEED plus its stream number (params' second argument). fast-check prints the seed and the
// shrunk counterexample of a failure: FUZZ_SEED=<printed seed minus the stream number> replays it, e.g.
// `FUZZ_SEED=42 FUZZ_RUNS=2000 npx vitest run --project host test/host/pipeline.fuzz.test.ts`.
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSpecText } from "../../src/pipeline.js";
import {
  arbitraryDocument,
  checkAccepted,
  checkCliRejects,
  checkDeterministic,
  checkNoInjection,
  checkRejected,
  KNOWN_RULES,
  sharedCertNginxChecker,
  specText,
  validSpecInput,
  WAIVABLE_RULES,
  type NginxChecker,
} from "../support/spec-arbitrary.js";

/**
 * Cases per property. 400 keeps the file near 50 s on a 2-core CI machine: a passing case costs
 * ~50 ms in the nginx property (compile, lint, nginx -t, promtool), 8-17 ms in the others.
 */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_251_122);
/** The CLI costs a Node start (~190 ms) per case: a sample. */
const CLI_RUNS = Math.max(5, Math.round(FUZZ_RUNS / 15));
/** nginxTest() makes certificates with openssl and docker-compose is Python (~450 ms together): a smaller sample. */
const SAMPLE_RUNS = Math.max(5, Math.round(FUZZ_RUNS / 40));
const REPO = fileURLToPath(new URL("../../", import.meta.url));
/** Each property its own stream of cases (two properties on one arbitrary would otherwise see the same ones). */
const params = (numRuns: number, stream: number) => ({ numRuns, seed: FUZZ_SEED + stream });
/** Generous: the nginx property is budgeted at ~60 s for the default run count. */
const timeout = (perCaseMs: number, runs: number) => 30_000 + perCaseMs * runs * 3;

function tally<T extends string>(): { add(t: T): void; counts: Partial<Record<T, number>> } {
  const counts: Partial<Record<T, number>> = {};
  return { counts, add: (t) => void (counts[t] = (counts[t] ?? 0) + 1) };
}

describe("the generators", () => {
  it("draw specs the schema and rules mostly accept, covering every section, route kind and named nginx version", () => {
    const docs = fc.sample(validSpecInput(), { numRuns: 300, seed: FUZZ_SEED });
    const accepted = docs.map((d) => validateSpecText(specText(d), "spec.yaml")).filter((v) => v.spec && !v.diagnostics.some((d) => d.severity === "error"));
    expect(accepted.length / docs.length).toBeGreaterThan(0.6);
    const kinds = new Set(accepted.flatMap((v) => v.spec!.routes.map((r) => r.kind)));
    expect([...kinds].sort()).toEqual(["api", "health", "metrics", "sse", "static", "websocket"]);
    expect(new Set(accepted.map((v) => v.spec!.tls.enabled))).toEqual(new Set([true, false]));
    for (const version of ["1.22.1", "1.24.0", "1.27.3"]) expect(accepted.some((v) => v.spec!.nginx.version === version)).toBe(true);
    expect(accepted.some((v) => Object.keys(v.spec!.upstreams).length === 4)).toBe(true);
    expect(Math.max(...accepted.map((v) => v.spec!.routes.length))).toBeLessThanOrEqual(12);
    const specs = accepted.map((v) => v.spec!);
    const some = (what: string, test: (s: (typeof specs)[number]) => boolean) => expect(specs.some(test), what).toBe(true);
    some("OCSP stapling", (s) => s.tls.enabled && s.tls.ocspStapling.enabled);
    some("HSTS preload", (s) => s.tls.hsts.preload);
    some("HTTP/3", (s) => s.tls.http3);
    some("realIp", (s) => s.realIp.enabled);
    some("metrics off", (s) => !s.metrics.enabled);
    some("an IPv6 upstream server", (s) => Object.values(s.upstreams).some((u) => u.servers.some((x) => x.host.includes(":"))));
    some("a backup server", (s) => Object.values(s.upstreams).some((u) => u.servers.some((x) => x.backup)));
    some("a rate limit with a delay", (s) => s.routes.some((r) => typeof r.rateLimit?.delay === "number"));
    some("a cached route", (s) => s.routes.some((r) => r.kind === "api" && r.cache !== undefined));
    some("an IPv6 access list", (s) => s.routes.some((r) => r.access?.allow.some((a) => a.includes(":"))));
    some("a header value full of nginx syntax", (s) => s.routes.some((r) => Object.values(r.headers).some((v) => /[;{}"'\\#]/.test(v))));
    some("combined logs", (s) => s.logging.access.format === "combined");
    some("brotli off", (s) => !s.compression.brotli.enabled);
    some("a waiver", (s) => s.waive.length > 0);
    some("the backend disabled", (s) => !s.backend.enabled);
    for (const rule of WAIVABLE_RULES) expect(KNOWN_RULES).toContain(rule);
  });

  it("draw documents that are mostly rejected, through every kind of mutation", () => {
    const docs = fc.sample(arbitraryDocument(), { numRuns: 300, seed: FUZZ_SEED });
    const rejected = docs.filter((d) => validateSpecText(d.text, "spec.yaml").diagnostics.some((x) => x.severity === "error"));
    expect(rejected.length / docs.length).toBeGreaterThan(0.6);
    const kinds = new Set(docs.flatMap((d) => d.mutations.map((m) => m.kind)));
    expect([...kinds].sort()).toEqual(["delete", "inject", "inject-key", "out-of-range", "root", "text", "unknown-key", "wrong-type"]);
  });
});

describe("property: accepted specs render configs that lint clean and real nginx -t accepts", () => {
  let nginx: NginxChecker;
  beforeAll(async () => {
    nginx = await sharedCertNginxChecker();
  });
  afterAll(() => nginx?.close());

  it(
    `${FUZZ_RUNS} specs`,
    async () => {
      expect(nginx.installed, "nginx not found: apt-get install nginx libnginx-mod-http-brotli-filter").toMatch(/^\d+\.\d+\.\d+$/);
      const outcomes = tally<"rejected" | "nginx-ok" | "nginx-unavailable">();
      const started = Date.now();
      try {
        await fc.assert(
          fc.asyncProperty(validSpecInput(), async (doc) => {
            outcomes.add(await checkAccepted(doc, { nginx }));
          }),
          params(FUZZ_RUNS, 1),
        );
      } finally {
        console.log(`accepted-specs (checks run, shrinking included): ${JSON.stringify(outcomes.counts)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    },
    timeout(60, FUZZ_RUNS),
  );

  it(
    `${SAMPLE_RUNS} specs also through the real nginxTest() (fresh certificates) and docker-compose config`,
    async () => {
      const outcomes = tally<"rejected" | "nginx-ok" | "nginx-unavailable">();
      try {
        await fc.assert(
          fc.asyncProperty(validSpecInput(), async (doc) => {
            outcomes.add(await checkAccepted(doc, { nginx, crossCheckNginxTest: true, dockerCompose: true }));
          }),
          params(SAMPLE_RUNS, 2),
        );
      } finally {
        console.log(`accepted-specs with nginxTest and docker-compose (checks run, shrinking included): ${JSON.stringify(outcomes.counts)}`);
      }
    },
    timeout(600, SAMPLE_RUNS),
  );
});

describe("property: rejected specs get a clear error and nothing is written", () => {
  it(`${FUZZ_RUNS} documents: every error has a message, a spec path and a line:column`, () => {
    const outcomes = tally<"accepted" | "rejected">();
    try {
      fc.assert(
        fc.property(arbitraryDocument(), (doc) => {
          outcomes.add(checkRejected(doc));
        }),
        params(FUZZ_RUNS, 3),
      );
    } finally {
      console.log(`rejected-specs: ${JSON.stringify(outcomes.counts)}`);
    }
  }, timeout(20, FUZZ_RUNS));

  it(
    `${CLI_RUNS} documents through the real CLI: exit 2, out/ byte-identical`,
    async () => {
      const outcomes = tally<"skipped" | "rejected">();
      try {
        await fc.assert(
          fc.asyncProperty(arbitraryDocument(), async (doc) => {
            outcomes.add(await checkCliRejects(doc, REPO));
          }),
          params(CLI_RUNS, 4),
        );
      } finally {
        console.log(`cli-rejects: ${JSON.stringify(outcomes.counts)}`);
      }
    },
    timeout(250, CLI_RUNS),
  );
});

describe("property: rendering is deterministic", () => {
  it(`${FUZZ_RUNS} specs: the same spec twice, and with its keys reordered, gives the same files`, () => {
    fc.assert(
      fc.property(fc.oneof(validSpecInput(), arbitraryDocument().map((d) => d.value)), fc.integer(), (doc, seed) => {
        checkDeterministic(doc, seed);
      }),
      params(FUZZ_RUNS, 5),
    );
  }, timeout(20, FUZZ_RUNS));
});

describe("property: no string field can inject a directive", () => {
  it(`${FUZZ_RUNS} specs full of nginx syntax in headers, CSP and Permissions-Policy render exactly the intended directives`, () => {
    const outcomes = tally<"checked" | "rejected">();
    try {
      fc.assert(
        fc.property(validSpecInput({ headerHeavy: true }), (doc) => {
          outcomes.add(checkNoInjection(doc));
        }),
        params(FUZZ_RUNS, 6),
      );
    } finally {
      console.log(`no-injection: ${JSON.stringify(outcomes.counts)}`);
    }
  }, timeout(20, FUZZ_RUNS));
});
