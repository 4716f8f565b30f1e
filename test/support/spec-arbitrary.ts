// Property-based fuzzing support (issue: "no spec can produce a broken or unsafe edge").
//
// 1. Arbitraries that draw spec.yaml documents from the schema's space, written as the plain data
//    the YAML loader would see: `validSpecInput()` (every section, mostly accepted by schema + rules)
//    and `arbitraryDocument()` (valid specs with mutations: wrong types, unknown keys, out-of-range
//    numbers, nginx/YAML syntax injected into strings and keys, deleted fields, broken YAML text).
// 2. The property checks run by test/host/pipeline.fuzz.test.ts and bench/fuzz.mjs. Each check
//    throws on a counterexample (fast-check's failure signal) and returns what it saw otherwise.
//
// Only src/ public functions are used; nothing here changes src/ behaviour.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { execa } from "execa";
import { isIP } from "node:net";
import fc from "fast-check";
import { parse as parseYaml, parseAllDocuments, stringify } from "yaml";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { buildKubernetesModel } from "../../src/model/kubernetes.js";
import { CLUSTER_DNS_SERVICE } from "../../src/spec/kubernetes.js";
import { OUTPUT_PATHS } from "../../src/plan/layout.js";
import { createDevCerts } from "../../src/certs/dev-certs.js";
import { formatDiagnostic, formatPath, type Diagnostic, type SpecPath } from "../../src/diagnostics.js";
import { lintText } from "../../src/lint/index.js";
import { parseNginxConfig, type Directive } from "../../src/nginx-syntax/parse.js";
import { backendEnvironment, buildComposeModel } from "../../src/model/compose.js";
import { generatedNotice } from "../../src/model/header.js";
import { rawRegions } from "../../src/model/nginx-raw.js";
import { splitSuffix } from "../../src/model/nginx-split.js";
import type { PlanOptions } from "../../src/plan/index.js";
import { buildNginxModel, versionGatedFeatures, type LocationModel } from "../../src/model/nginx.js";
import { securityHeaderValues } from "../../src/model/security-headers.js";
import { hasFeature, missingFeatures, type NginxRelease } from "../../src/nginx-features/index.js";
import { checkVariant, installedNginxVersion, nginxTest, type NginxTestResult } from "../../src/nginx-check/nginx-test.js";
import { hostNginx } from "../../src/nginx-check/runner.js";
import { compileSpecText, validateSpecText } from "../../src/pipeline.js";
import { renderNginxConf } from "../../src/targets/index.js";
import { RULES } from "../../src/rules/index.js";
import { routeAuth } from "../../src/spec/auth.js";
import { isRedirectRoute, isRespondRoute, ROUTE_KINDS } from "../../src/spec/route-kinds.js";
import type { Route, Spec } from "../../src/spec/schema.js";
import { allCertificates, allRoutes, mapCertificates, specSites } from "../../src/spec/sites.js";
import { coversEveryone } from "../../src/spec/address-set.js";
import { NGINX_MAX_QUOTED_ARGUMENT, quotedLength, quoteText } from "../../src/nginx-syntax/quote.js";
import { NGINX_OWNED_RESPONSE_HEADERS, nginxParsesIp } from "../../src/spec/values.js";
import { REQUEST_HEADER_VARIABLES, RESERVED_REQUEST_HEADERS, VARY_ACCEPT_ENCODING } from "../../src/spec/headers.js";

/** A spec document as the YAML loader returns it. */
export type Doc = Record<string, unknown>;

export const MODEL_OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." } as const;

/** The kubernetes-models class of each kind the kubernetes target writes, for schema validation. */
export const KUBERNETES_MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/Namespace": Namespace,
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
};

// --- characters and strings ----------------------------------------------------------------

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const DIGITS = "0123456789";
/** Printable ASCII without `$` (what headerValue() admits), as single characters. */
const PRINTABLE_NO_DOLLAR = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).filter((c) => c !== "$");

function chars(set: string | readonly string[], minLength: number, maxLength: number): fc.Arbitrary<string> {
  const units = typeof set === "string" ? [...set] : [...set];
  return fc.string({ unit: fc.constantFrom(...units), minLength, maxLength });
}

function weighted<T>(weightA: number, a: fc.Arbitrary<T>, weightB: number, b: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: weightA, arbitrary: a }, { weight: weightB, arbitrary: b });
}

// --- value types (one per validated type in src/spec/values.ts) ----------------------------

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
const UNITS = Object.keys(UNIT_MS) as Unit[];

/** duration(): `[0-9]{1,9}(ms|s|m|h|d)`, mostly everyday values, sometimes anything the regex admits. */
/** Durations the schema accepts: positive, at most 365d (out-of-range values are mutations). */
export function durationArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.integer({ min: 1, max: 120 }), fc.constantFrom<Unit>("s", "m")).map(([n, u]) => `${n}${u}`) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.constant<Unit>("ms")).map(([n, u]) => `${n}${u}`) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 365 }), fc.constantFrom(...UNITS)).map(([n, u]) => `${n}${u}`) },
  );
}

/** Durations nginx reads in whole seconds: no ms. */
export function durationSecondsArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.integer({ min: 1, max: 120 }), fc.constantFrom<Unit>("s", "m")).map(([n, u]) => `${n}${u}`) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 365 }), fc.constantFrom<Unit>("s", "m", "h", "d")).map(([n, u]) => `${n}${u}`) },
  );
}

/** A duration whose length lies in [minMs, maxMs], in any unit that can say it exactly. */
export function durationBetween(minMs: number, maxMs: number): fc.Arbitrary<string> {
  const options = UNITS.flatMap((u) => {
    const lo = Math.max(0, Math.ceil(minMs / UNIT_MS[u]));
    const hi = Math.min(999_999_999, Math.floor(maxMs / UNIT_MS[u]));
    return lo <= hi ? [fc.integer({ min: lo, max: hi }).map((n) => `${n}${u}`)] : [];
  });
  return fc.oneof(...options);
}

/** size(): `[0-9]{1,9}[kmg]?`. */
/** Sizes within [minBytes, maxBytes], written with k or m (or bare bytes) as the schema's size() accepts. */
export function sizeArb(minBytes = 0, maxBytes = 1024 ** 3): fc.Arbitrary<string> {
  const lo = (unit: number) => Math.ceil(minBytes / unit);
  const hi = (unit: number) => Math.floor(maxBytes / unit);
  const options: fc.WeightedArbitrary<string>[] = [];
  if (hi(1024) >= Math.max(lo(1024), 1)) options.push({ weight: 4, arbitrary: fc.integer({ min: Math.max(lo(1024), 1), max: Math.min(hi(1024), 4096) }).map((n) => `${n}k`) });
  if (hi(1024 ** 2) >= Math.max(lo(1024 ** 2), 1)) options.push({ weight: 2, arbitrary: fc.integer({ min: Math.max(lo(1024 ** 2), 1), max: Math.min(hi(1024 ** 2), 512) }).map((n) => `${n}m`) });
  options.push({ weight: 1, arbitrary: fc.integer({ min: minBytes, max: Math.min(maxBytes, 1_000_000) }).map(String) });
  return fc.oneof(...options);
}

export const zoneSizeArb = () => sizeArb(32 * 1024, 512 * 1024 ** 2);
export const diskSizeArb = () => fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom("m", "g")).map(([n, u]) => `${n}${u}`);

/** rate(): `[1-9][0-9]{0,8}r/(s|m)`. */
export function rateArb(): fc.Arbitrary<string> {
  return fc.tuple(weighted(5, fc.integer({ min: 1, max: 1000 }), 1, fc.integer({ min: 1, max: 999_999_999 })), fc.constantFrom("s", "m")).map(([n, u]) => `${n}r/${u}`);
}

const dnsLabel = (inner: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: chars(LOWER + DIGITS, 1, 10) },
    { weight: 2, arbitrary: fc.tuple(chars(LOWER + DIGITS, 1, 1), chars(inner, 0, 20), chars(LOWER + DIGITS, 1, 1)).map(([a, b, c]) => a + b + c) },
    { weight: 1, arbitrary: fc.tuple(chars(LOWER + DIGITS, 1, 1), chars(inner, 40, 61), chars(LOWER + DIGITS, 1, 1)).map(([a, b, c]) => a + b + c) },
  );

/** hostname(): lower-case DNS name, optionally `*.`-prefixed, at most 253 characters. */
export function hostnameArb(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), fc.array(dnsLabel(LOWER + DIGITS + "-"), { minLength: 1, maxLength: 4 }))
    .map(([wildcard, labels]) => `${wildcard ? "*." : ""}${labels.join(".")}`)
    .filter((name) => name.length <= 253);
}


/** host(): a DNS name (compose service names, `_` allowed) or an IP address. */
export function upstreamHostArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom("backend", "api", "app-1", "api.internal", "svc_a") },
    { weight: 2, arbitrary: fc.array(dnsLabel(LOWER + DIGITS + "-_"), { minLength: 1, maxLength: 3 }).map((l) => l.join(".")).filter((h) => h.length <= 253 && !/^[0-9.]+$/.test(h)) },
    { weight: 2, arbitrary: fc.ipV4() },
    { weight: 2, arbitrary: fc.ipV6().filter(nginxParsesIp) },
  );
}

/** cidr(): an IPv4/IPv6 address or CIDR block. */
export function cidrArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("127.0.0.1", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8", "203.0.113.0/24") },
    { weight: 2, arbitrary: fc.ipV4() },
    { weight: 2, arbitrary: fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`) },
    { weight: 2, arbitrary: fc.ipV6().filter(nginxParsesIp) },
    { weight: 2, arbitrary: fc.tuple(fc.ipV6().filter(nginxParsesIp), fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`) },
  );
}

/**
 * An allow list that does not let everyone in (rule status-not-public): CIDR blocks, sometimes halves
 * and quarters of an address space that only together come close to covering it.
 */
function allowListArb(): fc.Arbitrary<string[]> {
  const part = fc.oneof(
    { weight: 4, arbitrary: cidrArb().filter((c) => !["0.0.0.0", "::"].includes(c)) },
    { weight: 1, arbitrary: fc.constantFrom("0.0.0.0/1", "128.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2", "::/1", "8000::/1", "::ffff:0:0/97") },
  );
  return fc.array(part, { minLength: 1, maxLength: 4 }).filter((list) => !coversEveryone(list));
}

/** A bare address (what a DNS resolver list needs), typed as cidr() in the schema. */
function resolverArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("1.1.1.1", "9.9.9.9", "8.8.8.8", "2606:4700:4700::1111") },
    { weight: 2, arbitrary: fc.ipV4() },
    { weight: 2, arbitrary: fc.ipV6().filter(nginxParsesIp) },
  );
}

const PATH_CHARS = LOWER + UPPER + DIGITS + "._~!*@:+,=%-";
const PATH_WORDS = ["api", "v1", "v2", "static", "assets", "health", "metrics", "status", "stats", "nginx_status", "events", "ws", "app", ".edgekit", "ready", "_next", "%20", "a.b", "~user", "@x", "x:y", "a,b", "a=b", "*", "!", "..", "."];

/** locationPath(): `/` then URL characters (letters, digits and . _ ~ ! * @ : + , = % / -). */
export function locationPathArb(): fc.Arbitrary<string> {
  const segment = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PATH_WORDS) }, { weight: 2, arbitrary: chars(PATH_CHARS, 1, 12) });
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom("/", "/api/", "/metrics", "/status", "/nginx_status", "/.edgekit/ready", "/health", "/static/") },
    {
      weight: 8,
      arbitrary: fc.tuple(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.boolean()).map(([segments, slash]) => `/${segments.join("/")}${slash ? "/" : ""}`),
    },
  );
}

/** Regex route paths within the schema's subset: anchored, capture-free, with quantifiers in braces (quoted in nginx.conf). */
export function regexPathArb(): fc.Arbitrary<string> {
  const piece = fc.constantFrom("v[0-9]+", "api", "(?:users|orders)", "[a-z]{1,3}", "\\.json", ".+", "\\d{2,4}", "x?", "/", "[^/]+", "(?!admin)", "\\w*", "a\\{b\\}");
  return fc.tuple(fc.array(piece, { minLength: 1, maxLength: 6 }), fc.boolean()).map(([pieces, end]) => `^/${pieces.join("")}${end ? "$" : ""}`);
}

/** Valid identifiers that are also names edgekit uses itself (zones, services, variables). */
const INTERNAL_NAMES = ["edgekit_cache", "edgekit_tls", "rl_root", "rl_api", "backend", "nginx", "prometheus", "app"];

/** identifier(): `[a-z][a-z0-9_]{0,62}`. */
export function identifierArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.tuple(chars(LOWER, 1, 1), weighted(9, chars(LOWER + DIGITS + "_", 0, 10), 1, chars(LOWER + DIGITS + "_", 11, 62))).map(([a, b]) => a + b) },
    { weight: 1, arbitrary: fc.constantFrom(...INTERNAL_NAMES) },
  );
}

const COMMON_HEADERS = ["X-Frame-Options", "Content-Security-Policy", "Cache-Control", "X-Cache-Status", "Access-Control-Allow-Origin", "Link", "X-Robots-Tag", "Server", "Set-Cookie", "X-Accel-Buffering", "Strict-Transport-Security", "Permissions-Policy", "Vary"];

/** headerName(): `[A-Za-z][A-Za-z0-9-]{0,127}`. */
export function headerNameArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...COMMON_HEADERS) },
    { weight: 3, arbitrary: fc.tuple(chars(LOWER + UPPER, 1, 1), chars(LOWER + UPPER + DIGITS + "-", 0, 20)).map(([a, b]) => a + b) },
    { weight: 1, arbitrary: fc.tuple(chars(LOWER + UPPER, 1, 1), chars(LOWER + UPPER + DIGITS + "-", 100, 127)).map(([a, b]) => a + b) },
  );
}

/** responseHeaderName(): a header name, but not one nginx writes itself (Content-Length, Connection, ...). */
export function responseHeaderNameArb(): fc.Arbitrary<string> {
  return headerNameArb().filter((n) => NGINX_OWNED_RESPONSE_HEADERS[n.toLowerCase()] === undefined);
}

/** Header values that try to end the quoted token and start directives of their own. */
export const HOSTILE_VALUES = [
  '"; return 200 "pwned',
  "'; add_header X-Evil 1; '",
  "} location /evil { return 200; } #",
  '" always; add_header X-Evil "1',
  "\\",
  '\\"',
  "a\\",
  "\\\\\";",
  "#not a comment",
  "{",
  "}",
  ";",
  "\\n\\r\\t",
  "'",
  '"',
  "default-src 'self'; script-src 'none'; object-src 'none'",
  "camera=(), microphone=(), geolocation=()",
  " leading and trailing spaces ",
  "",
];

/**
 * Pieces of a file or directory name that mean something to nginx, YAML (1.1 ends lines at NEL,
 * U+2028 and U+2029), Compose (`$` interpolation, `:` in volumes) or a terminal (bidi, zero-width).
 */
export const HOSTILE_NAME_PARTS = [
  "\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029", "\u202e", "\u200b", "\t", "\u007f", "\u009b", "\ufeff",
  ";", "{", "}", "#", "$", "$HOME", "${X}", "$$", '"', "'", "\\", ":", ":ro", " ", ",", "é", "*",
  "env INJECTED;", "}\nserver {", "services: {}", "- x", "yes", "~", "&a", "!!str",
];

