// The errorPages fragment, through the real schema: statuses it takes, what a page defaults to, and
// what it refuses.
import { describe, expect, it } from "vitest";
import { errorPages } from "../../../src/spec/error-pages.js";
import { specSchema } from "../../../src/spec/schema.js";
import { allRoutes } from "../../../src/spec/sites.js";

const base = { domain: "app.example.com", upstreams: { app: { servers: [{ host: "backend" }] } } };

describe("errorPages", () => {
  it("is empty by default, at the top level and on every route", () => {
    const parsed = specSchema.parse(base);
    expect(parsed.errorPages).toEqual({});
    expect(allRoutes(parsed).map(({ route }) => route.errorPages)).toEqual([{}]);
  });

  it("a page defaults to JSON with no extra headers", () => {
    expect(errorPages.parse({ 502: { body: "{}" } })).toEqual({ "502": { contentType: "application/json", body: "{}", headers: {} } });
  });

  it.each(["200", "302", "444", "499", "600", "5xx", "0502"])("refuses status %s", (status) => {
    expect(errorPages.safeParse({ [status]: { body: "x" } }).success).toBe(false);
  });

  it("refuses a page without a body, and a Content-Type header (contentType says it)", () => {
    expect(errorPages.safeParse({ 502: {} }).success).toBe(false);
    expect(errorPages.safeParse({ 502: { body: "x", headers: { "Content-Type": "text/html" } } }).error?.issues[0]?.message).toContain("contentType");
  });

  it("takes 4xx and 5xx pages with headers such as Retry-After", () => {
    expect(errorPages.safeParse({ 429: { body: "slow down", contentType: "text/plain", headers: { "Retry-After": "60" } }, 503: { body: "<h1>back soon</h1>", contentType: "text/html" } }).success).toBe(true);
  });
});
