// What the HAProxy and Caddy reference models share: the reference setup they can't run without,
// the backend they proxy to, the route whose timeouts they copy, and bare words for their configs.
import type { EdgePlan, ReferenceSetup } from "../plan/index.js";
import { isJsonLoadRoute, type CacheableRoute } from "../spec/route-kinds.js";
import type { Spec, Upstream } from "../spec/schema.js";
import { durationMs } from "../spec/values.js";
import { commentText } from "./header.js";
import { securityHeaderValues } from "./security-headers.js";
import { allRoutes } from "../spec/sites.js";

/** The reference setup of the plan; a reference target can't guess how its proxy is run. */
export function requireReference(plan: EdgePlan, tool: string): ReferenceSetup {
  const setup = plan.options.reference;
  if (!setup) {
    throw new Error(`the ${tool} reference config needs plan.options.reference (workers, stateDir, bindAddress): it is built for \`edgekit bench\`, not by \`edgekit generate\``);
  }
  if (!Number.isInteger(setup.workers) || setup.workers < 1) throw new Error(`reference.workers must be a positive integer, not ${setup.workers}`);
  return setup;
}

/** The notice the reference configs start with (they are not edge files: no GENERATED_MARKER). */
export function referenceNotice(specName: string): string[] {
  return [`Written by edgekit from ${commentText(specName)}: a reference point for the benchmark, not a supported edge.`];
}

/** A path inside the proxy's state directory. */
export function statePath(setup: ReferenceSetup, name: string): string {
  return `${setup.stateDir.replace(/\/+$/, "")}/${name}`;
}

/** The first route that can carry the benchmark's JSON load: its timeouts are the reference proxies' too. */
export function jsonLoadRoute(spec: Spec): CacheableRoute | undefined {
  return allRoutes(spec).map((r) => r.route).find(isJsonLoadRoute);
}

/** The upstream the JSON load route uses (or the first upstream when no route carries it). */
export function backendUpstream(spec: Spec): { name: string; upstream: Upstream } {
  const name = jsonLoadRoute(spec)?.upstream ?? Object.keys(spec.upstreams)[0];
  const upstream = name === undefined ? undefined : spec.upstreams[name];
  if (name === undefined || !upstream) throw new Error(`the reference proxies need an upstream to proxy to, and ${name === undefined ? "the spec has none" : `upstream ${name} does not exist`}`);
  return { name, upstream };
}

/** host:port of the backend upstream's first server (IPv6 in brackets). */
export function backendAddress(spec: Spec): string {
  const { name, upstream } = backendUpstream(spec);
  const server = upstream.servers[0];
  if (!server) throw new Error(`upstream ${name} has no server for the reference proxies to proxy to`);
  return `${hostPart(server.host)}:${server.port}`;
}

/** An address for a host:port pair (IPv6 in brackets). */
export function hostPart(host: string): string {
  return host.includes(":") ? `[${bareWord(host)}]` : bareWord(host);
}

/** A duration in whole seconds, at least 1 ("1500ms" -> "2s"), as HAProxy and Caddy both read it. */
export function wholeSeconds(duration: string): string {
  return `${Math.max(1, Math.round(durationMs(duration) / 1000))}s`;
}

/**
 * A value printed unquoted in a HAProxy or Caddy config (paths, addresses, MIME types): refused
 * when it holds anything either tool would split on, quote, comment out or expand.
 */
export function bareWord(value: string | number): string {
  const s = String(value);
  if (!/^[A-Za-z0-9._~@:+,=/\[\]*-]+$/.test(s)) throw new Error(`not a safe bare word for a reference proxy config: ${JSON.stringify(s)}`);
  return s;
}

/**
 * The security headers the edge sends on HTTPS, as the reference proxies send them: without
 * Alt-Svc, since they serve no HTTP/3 and must not advertise it.
 */
export function referenceSecurityHeaders(spec: Spec): { name: string; value: string }[] {
  return securityHeaderValues({ ...spec, tls: { ...spec.tls, http3: false } }, { https: true });
}
