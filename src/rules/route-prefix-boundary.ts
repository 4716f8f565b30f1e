import { specSites } from "../spec/sites.js";
import type { Rule } from "./rule.js";

export const routePrefixBoundary: Rule = {
  id: "route-prefix-boundary",
  severity: "warning",
  summary: "A prefix path without a trailing slash (/api/upload) also matches every longer name that starts with it (/api/uploads, /api/upload-old, /api/uploadsXYZ), so requests meant for nothing reach the route's backend.",
  check(spec) {
    return specSites(spec).flatMap((site) =>
      site.routes.flatMap((route, i) =>
        // A static route's path already must end in '/' (rule static-path-shape, an error).
        route.match === "prefix" && !route.path.endsWith("/") && route.kind !== "static"
          ? [{
              path: [...site.routesPath, i, "path"],
              message: `prefix path '${route.path}' also matches longer names such as '${route.path}XYZ' and '${route.path}-old', not only '${route.path}' and what lies under '${route.path}/'`,
              fix: `use match: exact for '${route.path}' alone, or the path '${route.path}/' for what lies under it (a route of each for both)`,
            }]
          : [],
      ),
    );
  },
};
