// Which upstream servers nginx follows by DNS while it runs (`server name:port resolve;`) and the
// resolver their upstream block asks. Where: nginx with the feature upstream-resolve (the feature
// table), an upstream with resolve.enabled, a server given by name (an IP literal is never
// resolved). The resolver is Docker's embedded DNS for compose and Swarm (resolve.resolvers) and
// the cluster DNS in the Kubernetes manifests (kubernetes.dns), where nginx's resolver applies no
// search domains, so a name without a dot is asked as <name>.<namespace>.svc.<clusterDomain>.
import { hasFeature } from "../nginx-features/index.js";
import { token } from "../nginx-syntax/quote.js";
import { isDnsName } from "../spec/resolve.js";
import type { Spec, Upstream } from "../spec/schema.js";

/** Where the rendered nginx.conf runs: compose or Swarm (Docker's DNS), or a Kubernetes pod (the cluster DNS). */
export type NginxPlatform = "docker" | "kubernetes";

export interface UpstreamResolverModel {
  /** resolver arguments: the addresses, then valid=. */
  resolver: string;
  timeout: string;
}

/** Whether nginx follows this server's name at run time (the `resolve` parameter). */
export function followsName(spec: Spec, upstream: Upstream, host: string): boolean {
  return upstream.resolve.enabled && isDnsName(host) && hasFeature(spec.nginx.version, "upstream-resolve");
}

/** The resolver of an upstream that follows at least one name, else null. */
export function upstreamResolver(spec: Spec, upstream: Upstream, platform: NginxPlatform): UpstreamResolverModel | null {
  if (!upstream.servers.some((s) => followsName(spec, upstream, s.host))) return null;
  const addresses = platform === "kubernetes" ? [resolverAddress(spec.kubernetes.dns.resolver)] : upstream.resolve.resolvers.map(resolverAddress);
  return { resolver: [...addresses, `valid=${token(upstream.resolve.valid)}`].join(" "), timeout: token(upstream.resolve.timeout) };
}

/** The name nginx asks its resolver for: in a pod, a single label is the Service of the pod's namespace. */
export function followedName(spec: Spec, host: string, platform: NginxPlatform): string {
  if (platform !== "kubernetes" || host.includes(".")) return host;
  return `${host}.${spec.kubernetes.namespace}.svc.${spec.kubernetes.dns.clusterDomain}`;
}

/** A resolver address as nginx reads it: IPv6 in brackets. */
export function resolverAddress(address: string): string {
  return address.includes(":") ? `[${token(address)}]` : token(address);
}