const hostileNameArb = (): fc.Arbitrary<string> =>
  fc.array(fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NAME_PARTS) }, { weight: 1, arbitrary: PATH_SEGMENT }), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(""));

/**
 * The plan options the CLI derives from the command line: the spec file's base name and the path
 * from --out to the spec's directory, either plain or full of hostile characters (no '/' in a name).
 */
export function modelOptionsArb(): fc.Arbitrary<{ specName: string; specDirFromOutput: string }> {
  const specName = fc.oneof({ weight: 1, arbitrary: fc.constant("spec.yaml") }, { weight: 3, arbitrary: hostileNameArb().map((n) => `${n}.yaml`) });
  const dir = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(".", "..", "../project") },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom("", "../", "../../"), fc.array(hostileNameArb().filter((n) => n !== "." && n !== ".."), { minLength: 1, maxLength: 3 })).map(([up, names]) => `${up}${names.join("/")}`) },
  );
  return fc.record({ specName, specDirFromOutput: dir });
}

/** headerValue(): printable ASCII without `$`, rich in nginx syntax. */
export function headerValueArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: fc.oneof({ weight: 1, arbitrary: fc.constantFrom(";", "{", "}", '"', "'", "\\", "#", " ") }, { weight: 2, arbitrary: fc.constantFrom(...PRINTABLE_NO_DOLLAR) }), maxLength: 80 }) },
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...PRINTABLE_NO_DOLLAR), minLength: 200, maxLength: 600 }) },
    // Rare (4 KB each, and a spec has many headers), but every run draws some.
    { weight: 1, arbitrary: edgeHeaderValueArb() },
  );
}

/**
 * Header values at nginx's argument limit: quoted, 4,085 to 4,095 bytes (the most headerValue()
 * accepts), with up to 2,046 quotes and backslashes (each rendered as two bytes) among them.
 */
function edgeHeaderValueArb(): fc.Arbitrary<string> {
  const plain = PRINTABLE_NO_DOLLAR.filter((c) => c !== '"' && c !== "\\");
  return fc
    .tuple(fc.integer({ min: 0, max: 10 }), fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2046 })), fc.constantFrom('"', "\\"), fc.constantFrom(...plain), fc.integer({ min: 0, max: 100 }))
    .map(([slack, escapes, escaped, filler, at]) => {
      const room = NGINX_MAX_QUOTED_ARGUMENT - 2 - slack;
      const n = Math.min(escapes, Math.floor(room / 2));
      const fill = filler.repeat(room - 2 * n);
      const cut = Math.floor((fill.length * at) / 100);
      return `${fill.slice(0, cut)}${escaped.repeat(n)}${fill.slice(cut)}`;
    });
}

const PATH_SEGMENT = chars(LOWER + UPPER + DIGITS + "._-", 1, 12);

/** absolutePath(): `/[A-Za-z0-9._/-]*`. */
export function absolutePathArb(): fc.Arbitrary<string> {
  return fc.array(PATH_SEGMENT, { minLength: 0, maxLength: 4 }).map((segments) => `/${segments.join("/")}`);
}

/** relativePath(): `.`, `..` or a name, then `/name`s, optionally a trailing `/`. */
export function relativePathArb(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.oneof(fc.constantFrom(".", ".."), PATH_SEGMENT), fc.array(PATH_SEGMENT, { maxLength: 3 }), fc.boolean())
    .map(([first, rest, slash]) => `${[first, ...rest].join("/")}${slash ? "/" : ""}`);
}

const COMPRESSIBLE = ["application/javascript", "application/json", "application/xml", "image/svg+xml", "text/css", "text/plain", "text/xml", "text/html", "application/problem+json"];

/** mimeType(): `[a-z0-9]+/[a-z0-9.+-]+`, never text/event-stream. */
export function mimeTypeArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...COMPRESSIBLE) },
    { weight: 1, arbitrary: fc.tuple(chars(LOWER + DIGITS, 1, 10), chars(LOWER + DIGITS + ".+-", 1, 16)).map(([a, b]) => `${a}/${b}`).filter((t) => t !== "text/event-stream") },
  );
}

/** dockerImage(): `[a-z0-9][a-z0-9._/:@-]{0,254}`. */
export function dockerImageArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("nginx:1.27", "ghcr.io/org/app:1.2", "edgekit-backend:local", "prom/prometheus:v3.5.0", "registry.local:5000/a/b@sha256:abc") },
    { weight: 1, arbitrary: fc.tuple(chars(LOWER + DIGITS, 1, 1), chars(LOWER + DIGITS + "._/:@-", 0, 40)).map(([a, b]) => a + b) },
  );
}

/** envName(): `[A-Z_][A-Z0-9_]{0,127}`. */
export function envNameArb(): fc.Arbitrary<string> {
  return fc.tuple(chars(UPPER + "_", 1, 1), chars(UPPER + DIGITS + "_", 0, 16)).map(([a, b]) => a + b);
}

/** backend.env values: any string up to 4096 characters (the schema sets no pattern). */
export function envValueArb(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom("postgres://u:p@db/app", "a$b", "${HOME}", "$$", "line1\nline2", "'quoted'", '"dq"', "on", "yes", "0x1F", "") },
    { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 40 }).map((v) => v.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, "")) },
  );
}

/** cookieName(): `[A-Za-z0-9_.-]{1,64}`. */
export function cookieNameArb(): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom("session", "sid", "connect.sid", "JSESSIONID", "__Host-id"), chars(LOWER + UPPER + DIGITS + "_.-", 1, 64));
}

/** nginx versions the generator targets: 1.22.1, 1.24.0 and 1.27.3 and their neighbours on both sides of 1.25.1 (`http2 on;`). */
export const NGINX_VERSIONS = ["1.22.1", "1.24.0", "1.27.3", "1.22.0", "1.23.4", "1.25.0", "1.25.1", "1.26.3", "1.29.0"] as const;

// --- sections ------------------------------------------------------------------------------

/** Every key optional: a record arbitrary whose keys may each be absent (the schema's default applies). */
function partial<T extends Record<string, fc.Arbitrary<unknown>>>(model: T) {
  return fc.record(model, { requiredKeys: [] });
}

const cidrList = (min: number, max: number) => fc.array(cidrArb(), { minLength: min, maxLength: max });
/** Response headers: values, sometimes null (removes a generated header); one spelling per name. */
const headerMap = (maxKeys: number) =>
  fc.dictionary(responseHeaderNameArb(), fc.option(headerValueArb(), { nil: null, freq: 8 }), { maxKeys, noNullPrototype: true }).map(oneSpellingEach).map(varyWithRoom);

/** A Vary the schema accepts: room left for the ', Accept-Encoding' a compressing location adds. */
function varyWithRoom(record: Record<string, string | null>): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(record).map(([name, value]) => [name, name.toLowerCase() === "vary" && value !== null && quotedLength(`${value}${VARY_ACCEPT_ENCODING}`) > NGINX_MAX_QUOTED_ARGUMENT ? value.slice(0, 1000) : value]),
  );
}

/** Keeps the first of names that differ only in case (the schema refuses the rest). */
function oneSpellingEach<V>(record: Record<string, V>): Record<string, V> {
  const seen = new Set<string>();
  return Object.fromEntries(Object.entries(record).filter(([name]) => !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase())));
}

/** A request header value: literal text rich in nginx syntax and the allowed variables, as $name or ${name}. */
function requestHeaderValueArb(): fc.Arbitrary<string> {
  const literal = fc.string({ unit: fc.oneof({ weight: 1, arbitrary: fc.constantFrom(";", "{", "}", '"', "'", "\\", "#", " ") }, { weight: 2, arbitrary: fc.constantFrom(...PRINTABLE_NO_DOLLAR) }), minLength: 1, maxLength: 30 });
  const variable = fc.tuple(fc.constantFrom(...REQUEST_HEADER_VARIABLES), fc.boolean());
  const part = fc.oneof(literal.map((text) => ({ text })), variable.map(([name, braced]) => ({ name, braced })));
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom("", ...HOSTILE_VALUES) },
    {
      weight: 5,
      arbitrary: fc.array(part, { minLength: 1, maxLength: 5 }).map((parts) =>
        parts
          .map((p, i) => {
            if ("text" in p) return p.text;
            // $name only where no name character follows (it would extend the name).
            const next = parts[i + 1];
            const bare = !p.braced && !(next && "text" in next && /^[A-Za-z0-9_]/.test(next.text));
            return bare ? `$${p.name}` : `\${${p.name}}`;
          })
          .join(""),
      ),
    },
  );
}

const requestHeaderMap = fc
  .dictionary(headerNameArb().filter((n) => RESERVED_REQUEST_HEADERS[n.toLowerCase()] === undefined && !n.toLowerCase().startsWith("x-accel-")), requestHeaderValueArb(), { maxKeys: 3, noNullPrototype: true })
  .map(oneSpellingEach);

const quantityArb = () => fc.constantFrom("100m", "250m", "0.5", "1", "2", "64Mi", "128Mi", "1Gi", "500M");

/** The kubernetes section: replica counts drawn so the disruption budget stays below the fewest replicas. */
function kubernetesArb(): fc.Arbitrary<Doc> {
  const resources = partial({ requests: partial({ cpu: quantityArb(), memory: quantityArb() }), limits: partial({ cpu: fc.option(quantityArb(), { nil: null }), memory: quantityArb() }) });
  const edge = fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.boolean(), fc.integer({ min: 10, max: 100 }))
    .chain(([fewest, spread, autoscale, cpu]) =>
      fc.record({
        replicas: fc.constant(fewest),
        autoscaling: fc.constant({ enabled: autoscale, minReplicas: fewest, maxReplicas: fewest + spread, targetCpuUtilization: cpu }),
        minAvailable: fc.integer({ min: 0, max: fewest - 1 }),
        preStopDelay: durationBetween(1000, 30_000),
        drainTimeout: durationBetween(1000, 120_000),
        serviceType: fc.constantFrom("LoadBalancer", "NodePort", "ClusterIP"),
        resources,
        rateLimitScope: fc.constantFrom(null, "perInstance"),
      }, { requiredKeys: ["replicas", "autoscaling", "minAvailable"] }),
    );
  const section = partial({
    enabled: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    namespace: fc.constantFrom("edgekit", "prod-edge", "a", "x1"),
    images: partial({ nginx: fc.option(dockerImageArb(), { nil: null }), backend: fc.option(dockerImageArb(), { nil: null }) }),
    tlsSecret: fc.constantFrom("edge-tls", "tls-1"),
    edge,
    backend: partial({ replicas: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }), resources }),
    dns: partial({ resolver: fc.constantFrom(CLUSTER_DNS_SERVICE, "kube-dns.kube-system", "10.96.0.10", "fd00::a"), clusterDomain: fc.constantFrom("cluster.local", "k8s.example") }),
  });
  return section;
}

/** The swarm section: every `deploy:` field; nginx's update order is stop-first or left out (start-first is refused with host ports). */
function swarmArb(): fc.Arbitrary<Doc> {
  const cpusArb = () => fc.constantFrom("0.25", "0.5", "1", "2", "1.5", "16");
  const bytesArb = () => fc.constantFrom("64m", "128m", "512m", "1g", "1048576b", "65536k");
  const resources = partial({ limits: partial({ cpus: fc.option(cpusArb(), { nil: null }), memory: bytesArb() }), reservations: partial({ cpus: cpusArb(), memory: bytesArb() }) });
  const restartPolicy = partial({
    condition: fc.constantFrom("any", "on-failure", "none"),
    delay: durationArb(),
    maxAttempts: fc.integer({ min: 0, max: 1000 }),
    window: durationArb(),
  });
  const update = (orders: string[]) =>
    partial({
      parallelism: fc.integer({ min: 0, max: 10 }),
      delay: fc.option(durationArb(), { nil: null }),
      order: fc.constantFrom(...orders),
      failureAction: fc.constantFrom("rollback", "pause", "continue"),
      monitor: durationArb(),
      maxFailureRatio: fc.constantFrom(0, 0.1, 0.5, 1),
    });
  return partial({
    enabled: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    endpointMode: fc.constantFrom("vip", "dnsrr"),
    edge: partial({ mode: fc.constantFrom("global", "replicated"), replicas: fc.integer({ min: 1, max: 10 }), update: update(["stop-first"]), restartPolicy, resources }),
    backend: partial({
      replicas: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
      update: update(["start-first", "stop-first"]),
      rollback: update(["start-first", "stop-first"]),
      restartPolicy,
      resources,
    }),
  });
}

function rateLimitArb(): fc.Arbitrary<Doc> {
  return fc.record(
    {
      rate: rateArb(),
      burst: weighted(4, fc.integer({ min: 0, max: 200 }), 1, fc.integer({ min: 0, max: 100_000 })),
      delay: fc.oneof(fc.constant("nodelay"), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 100_000 })),
      key: fc.constantFrom("client_ip", "global"),
      status: fc.integer({ min: 400, max: 599 }),
      zoneSize: zoneSizeArb(),
    },
    { requiredKeys: ["rate"] },
  );
}

function cachePolicyArb(): fc.Arbitrary<Doc> {
  return partial({
    valid: fc.array(fc.record({ statuses: fc.array(fc.integer({ min: 200, max: 599 }), { minLength: 1, maxLength: 3 }), time: durationSecondsArb() }, { requiredKeys: ["time"] }), { minLength: 1, maxLength: 3 }),
    useStale: fc.subarray(["error", "timeout", "updating", "http_500", "http_502", "http_503", "http_504", "http_429"], { minLength: 1 }),
    backgroundUpdate: fc.boolean(),
    lock: fc.boolean(),
    methods: fc.subarray(["GET", "HEAD"], { minLength: 1 }),
  });
}

/** Route auth: basic (a htpasswd file beside the spec, a realm of any allowed text) or forward to one of the upstreams. */
function routeAuthArb(upstreams: readonly string[]): fc.Arbitrary<Doc> {
  const realm = fc.string({ minLength: 1, maxLength: 40, unit: fc.constantFrom(..." !#%&'()*+,-./:;<=>?@[]^_`{|}~azAZ09") }).filter((r) => r.toLowerCase() !== "off");
  return fc.oneof(
    { weight: 1, arbitrary: fc.record({ basic: partial({ realm }).chain((o) => relativePathArb().filter((file) => routeAuth.safeParse({ basic: { file } }).success).map((file) => ({ file, ...o }))) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        forward: fc
          .tuple(fc.constantFrom(...upstreams), partial({ path: locationPathArb(), identityHeaders: fc.uniqueArray(headerNameArb().filter((h) => routeAuth.safeParse({ forward: { upstream: "a", identityHeaders: [h] } }).success), { maxLength: 4, selector: (h) => h.toLowerCase() }), timeout: durationArb(), signIn: signInUrlArb(), signInParam: fc.stringMatching(/^[A-Za-z0-9_.-]{1,16}$/) }))
          .map(([upstream, o]) => ({ upstream, ...o })),
      }),
    },
  );
}

/** A sign-in URL the schema accepts: http(s), a host, an optional port, a path and query in URL characters and percent-escapes. */
function signInUrlArb(): fc.Arbitrary<string> {
  const part = fc.array(fc.constantFrom("a", "Z", "9", "/", "-", ".", "_", "~", ":", "@", "!", "&", "(", ")", "*", "+", ",", "=", "?", "%2F", "%25", "%22"), { maxLength: 10 }).map((p) => p.join(""));
  return fc
    .tuple(fc.constantFrom("https", "http"), hostnameArb().filter((h) => !h.startsWith("*")), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), fc.option(part, { nil: undefined }))
    .map(([scheme, host, port, path]) => `${scheme}://${host.toLowerCase()}${port === undefined ? "" : `:${port}`}${path === undefined ? "" : `/${path}`}`);
}

