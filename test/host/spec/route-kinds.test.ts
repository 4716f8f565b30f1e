// The route-kind table: one row per kind (a missing row is a compile error, proven below by
// `tsc --noEmit`, which scripts/test runs over test/ too), and rows that agree with the schema.
import { describe, expect, it } from "vitest";
import { isAnswerRoute, isFileRoute, isJsonLoadRoute, isProxiedRoute, isRedirectRoute, isRespondRoute, ROUTE_KINDS, routeBehaviour, type RouteKindTable } from "../../../src/spec/route-kinds.js";
import { routeSchema, type RouteKind } from "../../../src/spec/schema.js";

const KINDS = routeSchema.options.map((o) => o.shape.kind.value) as RouteKind[];
/** The least route of a kind: its path, and a target where the kind needs one. */
const least = (kind: RouteKind) => routeSchema.parse({ kind, path: "/x/", ...(kind === "redirect" ? { to: "/y/" } : {}) });

// A kind added to the schema without a row does not compile: the table type demands every kind.
type WithNewKind = RouteKind | "grpc";
// @ts-expect-error Property 'grpc' is missing: a kind without traits does not type-check.
const _withGrpc: { [K in WithNewKind]: unknown } = ROUTE_KINDS;
// @ts-expect-error a table that leaves out a kind is refused.
const _partial: RouteKindTable = { api: ROUTE_KINDS.api };

describe("route kinds", () => {
  it("the table has exactly the schema's kinds", () => {
    expect(Object.keys(ROUTE_KINDS).sort()).toEqual([...KINDS].sort());
  });

  it.each(KINDS)("%s: the traits agree with the fields the schema gives the kind", (kind) => {
    const route = least(kind);
    const fields = Object.keys(routeSchema.options.find((o) => o.shape.kind.value === kind)!.shape);
    expect(isProxiedRoute(route)).toBe(fields.includes("upstream") && fields.includes("timeouts"));
    expect(isFileRoute(route)).toBe("root" in route);
    expect(isAnswerRoute(route)).toBe(isRespondRoute(route) || isRedirectRoute(route));
    expect(isRespondRoute(route)).toBe(fields.includes("body"));
    expect(isRedirectRoute(route)).toBe(fields.includes("to"));
    // Each kind is served one way: proxied, from files, or answered by nginx itself.
    expect([isProxiedRoute(route), isFileRoute(route), isAnswerRoute(route)].filter(Boolean)).toHaveLength(1);
    // A kind that carries the JSON load must have the fields the benchmark edits.
    if (isJsonLoadRoute(route)) expect(fields).toEqual(expect.arrayContaining(["cache", "compression", "timeouts"]));
  });

  it("a route's own fields decide where its kind says so", () => {
    const api = routeSchema.parse({ kind: "api", path: "/a/", buffering: false, compression: false, cache: {} });
    expect(routeBehaviour(api)).toMatchObject({ buffering: false, compression: false, cache: expect.objectContaining({ lock: true }) });
    expect(routeBehaviour(routeSchema.parse({ kind: "api", path: "/a/" })).cache).toBeNull();
    const stat = routeSchema.parse({ kind: "static", path: "/s/", expires: "1h", immutable: true });
    expect(routeBehaviour(stat).browserCache).toEqual({ maxAgeSeconds: 3600, immutable: true });
  });

  it("streams are never buffered or compressed, and only they ignore or pass what would break them", () => {
    for (const kind of KINDS) {
      const b = routeBehaviour(least(kind));
      if (b.upgrade || b.verify.sse) expect({ kind, buffering: b.buffering, compression: b.compression }).toEqual({ kind, buffering: false, compression: false });
    }
  });
});
