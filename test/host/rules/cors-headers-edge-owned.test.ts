import { describe, expect, it } from "vitest";
import { corsHeadersEdgeOwned } from "../../../src/rules/cors-headers-edge-owned.js";
import { spec } from "../../support/specs.js";

describe("cors-headers-edge-owned", () => {
  it("refuses Access-Control-* in the headers of a route with cors, in any case, and allows them without cors", () => {
    const headers = { "access-control-allow-origin": "https://a.example.com", "X-Other": "1" };
    const found = corsHeadersEdgeOwned.check(
      spec({
        routes: [
          { kind: "api", path: "/a/", cors: { origins: ["https://a.example.com"] }, headers },
          { kind: "api", path: "/b/", headers },
        ],
      }),
    );
    expect(found.map((f) => f.path)).toEqual([["routes", 0, "headers", "access-control-allow-origin"]]);
  });
});
