import type { Rule } from "./rule.js";

export const serverTokens: Rule = {
  id: "server-tokens",
  severity: "warning",
  summary: "server_tokens on advertises the exact nginx version on every response and error page.",
  check(spec) {
    return spec.nginx.serverTokens ? [{ path: ["nginx", "serverTokens"], message: "the nginx version is sent in the Server header and error pages", fix: "set nginx.serverTokens to false" }] : [];
  },
};
