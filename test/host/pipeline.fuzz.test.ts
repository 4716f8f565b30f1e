// Property-based fuzzing of the whole pipeline (issue: "no spec can produce a broken or unsafe edge").
// Specs are drawn from the schema's space by test/support/spec-arbitrary.ts; the checks live there
// too, so `node bench/fuzz.mjs --runs N` runs exactly these properties with many more cases.
// The nginx -t property runs twice: on the host's nginx for specs of every nginx version it can load,
// and once per tested release (TESTED_RELEASES) for specs targeting that release, on the release's
// own nginx (test/support/release-nginx-checker.ts: the host's when it is the release, else
// edgekit's image of it in one container); a release whose image can't be built fails, never skips.
//
// Run counts come from one knob: FUZZ_RUNS (default below, sized so the whole file stays under a
// minute in CI). The seed is fixed (FUZZ_SEED) so CI is reproducible; each property runs with
// FUZZ_SEED plus its stream number (params' second argument). fast-check prints the seed and the
// shrunk counterexample of a failure: FUZZ_SEED=<printed seed minus the stream number> replays it, e.g.
// `FUZZ_SEED=42 FUZZ_RUNS=2000 npx vitest run --project host test/host/pipeline.fuzz.test.ts`.
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enabledCompression, versionGatedFeatures, zstdEnabled } from "../../src/model/nginx.js";
import { hasFeature, TESTED_RELEASES } from "../../src/nginx-features/index.js";
import { validateSpecText } from "../../src/pipeline.js";
import { isRedirectRoute, isRespondRoute } from "../../src/spec/route-kinds.js";
import type { Spec } from "../../src/spec/schema.js";
import { allRoutes } from "../../src/spec/sites.js";
import { NGINX_MAX_QUOTED_ARGUMENT, quotedLength } from "../../src/nginx-syntax/quote.js";
import { releaseNginxChecker } from "../support/release-nginx-checker.js";
import {
  arbitraryDocument,
  checkAccepted,
  checkCliRejects,
  checkDeterministic,
  checkNoInjection,
  checkRejected,
  KNOWN_RULES,
  modelOptionsArb,
  sharedCertNginxChecker,
  specText,
  validSpecInput,
  WAIVABLE_RULES,
  type AcceptedOutcome,
  type NginxChecker,
} from "../support/spec-arbitrary.js";

const routesOf = (spec: Spec) => allRoutes(spec).map((r) => r.route);

/**
 * Cases per property. 400 keeps the file near 50 s on a 2-core CI machine: a passing case costs
 * ~50 ms in the nginx property (compile, lint, nginx -t, promtool), 8-17 ms in the others; the
 * release properties (RELEASE_RUNS) add ~45 s.
 */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_251_122);
/** The CLI costs a Node start (~190 ms) per case: a sample. */
const CLI_RUNS = Math.max(5, Math.round(FUZZ_RUNS / 15));
/** nginxTest() makes certificates with openssl and docker-compose is Python (~450 ms together): a smaller sample. */
const SAMPLE_RUNS = Math.max(5, Math.round(FUZZ_RUNS / 40));
/**
 * Cases per tested release in the release-targeted nginx -t property. Measured on a 2-core machine:
 * ~0.16 s a case on 1.26.3 and ~0.22 s on 1.30.6 in their containers (mostly the docker exec of
 * nginx -t, ~0.15 s, for the ~70% accepted), ~0.05 s on the host's 1.22.1: 100 each (the default)
 * add ~45 s to the file, container starts included.
 */
const RELEASE_RUNS = Math.max(20, Math.round(FUZZ_RUNS / 4));
const REPO = fileURLToPath(new URL("../../", import.meta.url));
/**
 * Each property its own stream of cases (two properties on one arbitrary would otherwise see the same
 * ones). A failure is shrunk locally, for at most SHRINK_BUDGET_MS of the property's run; in CI it is
 * reported as found, unshrunk (shrinking a whole spec through the pipeline once ran for 40 minutes):
 * the printed seed and path replay it locally, where it shrinks.
 */
