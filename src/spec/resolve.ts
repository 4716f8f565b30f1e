// Upstream field resolve: whether nginx follows the DNS name of a pool's servers while it runs
// (`server backend:3000 resolve;` with a resolver in the upstream block, feature upstream-resolve),
// so `docker compose up --scale backend=N` adds replicas nginx balances over and a replaced
// replica's new address is used, without a reload. Older nginx resolves a name once, at start
// (rule upstream-names-resolved-once says what that means).
import { isIP } from "node:net";
import { z } from "zod";
import { sinceText } from "../nginx-features/index.js";
import { durationSeconds, ipAddress } from "./values.js";

/** Docker's embedded DNS server, inside every compose and Swarm container. */
export const DOCKER_DNS = "127.0.0.11";

export const upstreamResolve = () =>
  z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .describe(
          `Follow the DNS name of each server given by name while nginx runs (${sinceText("upstream-resolve")}): a scaled-out replica gets its share within resolve.valid, a removed one leaves the pool. Servers given as an IP address are never resolved. On older nginx a name is resolved once, at start (rule upstream-names-resolved-once); false states that is what you want. Set false for fixed servers given by different names (users-1, users-2): when one of their containers stops its name leaves the DNS, and nginx drops the address while requests are still trying it, which then get a 502 without trying the others (rule upstream-resolve-fixed-names); resolved at start, a stopped server is tried and the request goes on to the next.`,
        ),
      resolvers: z
        .array(ipAddress())
        .min(1)
        .default([DOCKER_DNS])
        .describe(
          "DNS servers nginx asks for the servers' names (the upstream's resolver). 127.0.0.11 is Docker's embedded DNS, which knows every replica of a compose or Swarm service. The Kubernetes manifests use kubernetes.dns.resolver instead.",
        ),
      valid: durationSeconds()
        .default("5s")
        .describe("How long nginx keeps an answer before asking again (resolver valid=): the longest a new replica waits for traffic and a removed one is still tried."),
      timeout: durationSeconds().default("5s").describe("resolver_timeout: how long one lookup may take; the previous addresses stay in use meanwhile."),
    })
    .prefault({})
    .describe("Following the servers' DNS names at run time (scaled and replaced replicas), where nginx can.");

/** Whether a server's host is a DNS name (resolve applies) rather than an IP literal. */
export function isDnsName(host: string): boolean {
  return isIP(host) === 0;
}