/** An origin the schema accepts: exact or with a wildcard first label, http(s), an optional port. */
function originArb(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom("https", "http"), fc.boolean(), hostnameArb().filter((h) => !h.startsWith("*")), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
    .map(([scheme, wildcard, host, port]) => `${scheme}://${wildcard && host.includes(".") ? "*." : ""}${host.toLowerCase()}${port === undefined ? "" : `:${port}`}`);
}

/** Route CORS: '*' (never with credentials) or a list of origins, and any methods, headers and max age. */
function routeCorsArb(): fc.Arbitrary<Doc> {
  return fc
    .tuple(
      weighted<string[]>(1, fc.constant(["*"]), 4, fc.uniqueArray(originArb(), { minLength: 1, maxLength: 6 })),
      partial({
        methods: fc.subarray(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], { minLength: 1 }),
        headers: fc.uniqueArray(headerNameArb(), { maxLength: 5 }),
        exposeHeaders: fc.uniqueArray(headerNameArb(), { maxLength: 5 }),
        credentials: fc.boolean(),
        maxAge: fc.integer({ min: 0, max: 86_400 }),
      }),
    )
    .map(([origins, o]) => ({ origins, ...o, ...(origins.includes("*") ? { credentials: false } : {}) }));
}

/** Pieces of a body nginx sends itself: nginx and JSON syntax, `$` and variables, newlines, tabs, UTF-8. */
const BODY_PIECES = ['"', "\\", "$", "$host", "${x}", "$1", ";", "{", "}", "#", "'", "\n", "\r\n", "\t", "é", "☃", "<h1>", '{"error":"x"}', " ", "%0d%0a"];

/** responseBody(): text rich in nginx syntax, and now and then one at nginx's argument limit. */
export function responseBodyArb(): fc.Arbitrary<string> {
  const piece = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...BODY_PIECES) }, { weight: 2, arbitrary: fc.constantFrom(...PRINTABLE_NO_DOLLAR) });
  return fc.oneof(
    { weight: 20, arbitrary: fc.array(piece, { maxLength: 40 }).map((p) => p.join("")) },
    // At the limit: quoted, 4,095 bytes less 0-10 (a `$` is 17 bytes once written ${edgekit_dollar}).
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 200 })).map(([slack, dollars]) => `${"$".repeat(dollars)}${"a".repeat(NGINX_MAX_QUOTED_ARGUMENT - 2 - slack - 17 * dollars)}`) },
  );
}

/** A status a respond route or error page answers with (not 3xx, not nginx's own codes). */
const BODY_STATUSES = [200, 201, 202, 204, 400, 401, 403, 404, 405, 410, 413, 418, 429, 451, 500, 502, 503, 504, 599];
const ERROR_STATUSES = BODY_STATUSES.filter((s) => s >= 400).map(String);

/** redirectTarget(): a path or an http(s) URL, with `$`, encoded characters and sub-delimiters. */
export function redirectTargetArb(): fc.Arbitrary<string> {
  const rest = fc.array(fc.constantFrom("a", "b/", "x.html", "$", "$host", "%20", "%0d%0a", "(", ")", "'", "*", ";", "=", "&", "@", ":", "~", "[", "]", "!", ","), { maxLength: 8 }).map((p) => p.join(""));
  const tail = fc.constantFrom("", "?a=1", "?x=$y", "#top", "/");
  return fc.oneof(
    fc.tuple(rest, tail).map(([r, t]) => `/${r}${t}`.replace(/^\/\/+/, "/")),
    fc.tuple(fc.constantFrom("http", "https"), hostnameArb().map((h) => h.replace(/^\*\./, "")), fc.constantFrom("", ":8443"), fc.option(rest, { nil: undefined }), tail).map(([scheme, host, port, r, t]) => (r === undefined ? `${scheme}://${host}${port}` : `${scheme}://${host}${port}/${r}${t}`.replace(/([^:])\/\/+/g, "$1/"))),
  );
}

/** errorPages: a few statuses, each a body with maybe a content type and headers. */
export function errorPagesArb(): fc.Arbitrary<Doc> {
  // A page's headers are text (null, which removes a generated header elsewhere, is not allowed here).
  const headers = headerMap(2).map((h) => Object.fromEntries(Object.entries(h).filter(([n, v]) => n.toLowerCase() !== "content-type" && v !== null)));
  const page = fc.tuple(fc.record({ body: responseBodyArb() }), partial({ contentType: mimeTypeArb(), headers })).map(([a, b]) => ({ ...a, ...b }));
  return fc.dictionary(fc.constantFrom(...ERROR_STATUSES), page, { maxKeys: 4, noNullPrototype: true });
}

type RouteKind = "api" | "sse" | "websocket" | "static" | "health" | "metrics" | "respond" | "redirect";

function routeArb(upstreams: readonly string[], headerHeavy: boolean): fc.Arbitrary<Doc> {
  const upstream = upstreams.length === 1 ? fc.option(fc.constant(upstreams[0]!), { nil: undefined }) : fc.constantFrom(...upstreams);
  const common = {
    match: fc.constantFrom("prefix", "prefix", "exact", "regex"),
    rateLimit: rateLimitArb(),
    access: fc.record({ allow: allowListArb() }),
    headers: headerMap(headerHeavy ? 5 : 3),
    raw: fc.constantFrom(...RAW_LOCATION),
    auth: routeAuthArb(upstreams),
    cors: routeCorsArb(),
    // Pages of its own on one route in six (each adds named locations to every server).
    // (A fresh {} each time: one object shared by two routes would be written as a YAML alias.)
    errorPages: fc.oneof({ weight: 5, arbitrary: fc.constant(null).map(() => ({})) }, { weight: 1, arbitrary: errorPagesArb() }),
  };
  const proxied = (read: fc.Arbitrary<string>) => ({
    timeouts: partial({ connect: durationArb(), send: durationArb(), read }),
    maxBodySize: sizeArb(),
    requestHeaders: requestHeaderMap,
    upstreamPath: fc.oneof(fc.constant(null), locationPathArb().filter((p) => !/(^|\/)\.{1,2}(\/|$)|%/.test(p))),
    retry: partial({
      on: fc.subarray(["error", "timeout", "invalid_header", "http_500", "http_502", "http_503", "http_504", "http_429"]),
      tries: fc.integer({ min: 1, max: 100 }),
      timeout: fc.option(durationArb(), { nil: null }),
      nonIdempotent: fc.boolean(),
    }),
  });
  const route = (kind: RouteKind, extra: Record<string, fc.Arbitrary<unknown>>, path = locationPathArb()) =>
    fc
      .tuple(fc.record({ kind: fc.constant(kind), path }), partial({ ...common, ...extra }), upstream, regexPathArb())
      .map(([required, optional, up, pattern]) => {
        const r: Doc = { ...required, ...optional };
        if (ROUTE_KINDS[kind].serves === "upstream" && up !== undefined) r.upstream = up;
        if (r.split !== undefined && r.split !== null) {
          delete r.upstream;
          // Rule route-upstream-exists: no upstreamPath beside a split.
          delete r.upstreamPath;
        }
        // Rule auth-route-not-cached: a route with auth never caches.
        if (r.auth !== undefined) delete r.cache;
        // Rule cors-headers-edge-owned: with cors, the edge sends the Access-Control-* headers.
        if (r.cors !== undefined && r.headers !== undefined) r.headers = Object.fromEntries(Object.entries(r.headers as Doc).filter(([name]) => !/^access-control-/i.test(name)));
        // A regex route's path is a pattern, and has no upstreamPath; a prefix route's upstreamPath
        // shares its path's trailing slash (the schema refuses the rest).
        if (r.match === "regex") {
          r.path = pattern;
          delete r.upstreamPath;
        } else if (typeof r.upstreamPath === "string" && (r.match ?? "prefix") === "prefix") {
          const base = (r.upstreamPath as string).replace(/\/+$/, "") || "";
          r.upstreamPath = (r.path as string).endsWith("/") ? `${base}/` : base || "/v";
        }
        if (headerHeavy && (r.headers === undefined || Object.keys(r.headers as object).length === 0)) r.headers = { "X-Fuzz": HOSTILE_VALUES[0] };
        return r;
      });
  // SSE read timeouts stay above twice backend.sseHeartbeat (at most 60s here): rule sse-read-timeout.
  const sseRead = durationBetween(121_000, 30 * 86_400_000);
  return fc.oneof(
    { weight: 4, arbitrary: route("api", { ...proxied(durationArb()), buffering: fc.boolean(), compression: fc.boolean(), cache: cachePolicyArb(), split: splitArb(upstreams) }) },
    { weight: 2, arbitrary: route("sse", { ...proxied(sseRead), split: splitArb(upstreams) }) },
    { weight: 1, arbitrary: route("websocket", { ...proxied(durationArb()), split: splitArb(upstreams) }) },
    {
      weight: 2,
      arbitrary: route(
        "static",
        { match: fc.constant("prefix"), root: absolutePathArb().filter((p) => p !== "/").map((p) => `/srv/static${p}`), hostDir: fc.option(relativePathArb(), { nil: null }), allowOutsideProject: fc.boolean(), expires: durationArb(), immutable: fc.boolean(), spa: fc.option(partial({ shell: fc.constantFrom("index.html", "app.html", "shell-v2.html") }), { nil: null }), hashedAssets: fc.option(partial({ pattern: fc.constantFrom("-[0-9a-f]{8,}\\.", "\\.[0-9a-f]{20}\\.", "[.-][A-Za-z0-9_]{8}\\.(js|css|woff2)"), expires: durationArb() }), { nil: null }) },
        locationPathArb().map((p) => (p.endsWith("/") ? p : `${p}/`)),
      ),
    },
    { weight: 1, arbitrary: route("health", proxied(durationArb())) },
    { weight: 1, arbitrary: route("metrics", { ...proxied(durationArb()), access: fc.record({ allow: allowListArb() }) }) },
    { weight: 1, arbitrary: route("respond", { status: fc.constantFrom(...BODY_STATUSES), body: responseBodyArb(), contentType: mimeTypeArb() }) },
    { weight: 1, arbitrary: fc.tuple(route("redirect", { status: fc.constantFrom(301, 302, 307, 308), keepPath: fc.boolean(), keepQuery: fc.boolean() }), redirectTargetArb()).map(([r, to]) => ({ ...r, to })) },
  );
}

/** Known-good raw snippets for a location (the escape hatch; bad ones are the rule's unit tests). */
const RAW_LOCATION = ["", "etag off;", "# a note\nlimit_rate 0;\nif_modified_since exact;\n"];
const RAW_HTTP = ["", 'map $http_x_fuzz_raw $fuzz_raw {\n    default "";\n    "~^[a-z]+\\z" $http_x_fuzz_raw;\n}\n', "variables_hash_bucket_size 128;"];
/** A site's own raw: another location than raw.server's, which lands in the same server. */
const RAW_SITE = ["", "location = /.fuzz-site-raw {\n    return 204;\n}\n", "# a site's note"];
const RAW_SERVER = ["", "location = /.fuzz-raw {\n    return 204;\n}\n", "# nothing but a comment"];

/** A weighted split between two or three of the spec's pools (none with one pool). */
function splitArb(upstreams: readonly string[]): fc.Arbitrary<Doc | null> {
  if (upstreams.length < 2) return fc.constant(null);
  const split = fc
    .tuple(fc.shuffledSubarray([...upstreams], { minLength: 2, maxLength: Math.min(3, upstreams.length) }), fc.integer({ min: 1, max: 9_800 }), fc.constantFrom("cookie", "header", "client_ip"), partial({ name: fc.constantFrom("edgekit_split", "canary", "ab_1"), maxAge: durationSecondsArb() }))
    .map(([pools, cents, by, cookie]) => {
      // Shares in hundredths of a percent that add up to exactly 100%.
      const first = Math.min(cents, 10_000 - 100 * (pools.length - 1));
      const rest = 10_000 - first;
      const shares = [first, ...pools.slice(1).map((_, i, all) => (i === all.length - 1 ? rest - Math.floor(rest / all.length) * (all.length - 1) : Math.floor(rest / all.length)))];
      return { by, ...(by === "header" ? { header: "X-User-Id" } : {}), cookie, to: pools.map((upstream, i) => ({ upstream, percent: shares[i]! / 100 })) };
    });
  return fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: split });
}

function upstreamArb(): fc.Arbitrary<Doc> {
  const server = fc.record(
    {
      host: upstreamHostArb(),
      port: fc.integer({ min: 1, max: 65535 }),
      weight: fc.integer({ min: 1, max: 1000 }),
      maxFails: fc.integer({ min: 0, max: 1000 }),
      failTimeout: durationSecondsArb(),
      maxConns: weighted(3, fc.constant(0), 1, fc.integer({ min: 0, max: 1_000_000 })),
      backup: fc.boolean(),
    },
    { requiredKeys: ["host"] },
  );
  return fc
    .tuple(
      // Sometimes many servers: past what a fixed 64k upstream zone holds (63 peers).
      fc.oneof({ weight: 19, arbitrary: fc.array(server, { minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: fc.array(server, { minLength: 60, maxLength: 100 }) }),
      partial({ balance: fc.constantFrom("round_robin", "least_conn", "ip_hash", "random"), sticky: fc.option(partial({ cookie: cookieNameArb(), expires: fc.option(durationSecondsArb(), { nil: null }) }), { nil: null }) }),
      fc.integer({ min: 1, max: 1000 }),
      fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 5, arbitrary: fc.integer({ min: 0, max: 1000 }) }),
      partial({ timeout: durationBetween(1, 60_000), requests: fc.integer({ min: 1, max: 10_000_000 }) }),
      fc.boolean(),
      // Following names at run time (resolve): Docker's DNS, or any resolver; on by default.
      fc.option(
        partial({
          enabled: weighted(3, fc.constant(true), 1, fc.constant(false)),
          resolvers: fc.oneof({ weight: 3, arbitrary: fc.constant(["127.0.0.11"]) }, { weight: 1, arbitrary: fc.array(resolverArb(), { minLength: 1, maxLength: 3 }) }),
          valid: durationSecondsArb(),
          timeout: durationSecondsArb(),
        }),
        { nil: undefined },
      ),
    )
    .map(([servers, rest, expected, extra, keepalive, sayExpected, resolve]) => {
      const balance = (rest.balance as string | undefined) ?? "least_conn";
      // Backup servers only where nginx allows them (rule upstream-backup-balance).
      // ...and at least one primary server (rule upstream-primary-server).
      const fixed = servers.map((s, i) => (balance === "ip_hash" || balance === "random" || i === 0 ? { ...s, backup: false } : s));
      // Pool size 0 (disabled) or at least the expected concurrency (rule keepalive-pool-size).
      const expectedConcurrency = sayExpected ? expected : 64;
      const connections = extra === 0 ? 0 : expectedConcurrency + extra;
      return { servers: fixed, ...rest, ...(sayExpected ? { expectedConcurrency } : {}), keepalive: { connections, ...keepalive }, ...(resolve ? { resolve } : {}) };
    });
}

