import type { Rule } from "./rule.js";
import { allRoutes } from "../spec/sites.js";

export const staticPathShape: Rule = {
  id: "static-path-shape",
  severity: "error",
  waivable: false,
  summary: "A static route maps a directory: a prefix path ending in '/' (otherwise alias allows '/static../' path traversal).",
  check(spec) {
    return allRoutes(spec).flatMap(({ route, path }) =>
      route.kind === "static" && (route.match !== "prefix" || !route.path.endsWith("/"))
        ? [{ path: [...path, "path"], message: `static route '${route.path}' must be a prefix path ending in '/'`, fix: `use '${route.path.replace(/\/*$/, "/")}' with match: prefix` }]
        : [],
    );
  },
};