const SHRINK_BUDGET_MS = 5 * 60_000;
const params = (numRuns: number, stream: number) => ({
  numRuns,
  seed: FUZZ_SEED + stream,
  endOnFailure: process.env.CI === "true",
  interruptAfterTimeLimit: SHRINK_BUDGET_MS,
  markInterruptAsFailure: true,
});
/** Generous: a case costs ~50 ms of nginx -t on a quiet machine; the budget is 3 × the per-case figure plus 30 s. */
const timeout = (perCaseMs: number, runs: number) => 30_000 + perCaseMs * runs * 3;

function tally<T extends string>(): { add(t: T): void; counts: Partial<Record<T, number>> } {
  const counts: Partial<Record<T, number>> = {};
  return { counts, add: (t) => void (counts[t] = (counts[t] ?? 0) + 1) };
}

describe("the generators", () => {
  it("draw specs the schema and rules mostly accept, covering every section, route kind and named nginx version", () => {
    const docs = fc.sample(validSpecInput(), { numRuns: 300, seed: FUZZ_SEED });
    const accepted = docs.map((d) => validateSpecText(specText(d), "spec.yaml")).filter((v) => v.spec && !v.diagnostics.some((d) => d.severity === "error"));
    console.log(`drawn specs accepted: ${accepted.length} of ${docs.length}, ${accepted.filter((v) => v.spec!.sites !== undefined).length} of them with sites`);
    expect(accepted.length / docs.length).toBeGreaterThan(0.6);
    const kinds = new Set(accepted.flatMap((v) => routesOf(v.spec!).map((r) => r.kind)));
    expect([...kinds].sort()).toEqual(["api", "health", "metrics", "redirect", "respond", "sse", "static", "websocket"]);
    expect(new Set(accepted.map((v) => v.spec!.tls.enabled))).toEqual(new Set([true, false]));
    for (const version of ["1.22.1", "1.24.0", "1.27.3"]) expect(accepted.some((v) => v.spec!.nginx.version === version)).toBe(true);
    expect(accepted.some((v) => Object.keys(v.spec!.upstreams).length === 4)).toBe(true);
    expect(Math.max(...accepted.map((v) => routesOf(v.spec!).length))).toBeLessThanOrEqual(12);
    const specs = accepted.map((v) => v.spec!);
    const some = (what: string, test: (s: (typeof specs)[number]) => boolean) => expect(specs.some(test), what).toBe(true);
    some("OCSP stapling", (s) => s.tls.enabled && s.tls.ocspStapling.enabled);
    some("HSTS preload", (s) => s.tls.hsts.preload);
    some("HTTP/3", (s) => s.tls.http3);
    some("realIp", (s) => s.realIp.enabled);
    some("metrics off", (s) => !s.metrics.enabled);
    some("an IPv6 upstream server", (s) => Object.values(s.upstreams).some((u) => u.servers.some((x) => x.host.includes(":"))));
    some("a backup server", (s) => Object.values(s.upstreams).some((u) => u.servers.some((x) => x.backup)));
    some("a rate limit with a delay", (s) => routesOf(s).some((r) => typeof r.rateLimit?.delay === "number"));
    some("a cached route", (s) => routesOf(s).some((r) => r.kind === "api" && r.cache !== undefined));
    some("an IPv6 access list", (s) => routesOf(s).some((r) => r.access?.allow.some((a) => a.includes(":"))));
    some("a header value full of nginx syntax", (s) => routesOf(s).some((r) => Object.values(r.headers).some((v) => v !== null && /[;{}"'\\#]/.test(v))));
    some("combined logs", (s) => s.logging.access.format === "combined");
    some("brotli off", (s) => !s.compression.brotli.enabled);
    some("a waiver", (s) => s.waive.length > 0);
    some("the backend disabled", (s) => !s.backend.enabled);
    // Near the limits nginx has (class 6 of issue 13), so "accepted specs pass nginx -t" exercises them.
    some("a header value at nginx's argument limit", (s) => routesOf(s).some((r) => Object.values(r.headers).some((v) => v !== null && quotedLength(v) >= NGINX_MAX_QUOTED_ARGUMENT - 10)));
    some("an upstream with more servers than a fixed 64k zone held", (s) => Object.values(s.upstreams).some((u) => u.servers.length > 63));
    some("8 or more harmless cookies in one regex", (s) => s.cache.harmlessCookies.length >= 8);
    some("a respond body with `$`, quotes and a newline", (s) => routesOf(s).some((r) => isRespondRoute(r) && /\$/.test(r.body) && /["\n]/.test(r.body)));
    some("a respond body at nginx's argument limit", (s) => routesOf(s).some((r) => isRespondRoute(r) && r.body.length >= 2000));
    some("a redirect keeping the path", (s) => routesOf(s).some((r) => isRedirectRoute(r) && r.keepPath));
    some("a redirect to a URL with `$`", (s) => routesOf(s).some((r) => isRedirectRoute(r) && r.to.startsWith("http") && r.to.includes("$")));
    some("top-level and route error pages", (s) => Object.keys(s.errorPages).length > 0 && routesOf(s).some((r) => Object.keys(r.errorPages).length > 0));
    some("an access list of address-space halves", (s) => routesOf(s).some((r) => r.access?.allow.some((a) => ["0.0.0.0/1", "128.0.0.0/1", "::/1", "8000::/1"].includes(a))));
    // Sites (issue 10): several of them, a host redirect, two certificates on one site, unknown names refused.
    some("three sites", (s) => Object.keys(s.sites ?? {}).length === 3);
    some("a host redirect site", (s) => Object.values(s.sites ?? {}).some((x) => x.redirect !== undefined));
    some("a site with an ECDSA and an RSA certificate", (s) => Object.values(s.sites ?? {}).some((x) => (x.certificates?.length ?? 0) === 2));
    some("a site's own headers", (s) => Object.values(s.sites ?? {}).some((x) => Object.keys(x.headers).length > 0));
    some("a site's own error pages over top-level ones", (s) => Object.keys(s.errorPages).length > 0 && Object.values(s.sites ?? {}).some((x) => Object.keys(x.errorPages).length > 0));
    some("defaultServer refuse with TLS", (s) => s.defaultServer === "refuse" && s.tls.enabled);
    // Headers (issue 10): author headers that replace or remove generated ones, upstream request headers, trust.
    some("a top-level header", (s) => Object.keys(s.headers).length > 0);
    some("a header that removes a generated one", (s) => routesOf(s).some((r) => Object.values(r.headers).includes(null)) || Object.values(s.headers).includes(null));
    some("a request header with a variable", (s) => routesOf(s).some((r) => "requestHeaders" in r && Object.values(r.requestHeaders).some((v) => v.includes("$"))));
    some("TLS terminated by a load balancer", (s) => s.tls.terminatedBy === "loadBalancer");
    some("a request id kept from trusted proxies only", (s) => s.requestId.keepIncoming === "trusted");
    some("forward auth with a sign-in redirect", (s) => routesOf(s).some((r) => r.auth?.forward?.signIn != null));
    for (const rule of WAIVABLE_RULES) expect(KNOWN_RULES).toContain(rule);
  }, 120_000);

  // 100 draws a release: the release properties below also require the modules and HTTP/3 in configs nginx -t accepted.
  it.each(TESTED_RELEASES)("draw specs for nginx $version: its version in every spec, zstd only where its image has the module, HTTP/3 where it has it", (release) => {
    const docs = fc.sample(validSpecInput({ release }), { numRuns: 100, seed: FUZZ_SEED });
    const specs = docs.map((d) => validateSpecText(specText(d), "spec.yaml")).filter((v) => v.spec && !v.diagnostics.some((d) => d.severity === "error")).map((v) => v.spec!);
    expect(specs.length / docs.length).toBeGreaterThan(0.6);
    expect(new Set(specs.map((s) => s.nginx.version))).toEqual(new Set([release.version]));
    const zstd = specs.filter(zstdEnabled).length;
    if (release.modules.includes("zstd")) expect(zstd).toBeGreaterThan(specs.length / 10);
    else expect(zstd).toBe(0);
    expect(specs.some((s) => s.compression.brotli.enabled)).toBe(true);
    expect(specs.some((s) => s.tls.enabled && s.tls.http3)).toBe(hasFeature(release.version, "http3"));
  });

  it("draw documents that are mostly rejected, through every kind of mutation", () => {
    const docs = fc.sample(arbitraryDocument(), { numRuns: 300, seed: FUZZ_SEED });
    const rejected = docs.filter((d) => validateSpecText(d.text, "spec.yaml").diagnostics.some((x) => x.severity === "error"));
    expect(rejected.length / docs.length).toBeGreaterThan(0.6);
    const kinds = new Set(docs.flatMap((d) => d.mutations.map((m) => m.kind)));
    expect([...kinds].sort()).toEqual(["delete", "inject", "inject-key", "out-of-range", "root", "text", "unknown-key", "wrong-type"]);
  }, 120_000);
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
    timeout(150, FUZZ_RUNS),
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

describe.each(TESTED_RELEASES.map((release, i) => ({ release, version: release.version, stream: 7 + i })))(
  "property: accepted specs targeting nginx $version pass that release's own nginx -t",
  ({ release, stream }) => {
    let nginx: NginxChecker | undefined;
    // Builds the release's image if Docker lacks it (minutes); an image that can't be built fails here.
    beforeAll(async () => {
      nginx = await releaseNginxChecker(release);
    }, 900_000);
    afterAll(() => nginx?.close());

    it(
      `${RELEASE_RUNS} specs with nginx.version ${release.version}${release.modules.includes("zstd") ? ", zstd drawn" : ""}`,
      async () => {
        const checker = nginx!;
        expect(checker.installed).toBe(release.version);
        const outcomes = tally<AcceptedOutcome>();
        // What the configs nginx -t accepted used: compression modules and version-gated syntax.
        const covered = tally<string>();
        const started = Date.now();
        try {
          await fc.assert(
            fc.asyncProperty(validSpecInput({ release }), async (doc) => {
              // promtool: prometheus.yml does not depend on the nginx release; the host property checks it.
              const outcome = await checkAccepted(doc, {
                nginx: checker,
                promtool: false,
                onNginxOk: (spec) => [...enabledCompression(spec), ...versionGatedFeatures(spec)].forEach((f) => covered.add(f)),
              });
              outcomes.add(outcome);
            }),
            params(RELEASE_RUNS, stream),
          );
        } finally {
          const seconds = (Date.now() - started) / 1000;
          console.log(`accepted-specs on nginx ${release.version}, ${checker.label} (checks run, shrinking included): ${JSON.stringify(outcomes.counts)}; nginx -t accepted configs with ${JSON.stringify(covered.counts)} in ${seconds.toFixed(1)} s`);
        }
        // Every spec targets the release, so every accepted one is checked: none "can't check here".
        expect(outcomes.counts["nginx-unavailable"] ?? 0).toBe(0);
        expect(outcomes.counts["nginx-ok"] ?? 0).toBeGreaterThan(RELEASE_RUNS / 3);
        // Not vacuous: the release's modules and HTTP/3 (where it has it) were in configs nginx -t loaded.
        for (const module of release.modules) expect(covered.counts[module] ?? 0, `configs loading ${module}`).toBeGreaterThan(0);
        if (hasFeature(release.version, "http3")) expect(covered.counts.http3 ?? 0, "configs with HTTP/3").toBeGreaterThan(0);
      },
      timeout(250, RELEASE_RUNS),
    );
  },
);

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
  }, timeout(60, FUZZ_RUNS));

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
  }, timeout(60, FUZZ_RUNS));
});

describe("property: no string field can inject a directive", () => {
  it(`${FUZZ_RUNS} specs full of nginx syntax in headers, CSP and Permissions-Policy, read from spec files with hostile names in hostile directories, render exactly the intended directives`, () => {
    const outcomes = tally<"checked" | "rejected">();
    try {
      fc.assert(
        fc.property(validSpecInput({ headerHeavy: true }), modelOptionsArb(), (doc, options) => {
          outcomes.add(checkNoInjection(doc, options));
        }),
        params(FUZZ_RUNS, 6),
      );
    } finally {
      console.log(`no-injection: ${JSON.stringify(outcomes.counts)}`);
    }
  }, timeout(60, FUZZ_RUNS));
});