function tlsArb(): fc.Arbitrary<Doc> {
  const files = fc
    // The certificate's directory is a mount point: never '/' (rule mount-points-distinct).
    .tuple(absolutePathArb().filter((d) => d !== "/"), PATH_SEGMENT, PATH_SEGMENT, fc.oneof({ weight: 19, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), absolutePathArb())
    .filter(([, cert, key]) => cert !== key)
    .map(([dir, cert, key, sameDir, otherDir]) => ({ certificate: `${dir === "/" ? "" : dir}/${cert}`, certificateKey: `${(sameDir ? dir : otherDir) === "/" ? "" : sameDir ? dir : otherDir}/${key}` }));
  return fc
    .tuple(
      partial({
        enabled: fc.boolean(),
        profile: fc.constantFrom("intermediate", "modern"),
        sessionCache: zoneSizeArb(),
        sessionTimeout: durationSecondsArb(),
        sessionTickets: fc.boolean(),
        hsts: partial({ enabled: fc.boolean(), maxAge: fc.integer({ min: 0, max: 126_144_000 }), includeSubDomains: fc.boolean(), preload: fc.boolean() }),
        ocspStapling: partial({ enabled: fc.boolean(), resolvers: fc.array(resolverArb(), { minLength: 1, maxLength: 3 }) }),
        redirectHttp: fc.boolean(),
        http3: fc.boolean(),
        terminatedBy: fc.constantFrom("nginx", "loadBalancer"),
      }),
      fc.option(files, { nil: undefined }),
    )
    .map(([tls, paths]) => ({ ...tls, ...(paths ?? {}) }));
}

function clientArb(): fc.Arbitrary<Doc> {
  return partial({
    keepalive: partial({ timeout: durationArb(), minTimeout: fc.option(durationArb(), { nil: null }), requests: weighted(4, fc.integer({ min: 10_000, max: 10_000_000 }), 1, fc.integer({ min: 1, max: 10_000_000 })) }),
    headerTimeout: durationArb(),
    bodyTimeout: durationArb(),
    sendTimeout: durationArb(),
    headerBufferSize: sizeArb(1024, 64 * 1024),
    largeHeaderBuffers: partial({ count: fc.integer({ min: 1, max: 64 }), size: sizeArb(1024, 1024 * 1024) }),
  });
}

function compressionArb(): fc.Arbitrary<Doc> {
  const types = fc.array(mimeTypeArb(), { minLength: 1, maxLength: 6 });
  return partial({
    gzip: partial({ enabled: fc.boolean(), level: fc.integer({ min: 1, max: 9 }), minLength: fc.integer({ min: 0, max: 10_485_760 }), types }),
    brotli: partial({ enabled: fc.boolean(), level: fc.integer({ min: 0, max: 11 }), minLength: fc.integer({ min: 0, max: 10_485_760 }), types }),
    zstd: partial({ enabled: fc.constantFrom("auto", true, false), level: fc.integer({ min: 1, max: 19 }), minLength: fc.integer({ min: 0, max: 10_485_760 }), types }),
  });
}

function securityHeadersArb(headerHeavy: boolean): fc.Arbitrary<Doc> {
  const record = headerHeavy ? (m: Record<string, fc.Arbitrary<unknown>>) => fc.record(m) : partial;
  return record({
    contentTypeOptions: fc.boolean(),
    frameOptions: fc.constantFrom("DENY", "SAMEORIGIN", "off"),
    referrerPolicy: fc.constantFrom("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin", "off"),
    permissionsPolicy: headerValueArb(),
    contentSecurityPolicy: headerValueArb(),
    crossOriginOpenerPolicy: fc.constantFrom("same-origin", "same-origin-allow-popups", "unsafe-none", "off"),
  });
}

function backendArb(): fc.Arbitrary<Doc> {
  const build = fc.option(fc.record({ context: relativePathArb(), dockerfile: relativePathArb() }, { requiredKeys: ["dockerfile"] }), { nil: null });
  return fc
    .tuple(
      partial({
        enabled: fc.boolean(),
        // "nginx" and "prometheus" are valid identifiers, and also the names of edgekit's own services.
        service: fc.oneof({ weight: 6, arbitrary: fc.constant("backend") }, { weight: 3, arbitrary: identifierArb().filter((v) => !["nginx", "prometheus", "nginx_exporter"].includes(v)) }, { weight: 1, arbitrary: fc.constantFrom("api", "web") }),
        image: dockerImageArb(),
        build,
        replicas: fc.integer({ min: 1, max: 64 }),
        port: fc.integer({ min: 1, max: 65535 }),
        env: fc.dictionary(envNameArb(), envValueArb(), { maxKeys: 4, noNullPrototype: true }),
        healthPath: locationPathArb(),
        metricsPath: locationPathArb(),
        sseHeartbeat: durationBetween(1, 60_000),
        shutdownTimeout: durationArb(),
        httpClient: partial({ connections: fc.integer({ min: 1, max: 10_000 }), keepAliveTimeout: durationArb() }),
      }),
      // keepAliveTimeout above every upstream keepalive timeout (<= 60s here), headersTimeout above it
      // (rule backend-keepalive-outlives-nginx).
      fc.option(fc.tuple(fc.integer({ min: 61, max: 3600 }), fc.integer({ min: 1, max: 60 }), fc.boolean()), { nil: undefined }),
    )
    .map(([backend, timing]) => {
      if (!timing) return backend;
      const [keepAlive, more, ms] = timing;
      return { ...backend, keepAliveTimeout: ms ? `${keepAlive * 1000}ms` : `${keepAlive}s`, headersTimeout: `${keepAlive + more}s` };
    });
}

/** A waiver with the violation it waives: the spec is then accepted with a warning. */
const WAIVED_VIOLATIONS: Record<string, (doc: Doc) => void> = {
  "server-tokens": (doc) => {
    doc.nginx = { ...(doc.nginx as Doc), serverTokens: true };
  },
  "upstream-backup-balance": (doc) => {
    const [name, up] = Object.entries(doc.upstreams as Record<string, Doc>)[0]!;
    (doc.upstreams as Record<string, Doc>)[name] = { ...up, balance: "ip_hash", servers: [...(up.servers as Doc[]), { host: "backup-host", backup: true }] };
  },
  "keepalive-pool-size": (doc) => {
    const [name, up] = Object.entries(doc.upstreams as Record<string, Doc>)[0]!;
    (doc.upstreams as Record<string, Doc>)[name] = { ...up, expectedConcurrency: 100, keepalive: { ...(up.keepalive as Doc), connections: 10 } };
  },
  "client-keepalive-requests": (doc) => {
    doc.client = { ...(doc.client as Doc), keepalive: { requests: 1000 } };
  },
  "route-upstream-exists": (doc) => {
    doc.routes = [...((doc.routes as Doc[] | undefined) ?? []), { kind: "api", path: "/waived-upstream/", upstream: "nowhere" }];
  },
  "http3-needs-nginx-1-25": (doc) => {
    doc.nginx = { ...(doc.nginx as Doc), version: "1.22.1" };
    doc.tls = { ...(doc.tls as Doc), enabled: true, http3: true };
  },
  "listen-ports-distinct": (doc) => {
    doc.tls = { ...(doc.tls as Doc), enabled: true };
    doc.listen = { ...(doc.listen as Doc), httpPort: 8443, httpsPort: 8443 };
  },
  "real-ip-trust-all": (doc) => {
    // Everyone, written without a /0: the two halves of the IPv4 space.
    doc.realIp = { enabled: true, from: ["0.0.0.0/1", "128.0.0.0/1"] };
  },
};

export interface SpecInputOptions {
  /** Every route has headers and the CSP/Permissions-Policy are always set (to hostile strings, often). */
  headerHeavy?: boolean;
  /**
   * Target this tested release: every spec's nginx.version is its version (so the version-gated
   * syntax rendered is the release's), and compression.zstd.enabled is drawn (auto, true, false)
   * where the release's image has the zstd module. Without it, versions are drawn from
   * NGINX_VERSIONS and zstd stays off (the host's nginx has no zstd module).
   */
  release?: NginxRelease;
}

/**
 * Spec documents from the schema's space, every section represented, built to satisfy the semantic
 * rules most of the time (an accepted spec is what the render properties need); a few carry a
 * waiver with the violation it waives. At most 12 routes, 4 upstreams of 4 servers.
 */
export function validSpecInput(options: SpecInputOptions = {}): fc.Arbitrary<Doc> {
  const headerHeavy = options.headerHeavy ?? false;
  const release = options.release;
  return fc.uniqueArray(identifierArb(), { minLength: 1, maxLength: 4 }).chain((names) =>
    fc
      .tuple(
        fc.record(
          {
            version: fc.constant(1),
            domain: hostnameArb(),
            aliases: fc.array(hostnameArb(), { maxLength: 3 }),
            nginx: partial({
              version: fc.oneof(
                { weight: 12, arbitrary: fc.constantFrom("1.22.1", "1.24.0") },
                { weight: 4, arbitrary: fc.constantFrom(...NGINX_VERSIONS) },
                { weight: 1, arbitrary: fc.constant("1.20.2") },
              ),
              // Users this host (and the Debian nginx image) has, with a group of the same name.
              user: fc.constantFrom(null, "www-data", "root"),
              workerProcesses: fc.oneof(fc.constant("auto"), fc.integer({ min: 1, max: 256 })),
              workerConnections: weighted(4, fc.integer({ min: 64, max: 65_536 }), 1, fc.integer({ min: 64, max: 1_048_576 })),
              workerRlimitNofile: fc.oneof(fc.constant("auto"), fc.integer({ min: 0, max: 100_000 })),
              pidFile: absolutePathArb(),
              tempDir: fc.option(absolutePathArb(), { nil: null }),
              serverTokens: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
            }),
            listen: partial({ httpPort: fc.integer({ min: 1, max: 65535 }), httpsPort: fc.integer({ min: 1, max: 65535 }), ipv6: fc.boolean() }),
            tls: tlsArb(),
            http2: partial({ enabled: fc.boolean(), maxConcurrentStreams: fc.integer({ min: 1, max: 1024 }) }),
            client: clientArb(),
            upstreams: fc.tuple(...names.map(() => upstreamArb())).map((ups) => Object.fromEntries(names.map((n, i) => [n, ups[i]!]))),
            routes: fc.uniqueArray(routeArb(names, headerHeavy), { maxLength: 12, selector: (r) => `${(r.match as string | undefined) ?? "prefix"} ${r.path as string}` }),
            cache: partial({
              path: absolutePathArb(),
              keysZoneSize: zoneSizeArb(),
              maxSize: diskSizeArb(),
              inactive: durationSecondsArb(),
              harmlessCookies: fc.oneof({ weight: 9, arbitrary: fc.array(cookieNameArb(), { maxLength: 4 }) }, { weight: 1, arbitrary: fc.array(cookieNameArb(), { minLength: 8, maxLength: 10 }) }),
              statusHeader: fc.option(responseHeaderNameArb(), { nil: null }),
            }),
            compression: compressionArb(),
            securityHeaders: securityHeadersArb(headerHeavy),
            headers: headerMap(headerHeavy ? 5 : 3),
            requestId: partial({ keepIncoming: fc.constantFrom("valid", "trusted", "never"), response: fc.boolean() }),
            errorPages: fc.oneof({ weight: 2, arbitrary: fc.constant(null).map(() => ({})) }, { weight: 1, arbitrary: errorPagesArb() }),
            realIp: partial({ enabled: fc.boolean(), from: cidrList(1, 4), header: headerNameArb(), recursive: fc.boolean() }),
            logging: partial({
              access: partial({ format: fc.constantFrom("json", "combined", "off"), path: absolutePathArb(), buffer: fc.oneof(fc.constant("0"), sizeArb(1, 64 * 1024 * 1024)), flush: durationArb() }),
              error: partial({ path: absolutePathArb(), level: fc.constantFrom("debug", "info", "notice", "warn", "error", "crit") }),
            }),
            metrics: partial({
              enabled: fc.boolean(),
              statusPath: locationPathArb(),
              allow: allowListArb(),
              exporter: partial({ image: dockerImageArb(), port: fc.integer({ min: 1, max: 65535 }) }),
              prometheus: partial({ image: dockerImageArb(), port: fc.integer({ min: 1, max: 65535 }), scrapeInterval: durationArb(), retention: durationArb() }),
            }),
            backend: backendArb(),
            raw: partial({ http: fc.constantFrom(...RAW_HTTP), server: fc.constantFrom(...RAW_SERVER) }),
            container: partial({ image: dockerImageArb(), build: fc.option(fc.record({ context: relativePathArb(), dockerfile: relativePathArb() }), { nil: null }), certsDir: relativePathArb() }),
            kubernetes: kubernetesArb(),
            swarm: swarmArb(),
          },
          { requiredKeys: ["domain", "upstreams", "routes"] },
        ),
        fc.oneof({ weight: 14, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...Object.keys(WAIVED_VIOLATIONS)) }),
        absolutePathArb(),
        fc.boolean(),
        fc.option(sitesPlanArb(), { nil: undefined, freq: 3 }),
      )
      .map(([doc, waived, modulesDir, omitRoutes, sites]) => finalize(doc, waived, modulesDir, omitRoutes, release, sites)),
  );
}

/** How a drawn one-site spec becomes a multi-site one: its routes dealt out over 1 to 3 sites. */
interface SitesPlan {
  ids: string[];
  names: string[];
  /** The last site (of two or more) redirects to the first one's primary name. */
  redirect: boolean;
  status: number | undefined;
  /** Certificates of the first site: none (tls.certificate), one, or an ECDSA and an RSA pair. */
  certificates: number;
  headers: Doc;
  defaultServer: "first-site" | "refuse" | undefined;
  /** The first site's raw server directives (after raw.server, in the same server). */
  raw: string;
  /** Error pages of the last site, over the top-level ones. */
  errorPages: Doc;
}

function sitesPlanArb(): fc.Arbitrary<SitesPlan> {
  return fc.record({
    ids: fc.uniqueArray(identifierArb(), { minLength: 1, maxLength: 3 }),
    names: fc.uniqueArray(hostnameArb(), { minLength: 3, maxLength: 6 }),
    redirect: fc.boolean(),
    status: fc.constantFrom(undefined, 301, 302, 307, 308),
    certificates: fc.integer({ min: 0, max: 2 }),
    headers: headerMap(2),
    defaultServer: fc.constantFrom(undefined, "first-site", "refuse"),
    raw: fc.constantFrom(...RAW_SITE),
    // A fresh {} each time (a shared object would be written as a YAML alias).
    errorPages: fc.oneof({ weight: 2, arbitrary: fc.constant(null).map(() => ({})) }, { weight: 1, arbitrary: errorPagesArb() }),
  });
}

/**
 * The spec's domain, aliases and routes as `sites`: names dealt out (each site at least one, no
 * name twice), routes dealt out by index, the last site a host redirect when the plan says so.
 * Site certificates lie in tls.certificate's directory (rule tls-files-one-dir).
 */
