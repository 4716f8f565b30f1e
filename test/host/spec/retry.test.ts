import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_ON, DEFAULT_RETRY_TRIES } from "../../../src/spec/retry.js";
import { specSchema } from "../../../src/spec/schema.js";
import { spec } from "../../support/specs.js";

describe("retry", () => {
  it("defaults: on error and timeout, two servers at most, no time limit, POST/PATCH/LOCK never resent", () => {
    const [route] = spec({ routes: [{ kind: "api", path: "/" }] }).routes!;
    expect("retry" in route! && route.retry).toEqual({ on: DEFAULT_RETRY_ON, tries: DEFAULT_RETRY_TRIES, timeout: null, nonIdempotent: false });
    expect(DEFAULT_RETRY_ON).toEqual(["error", "timeout"]);
  });

  it("refuses unknown conditions, zero tries and unknown fields", () => {
    const parse = (retry: unknown) => specSchema.safeParse({ domain: "a.example.com", upstreams: { app: { servers: [{ host: "b" }] } }, routes: [{ kind: "api", path: "/", retry }] }).success;
    expect(parse({ on: ["http_404"] })).toBe(false);
    expect(parse({ on: ["non_idempotent"] })).toBe(false);
    expect(parse({ tries: 0 })).toBe(false);
    expect(parse({ retries: 2 })).toBe(false);
    expect(parse({ on: [], tries: 1, timeout: "5s", nonIdempotent: true })).toBe(true);
  });
});
