// The CLI: a thin shell that parses arguments, calls one command, and returns its exit code.
// Only bin/edgekit.js touches process.exitCode.
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { CHECKS } from "../lint/index.js";
import { OUTPUT_PATHS } from "../plan/layout.js";
import { RULES } from "../rules/index.js";
import { EDGE_TARGETS } from "../targets/index.js";
import { CHECKS as VERIFY_CHECKS } from "../verify/index.js";
import { EXIT } from "./exit-codes.js";
import type { Io } from "./io.js";

// Commands are imported when run, so `generate` doesn't pay for execa, openssl or nginx helpers.
/** The files `generate` writes, as the targets declare them (prometheus.yml only when metrics are on). */
const EDGE_FILES = [OUTPUT_PATHS.nginxConf, OUTPUT_PATHS.compose, OUTPUT_PATHS.prometheus];
const EDGE_FILES_TEXT = `${EDGE_FILES.slice(0, -1).join(", ")} and ${EDGE_FILES.at(-1)}`;
const VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

export function processIo(): Io {
  const tty = process.stderr.isTTY === true;
  return {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    progress: (text) => {
      if (tty) process.stderr.write(text === null ? "\r\x1b[K" : `\r\x1b[K${text.slice(0, (process.stderr.columns ?? 100) - 1)}`);
      else if (text !== null) process.stderr.write(`${text}\n`);
    },
    cwd: process.cwd(),
  };
}