function toSites(doc: Doc, plan: SitesPlan): void {
  const routes = (doc.routes as Doc[] | undefined) ?? [];
  const ids = plan.ids;
  const names = plan.names;
  const redirecting = plan.redirect && ids.length > 1;
  const certificate = ((doc.tls as Doc | undefined)?.certificate as string | undefined) ?? "/etc/nginx/certs/fullchain.pem";
  const dir = posix.dirname(certificate) === "/" ? "" : posix.dirname(certificate);
  const pairs = [
    { certificate: `${dir}/site-ecdsa.pem`, key: `${dir}/site-ecdsa.key` },
    { certificate: `${dir}/site-rsa.pem`, key: `${dir}/site-rsa.key` },
  ].slice(0, plan.certificates);
  const sites: Doc = {};
  ids.forEach((id, i) => {
    const own = names.filter((_, j) => j % ids.length === i);
    const site: Doc = { names: own.length > 0 ? own : [names[i]!] };
    if (i === 0 && pairs.length > 0) site.certificates = pairs;
    if (i === 0 && Object.keys(plan.headers).length > 0) site.headers = plan.headers;
    if (i === 0 && plan.raw !== "") site.raw = plan.raw;
    if (i === ids.length - 1 && Object.keys(plan.errorPages).length > 0) site.errorPages = plan.errorPages;
    if (redirecting && i === ids.length - 1) {
      site.redirect = { to: names[0], ...(plan.status === undefined ? {} : { status: plan.status }) };
    } else if (doc.routes !== undefined) {
      const served = redirecting ? ids.length - 1 : ids.length;
      site.routes = routes.filter((_, j) => j % served === i);
    }
    sites[id] = site;
  });
  delete doc.domain;
  delete doc.aliases;
  delete doc.routes;
  doc.sites = sites;
  if (plan.defaultServer !== undefined) doc.defaultServer = plan.defaultServer;
}

/** Cross-field rules the generator keeps (so most specs are accepted), then the optional waiver. */
function finalize(input: Doc, waived: string | undefined, modulesDir: string, omitRoutes: boolean, release: NginxRelease | undefined, sites?: SitesPlan): Doc {
  let doc: Doc = structuredClone(input);
  const nginx = (doc.nginx ?? {}) as Doc;
  if (release) nginx.version = release.version;
  // worker-rlimit-nofile: "auto" or at least twice worker_connections.
  if (typeof nginx.workerRlimitNofile === "number") nginx.workerRlimitNofile = Math.min(8_388_608, 2 * ((nginx.workerConnections as number | undefined) ?? 4096) + nginx.workerRlimitNofile);
  const version = (nginx.version as string | undefined) ?? "1.22.1";
  const tls = (doc.tls ?? {}) as Doc;
  // http3-needs-nginx-1-25: QUIC only with TLS on nginx >= 1.25.0.
  if (tls.http3 === true && (tls.enabled === false || !hasFeature(version, "http3"))) tls.http3 = false;
  // sticky-needs-nginx: nginx's own sticky cookie only where the version has it.
  for (const upstream of Object.values((doc.upstreams ?? {}) as Record<string, Doc>)) {
    if (!hasFeature(version, "sticky")) delete upstream.sticky;
  }
  // static-host-dir-in-project: a hostDir is a directory of its own inside the project, or says it
  // isn't (allowOutsideProject); the spec's own directory ("", ".", "a/..") never is one.
  for (const route of (doc.routes ?? []) as Doc[]) {
    if (route.kind !== "static" || typeof route.hostDir !== "string") continue;
    const normal = posix.normalize(route.hostDir);
    if (normal === "." || normal === "./" || normal === "") route.hostDir = "public";
    else if (normal.startsWith("..")) route.allowOutsideProject = true;
  }
  // Answers nginx gives itself: no body on 204/205, no Content-Type or Location of their own;
  // redirect-target-shape: a kept path only on a prefix route and into a directory target when the
  // prefix is one, a kept path or query only into a target without its own query or fragment.
  for (const route of (doc.routes ?? []) as Doc[]) {
    if (route.kind !== "respond" && route.kind !== "redirect") continue;
    const owned = route.kind === "respond" ? "content-type" : "location";
    if (route.headers) route.headers = Object.fromEntries(Object.entries(route.headers as Doc).filter(([n]) => n.toLowerCase() !== owned));
    if (route.kind === "respond" && (route.status === 204 || route.status === 205)) delete route.body;
    if (route.kind !== "redirect") continue;
    const to = route.to as string;
    if (/[?#]/.test(to)) route.keepPath = route.keepQuery = false;
    if (route.keepPath === true && route.match === "exact") route.keepPath = false;
    if (route.keepPath === true && (route.path as string).endsWith("/") && !to.endsWith("/")) route.to = `${to}/`;
  }
  // listen-ports-distinct.
  const listen = (doc.listen ?? {}) as Doc;
  const http = (listen.httpPort as number | undefined) ?? 80;
  const https = (listen.httpsPort as number | undefined) ?? 443;
  if (http === https) listen.httpsPort = https === 65535 ? 1 : https + 1;
  // zstd only where the nginx that runs nginx -t has the module: a targeted release's image when it
  // packages it (zstd-needs-module refuses `true` elsewhere), never the host's nginx (Debian 12).
  const compression = (doc.compression ?? {}) as Doc;
  const zstd = (compression.zstd ?? {}) as Doc;
  if (!release?.modules.includes("zstd")) compression.zstd = { ...zstd, enabled: false };
  doc.compression = compression;
  // brotli and zstd off: the modules directory is unused, so any path will do. (zstd `auto` is on
  // for a release with the module unless container.image is set; the directory stays real then too.)
  const brotli = (compression.brotli ?? {}) as Doc;
  if (brotli.enabled === false && ((compression.zstd ?? {}) as Doc).enabled === false) nginx.modulesDir = modulesDir;
  // route-path-unique against metrics.statusPath.
  const metrics = (doc.metrics ?? {}) as Doc;
  const statusPath = (metrics.statusPath as string | undefined) ?? "/nginx_status";
  if (metrics.enabled !== false) doc.routes = (doc.routes as Doc[]).filter((r) => !(r.match === "exact" && r.path === statusPath));
  // A load balancer terminates TLS only where nginx doesn't (schema).
  if (tls.terminatedBy === "loadBalancer" && tls.enabled !== false) tls.terminatedBy = "nginx";
  // real-ip-trusted-proxies / real-ip-trust-all / trusted-proxies-needed.
  const realIp = (doc.realIp ?? {}) as Doc;
  if (tls.terminatedBy === "loadBalancer" || ((doc.requestId ?? {}) as Doc).keepIncoming === "trusted") realIp.enabled = true;
  if (realIp.enabled === true && (realIp.from === undefined || coversEveryone(realIp.from as string[]))) realIp.from = ["10.0.0.0/8"];
  for (const [key, value] of [["nginx", nginx], ["tls", tls], ["listen", listen], ["metrics", metrics], ["realIp", realIp]] as const) {
    if (Object.keys(value).length > 0) doc[key] = value;
  }
  // An absent routes list means the default (one api route at /): valid only with one upstream.
  if (omitRoutes && Object.keys(doc.upstreams as Doc).length === 1 && (doc.routes as Doc[]).length === 0) delete doc.routes;
  if (waived !== undefined) {
    const broken = structuredClone(doc);
    WAIVED_VIOLATIONS[waived]!(broken);
    // A release-targeted spec keeps its release's version: a violation that needs another one
    // (http3-needs-nginx-1-25 moves the spec to 1.22.1) is left out there.
    if (release === undefined || (broken.nginx as Doc | undefined)?.version === release.version) {
      doc = broken;
      doc.waive = [{ rule: waived, reason: "fuzz: the spec breaks this rule on purpose" }];
    }
  }
  // Last, so a waived violation's route is dealt out to a site like any other.
  if (sites !== undefined) toSites(doc, sites);
  return doc;
}

// --- invalid documents -----------------------------------------------------------------------

export type MutationKind = "wrong-type" | "unknown-key" | "out-of-range" | "inject" | "inject-key" | "delete" | "root" | "text";

export interface Mutation {
  kind: MutationKind;
  /** Where in the document it was applied ([] for root and text mutations). */
  path: SpecPath;
  detail: string;
}

export interface FuzzDocument {
  /** The data (after mutation); `text` is its YAML unless a text mutation edited the YAML itself. */
  value: unknown;
  text: string;
  mutations: Mutation[];
}

const WRONG_TYPES: unknown[] = [42, "text", true, false, null, [], {}, [1, "two"], { a: 1 }, -3.5, "", "1.5"];
const OUT_OF_RANGE = [-1, 0, -100, 1e12, 2.5, 65536, 1_048_577, 2 ** 53 + 2, Number.NaN, Number.POSITIVE_INFINITY, 10_000_001];
const UNKNOWN_KEYS = ["bogus", "Bogus-Key", "extra_field", "enabled2", "rout es", "timeout ", "1"];
/** Injected into strings: nginx syntax, variables, line breaks, quotes, NUL, DEL. */
export const INJECTIONS = [";", "{", "}", "$", "$host", "${x}", "\n", "\r\n", '"', "'", "#", " ", "\t", "\\", "\u0000", "\u007f", "; return 200 x;", "\n}\nserver {", "\u2028", "\u200b", "é"];
const ROOTS: unknown[] = [null, [], "spec", 42, {}, [{ domain: "a.example.com" }], true];
const TEXT_EDITS = ["duplicate-key", "tab-indent", "truncate", "unclosed-flow", "stray-colon", "bad-escape"] as const;

interface Node {
  path: (string | number)[];
  value: unknown;
}

function nodes(value: unknown, path: (string | number)[] = []): Node[] {
  const out: Node[] = [{ path, value }];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...nodes(v, [...path, i])));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...nodes(v, [...path, k]));
  return out;
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  let parent = root as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  parent[path.at(-1)!] = value;
  return root;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function applyMutation(root: unknown, kind: MutationKind, at: number, variant: number): { root: unknown; mutation: Mutation } | undefined {
  const all = nodes(root);
  const pick = (candidates: Node[]) => (candidates.length === 0 ? undefined : candidates[at % candidates.length]!);
  switch (kind) {
    case "wrong-type": {
      const node = pick(all.filter((n) => n.path.length > 0));
      if (!node) return undefined;
      const others = WRONG_TYPES.filter((v) => typeof v !== typeof node.value || Array.isArray(v) !== Array.isArray(node.value) || (v === null) !== (node.value === null));
      const replacement = others[variant % others.length];
      return { root: setAt(root, node.path, structuredClone(replacement)), mutation: { kind, path: node.path, detail: JSON.stringify(replacement) } };
    }
    case "unknown-key": {
      const node = pick(all.filter((n) => isObject(n.value)));
      if (!node) return undefined;
      const key = UNKNOWN_KEYS[variant % UNKNOWN_KEYS.length]!;
      (node.value as Record<string, unknown>)[key] = 1;
      return { root, mutation: { kind, path: [...node.path, key], detail: key } };
    }
    case "out-of-range": {
      const node = pick(all.filter((n) => typeof n.value === "number"));
      if (!node) return undefined;
      const replacement = OUT_OF_RANGE[variant % OUT_OF_RANGE.length]!;
      return { root: setAt(root, node.path, replacement), mutation: { kind, path: node.path, detail: String(replacement) } };
    }
    case "inject": {
      const node = pick(all.filter((n) => typeof n.value === "string" && n.path.length > 0));
      if (!node) return undefined;
      const text = node.value as string;
      const injected = INJECTIONS[variant % INJECTIONS.length]!;
      const pos = Math.floor(variant / INJECTIONS.length) % (text.length + 1);
      return { root: setAt(root, node.path, text.slice(0, pos) + injected + text.slice(pos)), mutation: { kind, path: node.path, detail: JSON.stringify(injected) } };
    }
    case "inject-key": {
      // Keys that are values too: upstream names, header names, env names.
      const node = pick(all.filter((n) => isObject(n.value) && ["upstreams", "headers", "env"].includes(String(n.path.at(-1))) && Object.keys(n.value as object).length > 0));
      if (!node) return undefined;
      const obj = node.value as Record<string, unknown>;
      const keys = Object.keys(obj);
      const key = keys[variant % keys.length]!;
      const injected = INJECTIONS[variant % INJECTIONS.length]!;
      const renamed = `${key}${injected}`;
      obj[renamed] = obj[key];
      delete obj[key];
      return { root, mutation: { kind, path: [...node.path, renamed], detail: JSON.stringify(injected) } };
    }
    case "delete": {
      const node = pick(all.filter((n) => n.path.length > 0 && isObject(valueAtPath(root, n.path.slice(0, -1)))));
      if (!node) return undefined;
      const parent = valueAtPath(root, node.path.slice(0, -1)) as Record<string, unknown>;
      delete parent[node.path.at(-1) as string];
      return { root, mutation: { kind, path: node.path, detail: String(node.path.at(-1)) } };
    }
    case "root": {
      const replacement = structuredClone(ROOTS[variant % ROOTS.length]);
      return { root: replacement, mutation: { kind, path: [], detail: JSON.stringify(replacement) } };
    }
    case "text":
      return { root, mutation: { kind, path: [], detail: TEXT_EDITS[variant % TEXT_EDITS.length]! } };
  }
}

function valueAtPath(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const p of path) v = (v as Record<string | number, unknown> | null | undefined)?.[p];
  return v;
}

function editText(text: string, edit: string, at: number): string {
  const lines = text.split("\n");
  const i = at % Math.max(1, lines.length - 1);
  switch (edit) {
    case "duplicate-key":
      return [...lines.slice(0, 1), lines[0]!, ...lines.slice(1)].join("\n");
    case "tab-indent":
      return lines.map((l, j) => (j === i && l.startsWith("  ") ? `\t${l.slice(2)}` : l)).join("\n");
    case "truncate":
      return text.slice(0, Math.floor((text.length * ((at % 9) + 1)) / 10));
    case "unclosed-flow":
      return `${text}extra: [1, 2\n`;
    case "stray-colon":
      return lines.map((l, j) => (j === i ? `${l}: :` : l)).join("\n");
    default:
      return `${text}bad: "\\q"\n`;
  }
}

/**
 * Valid specs with one to three mutations (or none, one time in ten): wrong types, unknown keys,
 * out-of-range numbers, nginx/YAML syntax injected into any string value or record key, deleted
 * fields, a non-mapping root, or a broken YAML text.
 */
export function arbitraryDocument(): fc.Arbitrary<FuzzDocument> {
  const mutation = fc.record({
    kind: fc.constantFrom<MutationKind>("wrong-type", "wrong-type", "unknown-key", "out-of-range", "out-of-range", "inject", "inject", "inject", "inject-key", "delete", "delete", "root", "text"),
    at: fc.nat(),
    variant: fc.nat(),
  });
  return fc
    .tuple(validSpecInput(), fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 9, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }))
    .map(([doc, steps]) => {
      let root: unknown = structuredClone(doc);
      const mutations: Mutation[] = [];
      const textEdits: { edit: string; at: number }[] = [];
      for (const step of steps) {
        const applied = applyMutation(root, step.kind, step.at, step.variant);
        if (!applied) continue;
        root = applied.root;
        mutations.push(applied.mutation);
        if (step.kind === "text") textEdits.push({ edit: applied.mutation.detail, at: step.at });
      }
      let text = stringify(root);
      for (const { edit, at } of textEdits) text = editText(text, edit, at);
      return { value: root, text, mutations };
    });
}

// --- property checks -----------------------------------------------------------------------

export class PropertyFailure extends Error {}

function fail(message: string, details?: unknown): never {
  throw new PropertyFailure(details === undefined ? message : `${message}\n${typeof details === "string" ? details : JSON.stringify(details, null, 2)}`);
}

const errorsOf = (diagnostics: readonly Diagnostic[]) => diagnostics.filter((d) => d.severity === "error");

export function specText(doc: unknown): string {
  return stringify(doc);
}

