import { durationMs } from "../spec/values.js";
import type { Rule, RuleFinding } from "./rule.js";

export const backendKeepaliveOutlivesNginx: Rule = {
  id: "backend-keepalive-outlives-nginx",
  severity: "error",
  summary: "The backend must keep idle sockets open longer than nginx does, or nginx reuses sockets the backend is closing (intermittent 502s on POSTs, which nginx does not retry).",
  check(spec) {
    const findings: RuleFinding[] = [];
    const backend = spec.backend;
    if (durationMs(backend.headersTimeout) <= durationMs(backend.keepAliveTimeout)) {
      findings.push({ path: ["backend", "headersTimeout"], message: `headersTimeout (${backend.headersTimeout}) must exceed keepAliveTimeout (${backend.keepAliveTimeout})`, fix: "set headersTimeout about 1s above keepAliveTimeout" });
    }
    if (!backend.enabled) return findings;
    for (const [name, upstream] of Object.entries(spec.upstreams)) {
      if (!upstream.servers.some((s) => s.host === backend.service) || upstream.keepalive.connections === 0) continue;
      if (durationMs(backend.keepAliveTimeout) <= durationMs(upstream.keepalive.timeout)) {
        findings.push({ path: ["upstreams", name, "keepalive", "timeout"], message: `nginx keeps idle connections to '${name}' for ${upstream.keepalive.timeout} but the backend closes them after ${backend.keepAliveTimeout}`, fix: `lower this below ${backend.keepAliveTimeout} or raise backend.keepAliveTimeout` });
      }
    }
    return findings;
  },
};
