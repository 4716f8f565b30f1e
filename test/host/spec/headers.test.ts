import { describe, expect, it } from "vitest";
import { specSchema } from "../../../src/spec/schema.js";
import { requestHeaderParts } from "../../../src/spec/headers.js";

const base = { domain: "app.example.com", upstreams: { app: { servers: [{ host: "backend" }] } } };
const issues = (input: Record<string, unknown>) => {
  const result = specSchema.safeParse({ ...base, ...input });
  if (result.success) return [];
  // A refused record key carries its reasons inside (validate.ts reports them the same way).
  return result.error.issues.map((i) => `${i.path.join(".")}: ${i.code === "invalid_key" ? i.issues.map((n) => n.message).join("; ") : i.message}`);
};
const route = (extra: Record<string, unknown>) => ({ routes: [{ kind: "api", path: "/", ...extra }] });

describe("response headers", () => {
  it("accept values and null, at route and top level", () => {
    expect(issues({ headers: { "Cache-Control": "no-store", "X-Frame-Options": null }, ...route({ headers: { "Content-Security-Policy": null } }) })).toEqual([]);
  });
  it("refuse one name twice under two spellings", () => {
    expect(issues({ headers: { "X-Frame-Options": "DENY", "x-frame-options": "SAMEORIGIN" } })).toEqual([expect.stringContaining("headers.x-frame-options: x-frame-options and X-Frame-Options are the same header")]);
  });
  it("still refuse framing and hop-by-hop names", () => {
    expect(issues({ headers: { "Transfer-Encoding": "chunked" } })[0]).toContain("cannot be set as a response header");
  });
  it("leave room in a Vary for the Accept-Encoding a compressing location adds", () => {
    expect(issues({ headers: { Vary: "x".repeat(4076) } })).toEqual([]);
    expect(issues({ headers: { Vary: "x".repeat(4077) } })).toEqual([expect.stringContaining("headers.Vary: too long for a Vary")]);
    expect(issues(route({ headers: { vary: "x".repeat(4090) } }))).toEqual([expect.stringContaining("routes.0.headers.vary: too long for a Vary")]);
  });
});

describe("request headers", () => {
  it("accept literals and allowed variables in both spellings", () => {
    expect(issues(route({ requestHeaders: { "X-Edge": "edge-1", "X-Client": "${remote_addr}:$remote_port", "X-Empty": "" } }))).toEqual([]);
  });
  it.each([
    ["$http_authorization", "is not a variable a request header may carry"],
    ["cost: 5$", "$ is not a variable"],
    ["${arg_x}", "$arg_x is not a variable"],
    ["line\nbreak", "printable ASCII"],
  ])("refuse %j", (value, message) => {
    expect(issues(route({ requestHeaders: { "X-A": value } }))[0]).toContain(message);
  });
  it.each(["X-Accel-Buffering", "Host", "connection", "Content-Length", "X-Forwarded-For", "x-request-id", "Upgrade", "TE"])("refuse %s (nginx or edgekit sets it)", (name) => {
    expect(issues(route({ requestHeaders: { [name]: "x" } }))[0]).toContain("cannot be set as a request header");
  });
  it("are not a field of static routes", () => {
    expect(issues({ routes: [{ kind: "static", path: "/s/", requestHeaders: { "X-A": "1" } }] })[0]).toContain("requestHeaders");
  });
  it("split into literal text and variables", () => {
    expect(requestHeaderParts("a${host}b$scheme")).toEqual([{ literal: "a" }, { variable: "host" }, { literal: "b" }, { variable: "scheme" }]);
  });
});

describe("tls.terminatedBy and requestId", () => {
  it("loadBalancer needs tls.enabled false", () => {
    expect(issues({ tls: { terminatedBy: "loadBalancer" } })).toEqual([expect.stringContaining("tls.terminatedBy: a load balancer terminates TLS only when nginx does not")]);
    expect(issues({ tls: { enabled: false, terminatedBy: "loadBalancer" } })).toEqual([]);
  });
  it("requestId defaults: keep a valid incoming id, return it", () => {
    expect(specSchema.parse(base).requestId).toEqual({ keepIncoming: "valid", response: true });
  });
});