/**
 * The real `nginx -t`, as nginxTest() runs it (same version gate, same checkVariant() paths), but with
 * one development certificate pair made once and shared: nginxTest() runs openssl three times per call
 * (~38 ms of its ~50), which would dominate a fuzz run.
 */
export interface NginxChecker {
  installed: string | null;
  /** Which nginx runs the check, for messages: the host's, or a release's image in a container. */
  label: string;
  check(spec: Spec): Promise<NginxTestResult>;
  close(): void;
}

/**
 * Lays out an `nginx -t` prefix for `spec` (logs, temp, cache, conf), renders it as nginxTest() would
 * (checkVariant() paths) with the shared certificate pair, and writes conf/nginx.conf.
 */
export function writeCheckPrefix(spec: Spec, prefix: string, certs: { cert: string; key: string }): { config: string; confPath: string } {
  for (const d of ["logs", "temp", "cache", "conf"]) mkdirSync(join(prefix, d), { recursive: true });
  const moved = checkVariant(spec, prefix);
  const variant: Spec = mapCertificates(moved, () => ({ certificate: certs.cert, key: certs.key }));
  const config = renderNginxConf(variant, MODEL_OPTIONS);
  const confPath = join(prefix, "conf", "nginx.conf");
  writeFileSync(confPath, config);
  return { config, confPath };
}

