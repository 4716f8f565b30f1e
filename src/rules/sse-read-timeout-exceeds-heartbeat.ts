import { durationMs } from "../spec/values.js";
import type { Rule } from "./rule.js";
import { allRoutes } from "../spec/sites.js";

export const sseReadTimeoutExceedsHeartbeat: Rule = {
  id: "sse-read-timeout-exceeds-heartbeat",
  severity: "error",
  summary: "An SSE route's read timeout must be longer than the backend's heartbeat, or nginx cuts idle streams.",
  check(spec) {
    const heartbeat = durationMs(spec.backend.sseHeartbeat);
    return allRoutes(spec).flatMap(({ route, path }) =>
      route.kind === "sse" && durationMs(route.timeouts.read) <= heartbeat * 2
        ? [{ path: [...path, "timeouts", "read"], message: `read timeout ${route.timeouts.read} is not at least twice the backend heartbeat (${spec.backend.sseHeartbeat}); one late heartbeat would cut the stream`, fix: "raise the read timeout or shorten backend.sseHeartbeat" }]
        : [],
    );
  },
};
