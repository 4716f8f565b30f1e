import { readFileSync } from "node:fs";
import { Socket } from "node:net";
import { resolve } from "node:path";
import { formatReport } from "../../verify/format.js";
import { CHECKS, genericPlan, makeTarget, specPlan, TargetError, verifyEdge } from "../../verify/index.js";
import { endpoint } from "../../verify/target.js";
import { handshake } from "../../verify/tls-probe.js";
import { errorText } from "../../verify/result.js";
import type { Target } from "../../verify/types.js";
import { EXIT } from "../exit-codes.js";
import { loadValidSpec, type Io } from "../io.js";

export interface VerifyOptions {
  spec?: string;
  ca?: string;
  insecure?: boolean;
  httpPort?: string;
  withLoad?: boolean;
  json?: boolean;
  timeout: string;
  sseWatch: string;
  only?: string;
  cacheRoute?: string[];
  cacheStatusHeader?: string;
  sseRoute?: string[];
}

function positiveInt(io: Io, name: string, raw: string | undefined): number | null | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (Number.isInteger(n) && n > 0) return n;
  io.err(`edgekit verify: ${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return null;
}

/** Fails fast with one clear line when nothing listens, instead of a table of identical errors. */
function reachable(target: Target, timeoutMs: number): Promise<string | null> {
  const { host, port } = endpoint(target);
  return new Promise((done) => {
    const socket = new Socket();
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.once("connect", () => (socket.destroy(), done(null)));
    socket.once("error", (error) => done(errorText(error)));
    socket.connect(port, host);
  });
}

export async function verify(io: Io, url: string, options: VerifyOptions): Promise<number> {
  const timeoutMs = positiveInt(io, "--timeout", options.timeout);
  const sseWatchMs = positiveInt(io, "--sse-watch", options.sseWatch);
  const httpPort = positiveInt(io, "--http-port", options.httpPort);
  if (timeoutMs === null || sseWatchMs === null || httpPort === null || timeoutMs === undefined || sseWatchMs === undefined) return EXIT.invalid;
  const only = options.only?.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((id) => !CHECKS.some((c) => c.id === id)) ?? [];
  if (unknown.length > 0) {
    io.err(`edgekit verify: unknown check ${unknown.join(", ")} (checks: ${CHECKS.map((c) => c.id).join(", ")})`);
    return EXIT.invalid;
  }

  let spec;
  if (options.spec) {
    const loaded = loadValidSpec(io, options.spec);
    if (!loaded) return EXIT.invalid;
    spec = loaded.spec;
  }

  let ca: string | undefined;
  if (options.ca) {
    try {
      ca = readFileSync(resolve(io.cwd, options.ca), "utf8");
    } catch (error) {
      io.err(`edgekit verify: cannot read --ca ${options.ca}: ${errorText(error)}`);
      return EXIT.invalid;
    }
  }

  let target: Target;
  try {
    target = makeTarget(url, {
      ...(ca ? { ca } : {}),
      ...(options.insecure ? { insecure: true } : {}),
      ...(httpPort !== undefined ? { httpPort } : {}),
      ...(spec ? { specPorts: { httpPort: spec.listen.httpPort, httpsPort: spec.listen.httpsPort } } : {}),
    });
  } catch (error) {
    if (!(error instanceof TargetError)) throw error;
    io.err(`edgekit verify: ${error.message}`);
    return EXIT.invalid;
  }

  const unreachable = await reachable(target, timeoutMs);
  if (unreachable) {
    io.err(`edgekit verify: cannot connect to ${target.url.host}: ${unreachable}`);
    return EXIT.failed;
  }

  if (!options.insecure) {
    const tls = await handshake(target, { timeoutMs });
    if (tls.ok && !tls.authorized) {
      io.err(`edgekit verify: the certificate of ${target.url.host} is not trusted (${tls.authorizationError}): pass --ca FILE (edgekit's dev CA: certs/ca.pem) or --insecure`);
      return EXIT.failed;
    }
  }

  if (spec && (options.cacheRoute || options.sseRoute)) {
    io.err("edgekit verify: --cache-route and --sse-route are for edges without a spec; with --spec the spec's routes are probed");
    return EXIT.invalid;
  }
  const badPath = [...(options.cacheRoute ?? []), ...(options.sseRoute ?? [])].find((p) => !p.startsWith("/"));
  if (badPath !== undefined) {
    io.err(`edgekit verify: a route must be a path starting with /, got ${JSON.stringify(badPath)}`);
    return EXIT.invalid;
  }
  const plan = spec
    ? specPlan(spec, target.url)
    : genericPlan(target.url, {
        ...(options.cacheRoute ? { cachePaths: options.cacheRoute } : {}),
        ...(options.cacheStatusHeader ? { cacheStatusHeader: options.cacheStatusHeader } : {}),
        ...(options.sseRoute ? { ssePaths: options.sseRoute } : {}),
      });
  const report = await verifyEdge(
    { target, plan, withLoad: options.withLoad === true, timeoutMs, sseWatchMs },
    {
      spec: options.spec ?? null,
      ...(only ? { only } : {}),
      onProgress: ({ index, total, check }) => io.progress?.(`verify [${index + 1}/${total}] ${check.title}…`),
    },
  );
  io.progress?.(null);
  if (options.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of formatReport(report)) io.out(line);
  return report.ok ? EXIT.ok : EXIT.failed;
}