export async function sharedCertNginxChecker(): Promise<NginxChecker> {
  const installed = await installedNginxVersion();
  const dir = mkdtempSync(join(tmpdir(), "edgekit-fuzz-certs-"));
  const certs = await createDevCerts({ dir, names: ["fuzz.example.com"], certFile: "fullchain.pem", keyFile: "privkey.pem" });
  return {
    installed,
    label: "nginx on this host",
    async check(spec) {
      if (installed === null) return { ok: false, unavailable: true, output: "nginx is not installed", config: "" };
      if (missingFeatures(installed, versionGatedFeatures(spec)).length > 0) {
        return { ok: false, unavailable: true, output: `the spec targets nginx ${spec.nginx.version}, the installed nginx is ${installed}`, config: "" };
      }
      const prefix = mkdtempSync(join(tmpdir(), "edgekit-fuzz-t-"));
      try {
        const { config, confPath } = writeCheckPrefix(spec, prefix, certs);
        const result = await execa("nginx", ["-t", "-q", "-p", `${prefix}/`, "-e", join(prefix, "logs", "startup.log"), "-c", confPath], { reject: false, all: true });
        return { ok: result.exitCode === 0, output: String(result.all ?? "").trim(), config };
      } finally {
        rmSync(prefix, { recursive: true, force: true });
      }
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type AcceptedOutcome = "rejected" | "nginx-ok" | "nginx-unavailable";

export interface AcceptedOptions {
  nginx: NginxChecker;
  /** Also run the real nginxTest() (fresh certificates) and require it to agree. */
  crossCheckNginxTest?: boolean;
  /** `promtool check config` on prometheus.yml (default: on; ~25 ms). */
  promtool?: boolean;
  /** `docker-compose config -q` on docker-compose.prod.yml (~350 ms: for a sample). */
  dockerCompose?: boolean;
  /** Called with each spec nginx -t accepted (to tally what the property really covered). */
  onNginxOk?: (spec: Spec) => void;
}

async function checkPromtool(content: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "edgekit-fuzz-prom-"));
  try {
    writeFileSync(join(dir, "prometheus.yml"), content);
    const result = await execa("promtool", ["check", "config", join(dir, "prometheus.yml")], { reject: false, all: true });
    if (result.exitCode !== 0) fail("promtool rejects the rendered prometheus.yml", String(result.all ?? "").replaceAll(dir, "<tmp>"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function checkDockerCompose(content: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "edgekit-fuzz-compose-"));
  try {
    const out = join(dir, "a", "b", "c", "out");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "docker-compose.prod.yml"), content);
    // Build contexts must exist for `config`; they are the spec's business, not the render's.
    const compose = parseYaml(content) as { services: Record<string, { build?: { context: string } }> };
    for (const service of Object.values(compose.services)) if (service.build) mkdirSync(join(out, service.build.context), { recursive: true });
    const result = await execa("docker-compose", ["-f", join(out, "docker-compose.prod.yml"), "config", "-q"], { reject: false, all: true });
    if (result.exitCode !== 0 || String(result.all ?? "").trim() !== "") fail("docker-compose config rejects the rendered docker-compose.prod.yml", String(result.all ?? "").replaceAll(dir, "<tmp>"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Property 1: a spec that schema + rules accept compiles to files, its nginx.conf lints clean, the real
 * `nginx -t` accepts it (unless it targets syntax this nginx can't load), and it is not open to all.
 */
export async function checkAccepted(doc: Doc, options: AcceptedOptions): Promise<AcceptedOutcome> {
  const text = specText(doc);
  const validated = validateSpecText(text, "spec.yaml");
  if (!validated.spec || errorsOf(validated.diagnostics).length > 0) return "rejected";
  const compiled = compileSpecText(text, "spec.yaml", MODEL_OPTIONS);
  if (!compiled.files) fail("an accepted spec rendered no files", errorsOf(compiled.diagnostics).map((d) => `${d.code}: ${d.message}`));
  const conf = compiled.files.find((f) => f.path === "nginx/nginx.conf");
  if (!conf) fail("no nginx/nginx.conf among the rendered files", compiled.files.map((f) => f.path));
  const lint = lintText(conf.content, { file: conf.path });
  // Checks sharing an id with a spec rule (server-tokens) are that rule's to report, with waivers.
  const ruleIds = new Set([...RULES.map((r) => r.id), "status-page-exposed"]);
  const findings = lint.diagnostics.filter((d) => !ruleIds.has(d.code));
  if (!lint.parsed || findings.length > 0) fail("the rendered nginx.conf does not lint clean", findings.map((d) => `${d.code}: ${d.message}`));
  checkNotOpenToAll(validated.spec);
  const spec = validated.spec;
  checkSecretsNotServed(spec, conf.content, compiled.files.find((f) => f.path === "docker-compose.prod.yml")?.content);
  // Cheapest first: shrinking re-runs every check up to the failing one.
  const result = await options.nginx.check(spec);
  if (result.unavailable) {
    if (options.nginx.installed !== null && missingFeatures(options.nginx.installed, versionGatedFeatures(spec)).length === 0) fail(`nginx -t was skipped for a spec this nginx can load: ${result.output}`);
  } else if (!result.ok) {
    fail(`nginx -t (${options.nginx.label}, nginx ${options.nginx.installed}) rejects the rendered config`, result.output);
  }
  const prometheus = compiled.files.find((f) => f.path === "prometheus.yml");
  if (prometheus && options.promtool !== false) await checkPromtool(prometheus.content);
  if (options.dockerCompose) await checkDockerCompose(compiled.files.find((f) => f.path === "docker-compose.prod.yml")!.content);
  if (options.crossCheckNginxTest) {
    const real = await nginxTest(spec, { runner: hostNginx() });
    if (Boolean(real.ok) !== Boolean(result.ok) || Boolean(real.unavailable) !== Boolean(result.unavailable)) {
      fail("nginxTest() and the shared-certificate check disagree", { nginxTest: real.output, shared: result.output });
    }
  }
  if (!result.unavailable) options.onNginxOk?.(spec);
  return result.unavailable ? "nginx-unavailable" : "nginx-ok";
}


/** Within or equal, on normalised paths (relative ones, such as compose's host paths, from one directory). */
const under = (inner: string, outer: string) => {
  const [i, o] = [inner, outer].map((p) => posix.normalize(`${posix.join("/from", p)}/`));
  return i!.startsWith(o!);
};

/**
 * No rendered file serves or mounts the TLS files: no nginx root/alias holds the certificate or
 * the key, and no static route's compose mount brings the host's copies (certsDir) along.
 */
function checkSecretsNotServed(spec: Spec, conf: string, compose: string | undefined): void {
  const tlsFiles = [spec.tls.certificate, spec.tls.certificateKey, ...allCertificates(spec).flatMap((c) => [c.certificate, c.key])];
  const served: string[] = [];
  const visit = (tree: readonly Directive[]) => {
    for (const d of tree) {
      if ((d.name === "alias" || d.name === "root") && d.args[0]) served.push(d.args[0]);
      if (d.block) visit(d.block);
    }
  };
  visit(parseNginxConfig(conf).tree);
  for (const dir of served) for (const file of tlsFiles) if (under(file, dir)) fail(`nginx serves ${dir}, which holds ${file}`);
  if (compose === undefined || !spec.tls.enabled) return;
  // Long-syntax volumes; compose's "$$" is a literal "$".
  const volumes = ((parseYaml(compose) as { services: Record<string, { volumes?: { source: string; target: string }[] }> }).services.nginx?.volumes ?? []).map((v) => [v.source.replaceAll("$$", "$"), v.target]);
  const certMount = volumes.find(([, target]) => target === posix.dirname(spec.tls.certificate));
  if (!certMount) fail("compose does not mount the certificate's directory", volumes);
  const hostFiles = tlsFiles.map((f) => posix.join(certMount[0]!, posix.basename(f)));
  const roots = new Set(allRoutes(spec).flatMap(({ route }) => (route.kind === "static" ? [route.root] : [])));
  for (const [source, target] of volumes) {
    if (!roots.has(target!)) continue;
    for (const file of hostFiles) if (under(file, source!)) fail(`compose mounts ${source} (holding ${file}) at the static root ${target}`);
  }
}

/** Status pages, metrics routes, route access lists and realIp trust lists must never cover every address. */
function checkNotOpenToAll(spec: Spec): void {
  if (spec.metrics.enabled) {
    const open = spec.metrics.allow;
    if (coversEveryone(open) && !spec.waive.some((w) => w.rule === "status-not-public")) fail("metrics.allow opens stub_status to every address", open);
  }
  allRoutes(spec).forEach(({ route, path }) => {
    const open = route.kind === "metrics" ? (route.access?.allow ?? []) : [];
    if (coversEveryone(open) && !spec.waive.some((w) => w.rule === "status-not-public")) fail(`metrics route ${formatPath(path)} is open to every address`, open);
    const access = route.kind !== "metrics" ? (route.access?.allow ?? []) : [];
    if (coversEveryone(access) && !spec.waive.some((w) => w.rule === "access-allows-everyone")) fail(`route ${formatPath(path)}'s access list lets every address in`, access);
  });
  if (spec.realIp.enabled) {
    const open = spec.realIp.from;
    if (coversEveryone(open) && !spec.waive.some((w) => w.rule === "real-ip-trust-all")) fail("realIp.from trusts the client-address header from every address", open);
  }
}

export type RejectedOutcome = "accepted" | "rejected";

/** Characters a terminal shows as nothing (or as a line break): controls, format characters, line/paragraph separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const isPrefix = (a: SpecPath, b: SpecPath) => a.length <= b.length && a.every((p, i) => String(p) === String(b[i]));

/**
 * Property 2: a rejected document gets errors that each say what is wrong, where (a spec path and a
 * line:column inside the file), and every schema error points at a field a mutation touched. An
 * accepted document (a mutation the schema allows) must compile without throwing.
 */
export function checkRejected(doc: FuzzDocument): RejectedOutcome {
  const compiled = compileSpecText(doc.text, "spec.yaml", MODEL_OPTIONS);
  if (compiled.files) return "accepted";
  const errors = errorsOf(compiled.diagnostics);
  if (errors.length === 0) fail("no files and no error diagnostics", compiled.diagnostics);
  const lines = doc.text.split("\n").length;
  for (const d of errors) {
    if (typeof d.message !== "string" || d.message.trim() === "") fail("an error without a message", d);
    // The CLI prints one line per problem: a value's newlines, control or invisible characters must
    // be shown escaped, or the message shows a valid-looking value (or spills over several lines).
    const line = formatDiagnostic(d);
    if (INVISIBLE.test(line)) fail("an error prints control or invisible characters raw", JSON.stringify(line));
    if (d.code === "schema" && !/\bgot\b|is required|unknown field|invalid name/.test(d.message)) fail("a schema error that does not say what it found", line);
    if (/\[object Object\]|\bundefined\b/.test(d.message)) fail("an error message with a leaked internal value", d);
    if (!Array.isArray(d.path)) fail("an error without a spec path", d);
    if (!d.position || !(d.position.line >= 1) || !(d.position.column >= 1)) fail("an error without a line:column", d);
    if (d.file === "spec.yaml" && d.position.line > lines) fail(`an error at line ${d.position.line} of a ${lines}-line file`, d);
  }
  const structural = doc.mutations.some((m) => m.kind === "root" || m.kind === "text");
  if (!structural && doc.mutations.length > 0) {
    for (const d of errors.filter((e) => e.code === "schema")) {
      if (!doc.mutations.some((m) => related(d.path, m.path))) {
        fail("a schema error points away from every mutated field", { error: d, mutations: doc.mutations });
      }
    }
  }
  return "rejected";
}

/**
 * Whether an error at `errorPath` may come from a mutation at `mutatedPath`: one holds the other; or
 * the error is on a field next to the mutated one (a check across one object's fields: with a route's
 * `match` deleted, its `upstreamPath` must now end in '/'); or both are the site fields (a spec needs
 * `domain` or `sites`: with `sites` deleted the error says `domain` is required).
 */
function related(errorPath: SpecPath, mutatedPath: SpecPath): boolean {
  if (isPrefix(errorPath, mutatedPath) || isPrefix(mutatedPath, errorPath)) return true;
  if (mutatedPath.length >= 2 && isPrefix(mutatedPath.slice(0, -1), errorPath)) return true;
  const siteField = (p: SpecPath) => p.length === 1 && (p[0] === "domain" || p[0] === "sites");
  return siteField(errorPath) && siteField(mutatedPath);
}

export interface CliRun {
  exitCode: number;
  stderr: string;
}

/**
 * Property 2 through the real CLI: `edgekit generate -s spec.yaml -o out` on a rejected document exits 2
 * and leaves out/ (pre-filled with a sentinel file) exactly as it was: bytes, modes and mtimes.
 */
export async function checkCliRejects(doc: FuzzDocument, repoRoot: string): Promise<"skipped" | "rejected"> {
  if (!existsSync(join(repoRoot, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: bin/edgekit.js runs the compiled CLI; build it first with `npx tsc -p tsconfig.build.json`");
  if (compileSpecText(doc.text, "spec.yaml", MODEL_OPTIONS).files) return "skipped";
  const dir = mkdtempSync(join(tmpdir(), "edgekit-fuzz-cli-"));
  try {
    writeFileSync(join(dir, "spec.yaml"), doc.text);
    mkdirSync(join(dir, "out", "nginx"), { recursive: true });
    writeFileSync(join(dir, "out", "SENTINEL"), "do not touch\n");
    writeFileSync(join(dir, "out", "nginx", "nginx.conf"), "# Generated by edgekit from spec.yaml. Do not edit by hand:\n# an older config\n");
    const before = snapshot(join(dir, "out"));
    const result = await execa(process.execPath, [join(repoRoot, "bin", "edgekit.js"), "generate", "-s", "spec.yaml", "-o", "out"], { cwd: dir, reject: false, stdin: "ignore", env: { NO_COLOR: "1" }, timeout: 20_000 });
    if (result.exitCode !== 2) fail(`edgekit generate exited ${result.exitCode} (want 2)`, String(result.stderr));
    if (String(result.stderr).trim() === "") fail("edgekit generate rejected the spec without a word on stderr");
    const after = snapshot(join(dir, "out"));
    if (JSON.stringify(after) !== JSON.stringify(before)) fail("edgekit generate changed out/ although it rejected the spec", { before: Object.keys(before), after: Object.keys(after) });
    return "rejected";
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel === "" ? name : `${rel}/${name}`;
      const st = lstatSync(join(root, r));
      out[r] = st.isDirectory() ? `dir ${st.mode}` : `file ${st.mode} ${st.mtimeMs} ${readFileSync(join(root, r)).toString("base64")}`;
      if (st.isDirectory()) walk(r);
    }
  };
  walk("");
  return out;
}

/** Same data, every mapping's keys in another order (lists keep theirs: their order means something). */
export function shuffleKeys(value: unknown, seed: number): unknown {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  // The order of `sites` is meaning, not layout (the first site is the default server): kept.
  const walk = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (!isObject(v)) return v;
    const entries = Object.entries(v);
    for (let i = key === "sites" ? 0 : entries.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return Object.fromEntries(entries.map(([k, x]) => [k, walk(x, k)]));
  };
  return walk(value);
}

/** Property 3: compiling is a function of the spec's data: twice gives the same, and key order is irrelevant. */
export function checkDeterministic(doc: unknown, seed: number): "compiled" | "rejected" {
  const text = specText(doc);
  const a = compileSpecText(text, "spec.yaml", MODEL_OPTIONS);
  const b = compileSpecText(text, "spec.yaml", MODEL_OPTIONS);
  if (JSON.stringify(a) !== JSON.stringify(b)) fail("the same spec text compiled twice gave different results");
  const shuffled = specText(shuffleKeys(doc, seed));
  const c = compileSpecText(shuffled, "spec.yaml", MODEL_OPTIONS);
  if (JSON.stringify(a.files) !== JSON.stringify(c.files)) fail("reordering the spec's keys changed the rendered files", firstDifference(a.files, c.files));
  const summary = (r: typeof a) => r.diagnostics.map((d) => `${d.severity} ${d.code} ${JSON.stringify(d.path)} ${d.message}`).sort();
  if (JSON.stringify(summary(a)) !== JSON.stringify(summary(c))) fail("reordering the spec's keys changed the diagnostics", { before: summary(a), after: summary(c) });
  return a.files ? "compiled" : "rejected";
}

function firstDifference(a: { path: string; content: string }[] | undefined, b: { path: string; content: string }[] | undefined): string {
  if (!a || !b) return `one side has no files (${a ? "second" : "first"})`;
  for (const fa of a) {
    const fb = b.find((f) => f.path === fa.path);
    if (!fb) return `${fa.path} missing`;
    const la = fa.content.split("\n");
    const lb = fb.content.split("\n");
    const i = la.findIndex((l, j) => l !== lb[j]);
    if (i !== -1) return `${fa.path}:${i + 1}\n- ${la[i]}\n+ ${lb[i]}`;
  }
  return "file lists differ";
}

/** A parsed config's shape: directive names, argument counts and nesting, no values. */
/** The spec's routes and site headers with every header value made `neutral`, in both forms. */
type SiteSpec = NonNullable<Spec["sites"]>[string];

function neutralRoutes(spec: Spec, neutral: (v: string) => string, extra: (route: Route) => Partial<Route> = () => ({}), extraSite: (site: SiteSpec) => Partial<SiteSpec> = () => ({})): Pick<Spec, "routes" | "sites"> {
  const headers = <V extends string | null>(h: Record<string, V>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v === null ? null : neutral(v)])) as Record<string, V>;
  const routes = (list: readonly Route[] | undefined) =>
    list?.map((r) => ({ ...r, headers: headers(r.headers), ...("requestHeaders" in r ? { requestHeaders: headers(r.requestHeaders as Record<string, string>) } : {}), ...extra(r) }) as Route);
  const sites = spec.sites && Object.fromEntries(Object.entries(spec.sites).map(([id, site]) => [id, { ...site, headers: headers(site.headers), routes: routes(site.routes), ...extraSite(site) }]));
  return { routes: routes(spec.routes), sites };
}

function shape(tree: readonly Directive[]): string[] {
  return tree.flatMap((d) => [`${d.name}/${d.args.length}${d.block ? "{" : ""}`, ...(d.block ? [...shape(d.block), "}"] : [])]);
}

const own = (d: Directive | undefined, name: string) => (d?.block ?? []).filter((c) => c.name === name);

/** The model's header value as nginx reads it: quote() only ever writes \\ and \". */
function unquoteModel(value: string): string {
  return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(["\\])/g, "$1") : value;
}

/**
 * Property 4: no spec string becomes nginx syntax. The rendered nginx.conf parses into exactly the
 * directives the model intends (same shape as the same spec with every free-form string replaced by
 * "x"), every add_header carries the spec's string byte for byte, and every server_name, location,
 * proxy_pass, alias, allow, upstream server, set_real_ip_from and resolver token is the spec value it
 * came from. docker-compose.prod.yml carries backend.env values that Compose will not interpolate.
 */
/** A rendered nginx.conf with every raw snippet (and its markers) cut out. */
function withoutRaw(conf: string): string {
  const lines = conf.split("\n");
  const cut = new Set(rawRegions(conf).flatMap((r) => Array.from({ length: r.last - r.first + 3 }, (_, i) => r.first - 2 + i)));
  return lines.filter((_, i) => !cut.has(i)).join("\n");
}

export function checkNoInjection(doc: Doc, options: PlanOptions = MODEL_OPTIONS): "checked" | "rejected" {
  const text = specText(doc);
  const compiled = compileSpecText(text, "spec.yaml", options);
  if (!compiled.files || !compiled.spec) return "rejected";
  const spec = compiled.spec;
  const rendered = compiled.files.find((f) => f.path === "nginx/nginx.conf")!.content;
  if (parseNginxConfig(rendered).diagnostics.length > 0) fail("the rendered nginx.conf does not parse", parseNginxConfig(rendered).diagnostics);
  // The spec's raw directives are the spec's on purpose (rule raw-directives checks them): the
  // structure compared with the model is what edgekit itself writes.
  const conf = withoutRaw(rendered);
  const parsed = parseNginxConfig(conf);
  if (parsed.diagnostics.length > 0) fail("the rendered nginx.conf without its raw snippets does not parse", parsed.diagnostics);

  // Same shape as the render of a spec whose free-form strings say nothing.
  // Each distinct string becomes its own plain token, so which values are equal (a route header that
  // repeats a generated one is merged differently from one that replaces it) stays as it was; the
  // generated literal values keep their text.
  const tokens = new Map<string, string>(["", ...[true, false].flatMap((https) => securityHeaderValues(spec, { https }).map((h) => h.value))].map((v) => [v, v]));
  const neutral = (v: string) => {
    if (!tokens.has(v)) tokens.set(v, `x${tokens.size}`);
    return tokens.get(v)!;
  };
  const neutralMap = <V extends string | null>(m: Record<string, V>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === null ? null : neutral(v)]));
  // Bodies and targets keep whether they hold a `$` (that adds the literal-dollar geo) and where a target points.
  // Distinct texts stay distinct (error pages of equal content share one location).
  const seen = new Map<string, string>();
  // Not the x-names of `neutral`: a page header must not come out equal to a server header it differs from.
  const distinct = (v: string) => seen.get(v) ?? seen.set(v, `y${seen.size}`).get(v)!;
  const neutralText = (v: string) => (v === "" ? "" : `${v.includes("$") ? "$" : ""}${distinct(v)}`);
  const neutralPages = (pages: Spec["errorPages"]) => Object.fromEntries(Object.entries(pages).map(([status, p]) => [status, { ...p, body: neutralText(p.body), headers: Object.fromEntries(Object.entries(p.headers).map(([k, v]) => [k, v === "" ? "" : distinct(v)])) }]));
  const plain: Spec = {
    ...spec,
    securityHeaders: { ...spec.securityHeaders, contentSecurityPolicy: neutral(spec.securityHeaders.contentSecurityPolicy), permissionsPolicy: neutral(spec.securityHeaders.permissionsPolicy) },
    headers: neutralMap(spec.headers),
    errorPages: neutralPages(spec.errorPages),
    ...neutralRoutes(
      spec,
      neutral,
      (r) => ({ errorPages: neutralPages(r.errorPages), ...(isRespondRoute(r) ? { body: neutralText(r.body) } : {}) }),
      (site) => ({ errorPages: neutralPages(site.errorPages) }),
    ),
  };
  const plainTree = parseNginxConfig(withoutRaw(renderNginxConf(plain, MODEL_OPTIONS))).tree;
  const got = shape(parsed.tree);
  const want = shape(plainTree);
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    const i = got.findIndex((s, j) => s !== want[j]);
    fail("a spec string changed the config's structure", { at: i, got: got.slice(Math.max(0, i - 3), i + 3), want: want.slice(Math.max(0, i - 3), i + 3) });
  }

  const model = buildNginxModel(spec, MODEL_OPTIONS);
  const http = parsed.tree.find((d) => d.name === "http");
  const servers = own(http, "server");
  if (servers.length !== model.http.servers.length) fail(`${servers.length} server blocks, the model has ${model.http.servers.length}`);
  const sites = specSites(spec);
  const onlyUpstream = Object.keys(spec.upstreams).length === 1 ? Object.keys(spec.upstreams)[0] : undefined;

  servers.forEach((server, s) => {
    const serverModel = model.http.servers[s]!;
    const serverName = own(server, "server_name");
    // Each server is a site's (by its names) or the refusing default server (`_`).
    const site = sites.find((x) => serverName.length === 1 && JSON.stringify(serverName[0]!.args) === JSON.stringify(x.names));
    const refusing = spec.defaultServer === "refuse" && serverName.length === 1 && JSON.stringify(serverName[0]!.args) === JSON.stringify(["_"]);
    if (!site && !refusing) fail("server_name is not a site's names", { got: serverName.map((d) => d.args), want: sites.map((x) => x.names) });
    const siteRoutes = site?.routes ?? [];
    const locations = own(server, "location");
    if (locations.length !== serverModel.locations.length) fail(`server ${s}: ${locations.length} locations, the model has ${serverModel.locations.length}`);
    // Where nginx merges (add_header_inherit merge), a location's headers are the server's plus its own.
    const merged = own(server, "add_header_inherit")[0]?.args[0] === "merge";
    const serverHeaders = own(server, "add_header");
    if (serverHeaders.length !== serverModel.headers.length) fail(`server ${s}: ${serverHeaders.length} add_header directives, the model has ${serverModel.headers.length}`);
    if (merged !== (serverModel.headerInherit === "merge")) fail(`server ${s}: add_header_inherit differs from the model`);
    let routeIndex = 0;
    locations.forEach((location, j) => {
      const lm: LocationModel = serverModel.locations[j]!;
      if (JSON.stringify(location.args) !== JSON.stringify(lm.selector.split(" ").map(unquoteModel))) fail("a location selector differs from the model", { got: location.args, want: lm.selector });
      const headers = own(location, "add_header");
      if (headers.length !== lm.headers.length) fail(`location ${lm.selector}: ${headers.length} add_header directives, the model has ${lm.headers.length}`);
      headers.forEach((h, k) => {
        const m = lm.headers[k]!;
        if (h.args.length !== 3 || h.args[2] !== "always" || h.args[0] !== m.name || h.args[1] !== unquoteModel(m.value)) fail("an add_header differs from the model", { got: h.args, want: [m.name, unquoteModel(m.value), "always"] });
      });
      // A location that replaces one of the server's headers turns inheritance off and lists them all.
      const inherits = merged && own(location, "add_header_inherit")[0]?.args[0] !== "off";
      const sent = [...(inherits ? serverHeaders : []), ...headers];
      const pairs = sent.map((h) => `${h.args[0]}\u0000${h.args[1]}`);
      const sentNames = sent.map((h) => h.args[0]!.toLowerCase());
      if (new Set(sentNames).size !== sentNames.length) fail(`location ${lm.selector} sends a header twice`, sent.map((h) => h.args));
      const isRoute = lm.partial === "route-proxy" || lm.partial === "route-static" || lm.partial === "route-return";
      const route = isRoute ? siteRoutes[routeIndex++] : undefined;
      if (isRoute && !route) fail("more route locations than routes");
      // An error page's own headers, on the named location that answers it (found by status and body).
      const pageHeaders = (): Record<string, string> => {
        if (lm.partial !== "error-page" || !lm.answer) return {};
        for (const pages of [spec.errorPages, ...sites.map((x) => x.errorPages), ...allRoutes(spec).map(({ route: r }) => r.errorPages)]) {
          const page = pages[String(lm.answer.status)];
          if (page && quoteText(page.body) === lm.answer.text) return page.headers;
        }
        return {};
      };
      // What the author wrote for a name, page over route over site over top level (case-insensitive); undefined: nothing.
      const authored = (name: string): { name: string; value: string | null } | undefined => {
        for (const layer of [pageHeaders(), route?.headers ?? {}, site?.headers ?? {}, spec.headers]) {
          const hit = Object.entries(layer).find(([n]) => n.toLowerCase() === name.toLowerCase());
          if (hit) return { name: hit[0], value: hit[1] };
        }
        return undefined;
      };
      // A refused request (444) gets no response, so no headers.
      for (const [name, value] of lm.partial === "refuse" ? [] : ([["Content-Security-Policy", spec.securityHeaders.contentSecurityPolicy], ["Permissions-Policy", spec.securityHeaders.permissionsPolicy]] as const)) {
        const want = authored(name) ?? (value === "" ? undefined : { name, value });
        if (want?.value != null && !pairs.includes(`${want.name}\u0000${want.value}`)) fail(`location ${lm.selector} lacks ${name} with the spec's value`, { want, got: sent.map((h) => h.args) });
      }
      // Where the location compresses and turns gzip_vary off, its Vary names Accept-Encoding too (one line).
      const varyJoined = own(location, "gzip_vary")[0]?.args[0] === "off";
      const asSent = (n: string, value: string) =>
        varyJoined && n.toLowerCase() === "vary" && !value.split(",").some((x) => ["*", "accept-encoding"].includes(x.trim().toLowerCase())) ? `${value}, Accept-Encoding` : value;
      for (const name of lm.partial === "refuse" ? [] : Object.keys(spec.headers)) {
        const want = authored(name)!;
        const has = want.value === null ? !sentNames.includes(name.toLowerCase()) : pairs.includes(`${want.name}\u0000${asSent(want.name, want.value)}`);
        if (!has) fail(`location ${lm.selector}: top-level header ${name} is not as the spec says`, { want, got: sent.map((h) => h.args) });
      }
      // Forward auth's sign-in redirect: the spec's URL as written, then the parameter and the encoded original URL.
      if (lm.selector.startsWith("@edgekit_signin_")) {
        const ret = own(location, "return")[0]?.args ?? [];
        const urls = siteRoutes.flatMap((r) => {
          const f = r.auth?.forward;
          return f?.signIn ? [`${f.signIn}${!f.signIn.includes("?") ? "?" : /[?&]$/.test(f.signIn) ? "" : "&"}${f.signInParam}=\${edgekit_signin_rd}`] : [];
        });
        if (ret.length !== 2 || ret[0] !== "302" || !urls.includes(ret[1]!)) fail("a sign-in redirect is not the spec's URL", { got: ret, want: urls });
      }
      const allow = own(location, "allow").map((d) => d.args);
      if (route) {
        const selector = { exact: ["=", route.path], regex: ["~", route.path], prefix: [route.path] }[route.match];
        if (JSON.stringify(location.args) !== JSON.stringify(selector)) fail("a route's location is not its spec path", { got: location.args, want: selector });
        for (const [name, value] of Object.entries(route.headers)) {
          const has = value === null ? !sentNames.includes(name.toLowerCase()) : pairs.includes(`${name}\u0000${asSent(name, value)}`);
          if (!has) fail(`route ${route.path} lacks its header ${name} with the spec's value`, { want: value, got: sent.map((h) => h.args) });
        }
        if (isRespondRoute(route) || isRedirectRoute(route)) {
          // The answer carries the spec's text byte for byte: `$` through the literal-dollar geo, never a variable.
          const ret = own(location, "return");
          const text = ret[0]?.args[1]?.replaceAll("${edgekit_dollar}", "$");
          const want = isRespondRoute(route) ? [String(route.status), [204, 205].includes(route.status) ? "" : route.body] : [String(route.status), route.to];
          if (ret.length !== 1 || ret[0]!.args[0] !== want[0] || (isRespondRoute(route) ? text !== want[1] : !text?.startsWith(want[1]!))) fail(`route ${route.path}: return is not the spec's answer`, { got: ret.map((d) => d.args), want });
          if (text !== undefined && /\$(?!\{edgekit_redirect_rest_[0-9]+\}|\{is_args\}|\{args\})/.test(text.slice(isRedirectRoute(route) ? route.to.length : text.length))) fail(`route ${route.path}: a variable other than the kept path and query in the answer`, text);
        } else if (route.kind === "static") {
          const alias = own(location, "alias");
          if (alias.length !== 1 || alias[0]!.args.length !== 1 || alias[0]!.args[0] !== route.root.replace(/\/*$/, "/")) fail("a static route's alias is not its root", alias.map((d) => d.args));
        } else {
          const pass = own(location, "proxy_pass");
          const split = "split" in route && route.split ? `$edgekit_split_${splitSuffix([...site!.routesPath, routeIndex - 1])}` : undefined;
          const want = split ? `http://${split}` : `http://${route.upstream ?? onlyUpstream}${route.upstreamPath ?? ""}`;
          if (pass.length !== 1 || JSON.stringify(pass[0]!.args) !== JSON.stringify([want])) fail("proxy_pass is not the route's upstream", { got: pass.map((d) => d.args), want });
          // Private responses stay private: nginx's own refusal to store Set-Cookie, Cache-Control:
          // private/no-store, Expires and Vary: * responses is never switched off...
          const ignored = own(location, "proxy_ignore_headers").flatMap((d) => d.args);
          if (ignored.some((h) => /^(set-cookie|cache-control|expires|vary|x-accel-expires)$/i.test(h))) fail(`route ${route.path}: proxy_ignore_headers ${ignored.join(" ")} would store private responses`);
          // ...and every cache is skipped (both ways) for requests with credentials or cookies.
          if (own(location, "proxy_cache").length > 0) {
            for (const name of ["proxy_cache_bypass", "proxy_no_cache"]) {
              const args = own(location, name).flatMap((d) => d.args);
              if (!args.includes("$edgekit_cache_skip_auth") || !args.includes("$edgekit_cache_skip_cookie")) fail(`route ${route.path}: ${name} does not cover credentials and cookies`, args);
            }
            const cookieMap = own(http, "map").find((m) => m.args[0] === "$http_cookie");
            const entries = (cookieMap?.block ?? []).map((d) => [d.name, ...d.args].join(" "));
            if (!entries.includes("default 1") || entries.filter((e) => e.endsWith(" 0")).length > 2) fail("the cookie map does not bypass every cookie but the declared harmless ones", entries);
          }
        }
        const wantAllow = route.access ? route.access.allow.map((a) => [a]) : [];
        if (JSON.stringify(allow) !== JSON.stringify(wantAllow)) fail(`route ${route.path}: allow tokens differ from the spec`, { got: allow, want: wantAllow });
      } else if (lm.partial === "status") {
        if (JSON.stringify(location.args) !== JSON.stringify(["=", spec.metrics.statusPath])) fail("the status location is not metrics.statusPath", location.args);
        if (JSON.stringify(allow) !== JSON.stringify(spec.metrics.allow.map((a) => [a]))) fail("the status page's allow tokens differ from metrics.allow", { got: allow, want: spec.metrics.allow });
      }
      if (allow.length > 0) {
        const last = (location.block ?? []).filter((d) => d.name === "allow" || d.name === "deny").at(-1);
        if (last?.name !== "deny" || last.args[0] !== "all") fail(`location ${lm.selector}: allow list without a final deny all`);
      }
    });
    if (routeIndex !== 0 && routeIndex !== siteRoutes.length) fail(`${routeIndex} route locations for ${siteRoutes.length} routes`);
  });

  // Upstream blocks: the spec's names, hosts and ports.
  const upstreamBlocks = own(http, "upstream");
  const wantUpstreams = Object.keys(spec.upstreams).sort((a, b) => a.localeCompare(b));
  if (JSON.stringify(upstreamBlocks.map((u) => u.args)) !== JSON.stringify(wantUpstreams.map((n) => [n]))) fail("upstream blocks differ from the spec's upstreams", upstreamBlocks.map((u) => u.args));
  for (const block of upstreamBlocks) {
    const servers = own(block, "server").map((d) => d.args[0]);
    const upstream = spec.upstreams[block.args[0]!]!;
    const want = upstream.servers.map((s) => `${s.host.includes(":") ? `[${s.host}]` : s.host}:${s.port}`);
    if (JSON.stringify(servers) !== JSON.stringify(want)) fail(`upstream ${block.args[0]}: server tokens differ from the spec`, { got: servers, want });
    // resolve on exactly the servers given by name, where the version has it and the pool asks; then the pool's resolver.
    const follows = upstream.servers.map((s) => upstream.resolve.enabled && isIP(s.host) === 0 && hasFeature(spec.nginx.version, "upstream-resolve"));
    const resolving = own(block, "server").map((d) => d.args.at(-1) === "resolve");
    if (JSON.stringify(resolving) !== JSON.stringify(follows)) fail(`upstream ${block.args[0]}: resolve on other servers than those given by name`, { got: resolving, want: follows });
    const wantResolver = follows.some(Boolean) ? [[...upstream.resolve.resolvers.map((r) => (r.includes(":") ? `[${r}]` : r)), `valid=${upstream.resolve.valid}`]] : [];
    const gotResolver = own(block, "resolver").map((d) => d.args);
    if (JSON.stringify(gotResolver) !== JSON.stringify(wantResolver)) fail(`upstream ${block.args[0]}: resolver tokens differ from resolve.resolvers`, { got: gotResolver, want: wantResolver });
  }
  const realIp = own(http, "set_real_ip_from").map((d) => d.args);
  const wantRealIp = spec.realIp.enabled ? spec.realIp.from.map((a) => [a]) : [];
  if (JSON.stringify(realIp) !== JSON.stringify(wantRealIp)) fail("set_real_ip_from tokens differ from realIp.from", { got: realIp, want: wantRealIp });
  const resolver = own(http, "resolver").map((d) => d.args);
  if (spec.tls.enabled && spec.tls.ocspStapling.enabled) {
    const want = [...spec.tls.ocspStapling.resolvers.map((r) => (r.includes(":") ? `[${r}]` : r)), "valid=300s"];
    if (JSON.stringify(resolver) !== JSON.stringify([want])) fail("resolver tokens differ from tls.ocspStapling.resolvers", { got: resolver, want });
  }

  checkCompose(spec, compiled.files.find((f) => f.path === "docker-compose.prod.yml")?.content);
  checkNotice(spec, compiled.files, options);
  return "checked";
}

/** Line breaks in any YAML version (NEL, U+2028/9 in YAML 1.1), and what YAML 1.1 parsers refuse raw. */
const RAW_BREAKS = /[\r\u0085\u2028\u2029\u007f-\u009f]/;

/**
 * The spec's file name and directory (command-line values, not the spec's) stay where they belong:
 * each output starts with the generated-by notice as comment lines with nothing raw that ends a
 * line; below it nginx.conf and prometheus.yml are the render for a plain spec.yaml, and the compose
 * file reads back, in YAML 1.2 and in YAML 1.1 (Compose v1), as the model intends.
 */
function checkNotice(spec: Spec, files: readonly { path: string; content: string }[], options: PlanOptions): void {
  const plain = compileSpecText(stringify(spec), "spec.yaml", MODEL_OPTIONS).files;
  if (!plain) fail("the spec does not compile again from its parsed form");
  const notice = generatedNotice(options).map((l) => `# ${l}`);
  for (const file of files) {
    const lines = file.content.split("\n");
    if (JSON.stringify(lines.slice(0, notice.length)) !== JSON.stringify(notice)) fail(`${file.path} does not start with the notice`, { got: lines.slice(0, 3), want: notice });
    if (notice.some((l) => /[\n\r\u0085\u2028\u2029]/.test(l))) fail("the notice has a line break in a line", notice);
    if (/\.ya?ml$/.test(file.path) && RAW_BREAKS.test(file.content)) fail(`${file.path} holds a raw line break or control character`, JSON.stringify(file.content.match(RAW_BREAKS)));
    if (file.path === OUTPUT_PATHS.kubernetes) {
      checkKubernetes(spec, file.content, files.find((f) => f.path === OUTPUT_PATHS.nginxConf)?.content, options);
      continue;
    }
    if (file.path === "docker-compose.prod.yml") {
      const want = JSON.stringify(buildComposeModel(spec, options));
      for (const version of ["1.1", "1.2"] as const) {
        if (JSON.stringify(parseYaml(file.content, { version })) !== want) fail(`${file.path} reads otherwise in YAML ${version} than the model says`, { got: parseYaml(file.content, { version }), want: JSON.parse(want) });
      }
      continue;
    }
    const other = plain.find((f) => f.path === file.path);
    if (!other || JSON.stringify(lines.slice(notice.length)) !== JSON.stringify(other.content.split("\n").slice(notice.length))) fail(`${file.path} differs below the notice from the render for spec.yaml`);
  }
}

/**
 * The Kubernetes manifests read back as the model says (in YAML 1.1 too), hold the nginx target's
 * nginx.conf line for line but for the followed upstream names and their resolver (the cluster
 * DNS), and validate against the Kubernetes API schemas.
 */
function checkKubernetes(spec: Spec, text: string, nginxConf: string | undefined, options: PlanOptions): void {
  if (!spec.kubernetes.enabled) fail("kubernetes manifests written with kubernetes.enabled false");
  if (nginxConf === undefined) fail("kubernetes manifests without nginx.conf");
  const podConf = renderNginxConf(spec, options, "kubernetes");
  const composeLines = nginxConf.split("\n");
  const podLines = podConf.split("\n");
  if (podLines.length !== composeLines.length) fail("the pod's nginx.conf has other lines than the nginx target's");
  const changed = podLines.filter((line, i) => line !== composeLines[i]);
  const bad = changed.filter((line) => !/^ +(resolver \S+ valid=\S+;|server \S+ .*resolve;)$/.test(line));
  if (bad.length > 0) fail("the pod's nginx.conf differs from the nginx target's beyond followed upstream names", bad);
  const want = JSON.stringify(buildKubernetesModel(spec, podConf));
  for (const version of ["1.1", "1.2"] as const) {
    const docs = parseAllDocuments(text, { version });
    if (docs.some((d) => d.errors.length > 0)) fail(`${OUTPUT_PATHS.kubernetes} does not parse in YAML ${version}`, docs.flatMap((d) => d.errors.map((e) => e.message)));
    if (JSON.stringify(docs.map((d) => d.toJS())) !== want) fail(`${OUTPUT_PATHS.kubernetes} reads otherwise in YAML ${version} than the model says`);
  }
  for (const doc of JSON.parse(want) as { apiVersion: string; kind: string; metadata: { name: string } }[]) {
    const Model = KUBERNETES_MODELS[`${doc.apiVersion}/${doc.kind}`];
    if (!Model) fail(`no schema for ${doc.apiVersion} ${doc.kind}`);
    try {
      new Model(doc as never).validate();
    } catch (e) {
      fail(`${doc.kind} ${doc.metadata.name} does not validate against the Kubernetes schema`, (e as Error).message);
    }
  }
}

/** Compose interpolates `$NAME` and `${NAME}` in every string; only `$$` is a literal dollar. */
function checkCompose(spec: Spec, text: string | undefined): void {
  if (text === undefined) fail("no docker-compose.prod.yml");
  const compose = parseYaml(text) as { services: Record<string, { environment?: Record<string, string> }> };
  const strings: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === "string") strings.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (isObject(v)) Object.values(v).forEach(collect);
  };
  collect(compose);
  const interpolated = strings.filter((s) => s.replace(/\$\$/g, "").includes("$"));
  if (interpolated.length > 0) fail("docker-compose.prod.yml has strings Compose would interpolate ($ not written as $$)", interpolated.map((s) => JSON.stringify(s)));
  checkSwarmShape(spec, compose as unknown as { services: Record<string, Record<string, unknown>> });
  if (spec.backend.enabled) {
    const env = compose.services[spec.backend.service]?.environment;
    // Compose reads `$$` as a literal `$`.
    const want = Object.fromEntries(Object.entries(backendEnvironment(spec)).map(([k, v]) => [k, v.replaceAll("$", "$$$$")]));
    if (JSON.stringify(env) !== JSON.stringify(want)) fail("the backend's compose environment differs from the spec", { got: env, want });
  }
}

/**
 * What `docker stack deploy` needs of the compose file with swarm on (depends_on a list, ports in the
 * long syntax published per node, no `scale` beside deploy.replicas, nothing published on one address
 * only), and that with swarm off nothing of it is written.
 */
function checkSwarmShape(spec: Spec, compose: { services: Record<string, Record<string, unknown>> }): void {
  for (const [name, service] of Object.entries(compose.services)) {
    if (!spec.swarm.enabled) {
      if ("deploy" in service) fail(`compose service ${name} has deploy: with swarm off`);
      continue;
    }
    if (service.depends_on !== undefined && !Array.isArray(service.depends_on)) fail(`compose service ${name}: depends_on with conditions (docker stack deploy refuses them)`, service.depends_on);
    if ("scale" in service) fail(`compose service ${name}: scale with swarm on (Compose refuses scale beside deploy.replicas)`);
    for (const port of (service.ports as unknown[] | undefined) ?? []) {
      if (typeof port === "string" || !isObject(port) || port.mode !== "host") fail(`compose service ${name} publishes ${JSON.stringify(port)}: not mode host (Swarm would publish it through the routing mesh, or on every address)`);
    }
  }
  if (!spec.swarm.enabled) return;
  const edge = compose.services.nginx?.deploy as { update_config?: { order?: string } } | undefined;
  if (edge?.update_config?.order !== "stop-first") fail("nginx's update order is not stop-first with host-published ports", edge);
  if (spec.backend.enabled) {
    const deploy = compose.services[spec.backend.service]?.deploy as { replicas?: number } | undefined;
    if (deploy?.replicas !== (spec.swarm.backend.replicas ?? spec.backend.replicas)) fail("the backend's deploy.replicas differs from the spec", deploy);
  }
}

/** Rule ids, for a sanity check that every waivable violation names a real rule. */
export const WAIVABLE_RULES = Object.keys(WAIVED_VIOLATIONS);
export const KNOWN_RULES = RULES.map((r) => r.id);
