import type { Rule } from "./rule.js";

export const listenPortsDistinct: Rule = {
  id: "listen-ports-distinct",
  severity: "error",
  waivable: false,
  summary: "The http and https servers need different ports (nginx rejects two default servers on one port).",
  check(spec) {
    if (!spec.tls.enabled || spec.listen.httpPort !== spec.listen.httpsPort) return [];
    return [{ path: ["listen", "httpsPort"], message: `httpPort and httpsPort are both ${spec.listen.httpsPort}`, fix: "give plain HTTP and HTTPS their own ports" }];
  },
};
