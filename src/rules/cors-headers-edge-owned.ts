import { CORS_RESPONSE_HEADERS } from "../spec/cors.js";
import { allRoutes } from "../spec/sites.js";
import type { Rule } from "./rule.js";

const OWNED = new Set(CORS_RESPONSE_HEADERS.map((h) => h.toLowerCase()));

export const corsHeadersEdgeOwned: Rule = {
  id: "cors-headers-edge-owned",
  severity: "error",
  waivable: false,
  summary: "A route with cors does not also set Access-Control-* response headers itself: responses would carry two values, which browsers refuse.",
  check(spec) {
    return allRoutes(spec).flatMap(({ route, path }) => {
      if (!route.cors) return [];
      return Object.keys(route.headers)
        .filter((name) => OWNED.has(name.toLowerCase()))
        .map((name) => ({ path: [...path, "headers", name], message: `route '${route.path}' has cors, which sends ${name} itself: a second value makes browsers refuse the response`, fix: `remove ${name} from headers and say it in cors` }));
    });
  },
};