/** commander's accumulator for repeatable options. */
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function buildProgram(io: Io, setExit: (code: number | Promise<number>) => void): Command {
  const program = new Command("edgekit")
    .description(`Render a production nginx edge (${EDGE_FILES_TEXT}) from one typed spec.yaml.`)
    .version(VERSION)
    .option("--debug", "print stack traces of unexpected errors")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .addHelpText(
      "after",
      `
Typical use:
  npx edgekit init --domain api.example.com   scaffold a project: spec.yaml, deploy/, certs/, CI
  npx edgekit validate                        check it (add --nginx to run the real nginx -t)
  npx edgekit generate                        write ${EDGE_FILES.join(", ")}
  npx edgekit generate --check                in CI: fail if the committed files differ from the spec
  npx edgekit certs                           self-signed dev CA + certificate into certs/
  npx edgekit lint [nginx.conf]               lint the rendered (or any hand-written) nginx config

Exit codes: 0 ok; 1 a check failed (out of sync, nginx -t, lint) or a write was refused;
2 invalid spec or arguments; 3 the environment lacks a tool (nginx, openssl, docker).`,
    );

  program
    .command("generate")
    .description(`Render the spec into ${EDGE_FILES_TEXT} (atomically: all files or none). Targets: ${EDGE_TARGETS.map((t) => t.summary).join("; ")}.`)
    .option("-s, --spec <file>", "spec file", "spec.yaml")
    .option("-o, --out <dir>", "output directory (default: the spec's directory)")
    .option("--check", "write nothing; exit 1 and list the files that differ from what the spec renders")
    .option("--dry-run", "write nothing; show what would change")
    .option("--force", "overwrite files that lack the generated-by header")
    .addHelpText("after", "\nExample:\n  npx edgekit generate -s spec.yaml --dry-run")
    .action(async (opts) => setExit((await import("./commands/generate.js")).generate(io, opts)));

  program
    .command("validate")
    .description("Check the spec: schema (with file:line:column for every problem) and semantic rules.")
    .option("-s, --spec <file>", "spec file", "spec.yaml")
    .option("--nginx", "also render the config and run the real `nginx -t` of the spec's nginx.version on it: the host's nginx when it is that version, otherwise edgekit's image of that release in Docker (built on first use)")
    .addOption(new Option("--nginx-runner <where>", "where --nginx runs nginx: auto, host (the host's nginx, with a note when its version differs), container (edgekit's image of the spec's release)").choices(["auto", "host", "container"]).default("auto"))
    .option("--json", "print the diagnostics as JSON (for CI)")
    .addHelpText("after", `\nRules:\n${RULES.map((r) => `  ${r.id.padEnd(36)} ${r.summary}`).join("\n")}`)
    .action(async (opts) => setExit((await import("./commands/validate.js")).validate(io, opts)));

  program
    .command("lint")
    .description("Lint an nginx config, rendered or hand-written: header inheritance, SSRF, exposed status pages, keep-alive, caching and more.")
    .argument("[file]", "nginx config to lint", OUTPUT_PATHS.nginxConf)
    .option("--json", "print the findings as JSON (for CI)")
    .option("--include-root <dir>", "follow include directives, resolving relative paths against <dir> (nginx's conf directory)")
    .option("--strict", "exit 1 on warnings too")
    .addHelpText(
      "after",
      `\nExit codes: 0 no errors (warnings alone pass unless --strict), 1 findings, 2 unreadable or unparsable config.\n\nChecks:\n${CHECKS.map((c) => `  ${c.id.padEnd(30)} ${c.severity.padEnd(8)} ${c.summary}`).join("\n")}`,
    )
    .action(async (file: string, opts) => setExit((await import("./commands/lint.js")).lint(io, file, opts)));

  program
    .command("schema")
    .description("Print the spec's JSON Schema (editors use it via the yaml-language-server line in spec.yaml).")
    .action(async () => setExit((await import("./commands/schema.js")).schema(io)));

  program
    .command("certs")
    .description("Create a development CA and a certificate for the spec's domain, or one per certificate of its sites for their names (and localhost), with openssl.")
    .option("-s, --spec <file>", "spec file", "spec.yaml")
    .option("-d, --dir <dir>", "output directory (default: the spec's container.certsDir)")
    .option("--days <n>", "validity in days", "825")
    .option("--force", "replace existing files")
    .action(async (opts) => setExit((await import("./commands/certs.js")).certs(io, opts)));

  program
    .command("verify")
    .description("Prove a live edge (any edge, not only edgekit's): TLS versions, ALPN h2, multiplexing, redirect, every site's names over SNI (with --spec), keep-alive, gzip/br, security headers on every route, cache, SSE, status pages, rate limits.")
    .argument("<url>", "the edge's https URL; its path is what the protocol and compression checks request (pick a compressible JSON route)")
    .option("-s, --spec <file>", "the spec the edge was generated from: probe its routes and expect its exact header values (default: generic checks)")
    .option("--ca <file>", "PEM CA certificate to trust as well as the system's (edgekit's dev CA: certs/ca.pem)")
    .option("--insecure", "don't verify the certificate (the certificate check then warns)")
    .option("--http-port <n>", "port of the plain-HTTP listener whose redirect is checked (default: from --spec, or 80 for port 443)")
    .option("--cache-route <path>", "without --spec: a cached route to probe (MISS, HIT, credentials bypass); repeatable", collect)
    .option("--cache-status-header <name>", "without --spec: the header reporting HIT/MISS", "X-Cache-Status")
    .option("--sse-route <path>", "without --spec: an SSE route to probe; repeatable", collect)
    .option("--with-load", "also send bursts to rate-limited routes and expect their rejection status (429)")
    .option("--only <ids>", "comma-separated check ids to run")
    .option("--timeout <ms>", "per-request timeout", "10000")
    .option("--sse-watch <ms>", "how long an SSE stream is watched for events", "3500")
    .option("--json", "print the report as JSON (for CI)")
    .addHelpText(
      "after",
      `
Examples:
  npx edgekit verify https://localhost/api/tools --spec spec.yaml --ca certs/ca.pem
  npx edgekit verify https://edge.example.com/ --json > verify.json

Exit codes: 0 every check passed (warnings and skips allowed), 1 a check failed or the edge is unreachable, 2 bad arguments or spec.

Checks (in order):\n${VERIFY_CHECKS.map((c) => `  ${c.id.padEnd(18)} ${c.title}`).join("\n")}`,
    )
    .action(async (url: string, opts) => setExit((await import("./commands/verify.js")).verify(io, url, opts)));

  program
    .command("init")
    .description(
      "Scaffold a project that runs: a commented spec.yaml with a / route, the JSON Schema its first line names, the nginx and reference-backend build contexts the compose file builds (deploy/), certs/ with a README, a .gitignore and a CI workflow. Refuses to replace any existing file without --force, and then writes nothing.",
    )
    .option("-o, --out <file>", "where the spec goes, relative to --dir", "spec.yaml")
    .option("-C, --dir <dir>", "the project directory", ".")
    .option("--domain <name>", "the domain the edge serves (localhost is added as an alias for local runs)", "example.com")
    .option("--force", "replace existing files")
    .addHelpText(
      "after",
      `
Example, from an empty directory with edgekit installed (npm install edgekit):
  npx edgekit init --domain app.example.com
  npx edgekit certs && npx edgekit generate
  docker compose -f docker-compose.prod.yml up -d --build
  npx edgekit verify https://localhost/ --ca certs/ca.pem`,
    )
    .action(async (opts) => setExit((await import("./commands/init.js")).init(io, opts)));

  program
    .command("bench")
    .description(
      "Benchmark the spec's edge over loopback: CPU per request against HAProxy and Caddy of the same Debian suite, backend direct vs through nginx, h1 vs h2, upstream pool on/off, gzip/br/zstd, micro-cache, 100,000 h2 requests, a 10-1,000 connection sweep and idle-connection memory (runs the spec's nginx version: the host's, or edgekit's image in Docker).",
    )
    .option("-s, --spec <file>", "spec whose edge is measured", "spec.yaml")
    .option("--url <edge>", "measure a running edge instead (h1/h2 throughput, latency, compression); loopback only unless --i-own-this-host")
    .option("--i-own-this-host", "allow --url to point at a host that is not loopback (a benchmark is a flood of requests)")
    .option("--rounds <n>", "rounds per measurement; figures are medians (default: 3; 1 with --quick)")
    .option("--duration <time>", "length of each round, e.g. 10s or 1m (default: 10s; 1s with --quick)")
    .option("--warmup <time>", "warm-up before the first round of each measurement, 0s for none (default: 2s; 1s with --quick)")
    .option("--connections <n>", "HTTP/1.1 concurrency, and requests in flight for h1 vs h2 (default: 50)")
    .option("--h2-requests <n>", "requests in the HTTP/2 reliability run, h2load -n (default: 100000; 10000 with --quick)")
    .option("--workers <n>", "nginx worker processes for the run, and as many HAProxy threads and Caddy GOMAXPROCS (default: the spec's)")
    .option(
      "--runner <where>",
      "where nginx, HAProxy, Caddy, wrk and h2load run: auto (this host's when its nginx is the spec's nginx.version, else containers of that release's Debian suite: edgekit-nginx:<version> and edgekit-bench:<suite>, built when missing), host, container",
      "auto",
    )
    .option("--only <scenarios>", "run only these scenarios, comma-separated (e.g. reference,sweep); the report lists only them")
    .option("--quick", "a short smoke run (1 round of 1 s, 1 s warm-up): proves it works, not figures to quote")
    .option("-o, --out <file>", "report to write; the SVG charts go next to it in charts/", "bench/report.md")
    .option("--json", "print the figures as JSON on stdout instead of the table")
    .option("--fail-on-target", "exit 1 when a target is missed (default: targets are reported, exit 0)")
    .addHelpText(
      "after",
      `
Examples:
  npx edgekit bench                                     spec.yaml, 3 rounds of 10 s per measurement (about 17 minutes)
  npx edgekit bench --quick -o /tmp/bench/report.md     a 2-minute smoke run
  npx edgekit bench --only reference,idle-memory        just those scenarios
  npx edgekit bench --runner host --workers 1           this host's nginx, HAProxy and Caddy, one worker
  npx edgekit bench --url https://127.0.0.1:8443/api/tools --json

Targets: nginx CPU per request at most 0.9x HAProxy's on TLS + h2 + gzip (body no larger); a micro-cache
hit at most 0.5x the backend's own CPU per response; pool on opens backend connections for at most 1% of
requests; 0 failed in the HTTP/2 reliability run; throughput at 1,000 connections at least 0.9x its peak
and p99 growing slower than connections; at most 10 MB per 1,000 idle connections.
A "Tuning" section is copied into the report from tuning.md next to it, when that file exists.
Exit codes: 0 it ran (missed targets are shown); 1 a target missed with --fail-on-target, or the run
failed or was interrupted; 2 bad arguments, invalid spec, or a non-loopback --url without
--i-own-this-host; 3 h2load or wrk missing, or no nginx of the spec's version and no Docker for its image
(HAProxy/Caddy missing only skip their rows).`,
    )
    .action(async (opts) => setExit((await import("./commands/bench.js")).bench(io, opts)));

  return program;
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exit: number | Promise<number> = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exit = code;
  });
  try {
    await program.parseAsync([...argv]);
    return await exit;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help asked for (--help, help) exits 0; help shown because no command was given exits 2.
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT.ok;
      if (error.code === "commander.help") return error.exitCode === 0 ? EXIT.ok : EXIT.invalid;
      return EXIT.invalid;
    }
    const debug = argv.includes("--debug");
    io.err(`edgekit: unexpected error: ${(error as Error).message ?? String(error)}`);
    io.err(debug ? String((error as Error).stack) : "(run again with --debug for the stack trace, and report it)");
    return EXIT.failed;
  }
}
