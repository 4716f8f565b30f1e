import { isRedirectRoute } from "../spec/route-kinds.js";
import { allRoutes } from "../spec/sites.js";
import type { RuleFinding, Rule } from "./rule.js";

/**
 * A redirect's target and what it keeps must fit together: the kept path rest is appended to `to`
 * as it is, and the kept query after a `?`, so a `to` that already has a query or a fragment, or a
 * directory prefix redirected to a target without its slash, gives a broken Location.
 */
export const redirectTargetShape: Rule = {
  id: "redirect-target-shape",
  severity: "error",
  waivable: false,
  summary: "A redirect keeps the path only on a prefix route, into a target ending in '/' when the prefix does, and keeps the query only into a target without its own query or fragment.",
  check(spec) {
    return allRoutes(spec).flatMap(({ route, path }): RuleFinding[] => {
      if (!isRedirectRoute(route)) return [];
      const at = (field: string) => [...path, field];
      const out: RuleFinding[] = [];
      if (route.keepPath && route.match !== "prefix") {
        out.push({ path: at("keepPath"), message: `redirect '${route.path}' keeps the path, but an ${route.match} route has no rest of path to keep`, fix: "use match: prefix, or keepPath: false" });
      }
      if (route.keepPath && route.match === "prefix" && route.path.endsWith("/") && !route.to.endsWith("/")) {
        out.push({ path: at("to"), message: `redirect '${route.path}' keeps the path: /${route.path.slice(1)}x would go to ${route.to}x`, fix: `end to with '/': ${route.to}/` });
      }
      if (route.to.includes("#") && (route.keepPath || route.keepQuery)) {
        out.push({ path: at("to"), message: `redirect '${route.path}': the kept ${route.keepPath ? "path" : "query"} would land inside the target's #fragment`, fix: "drop the fragment, or set keepPath and keepQuery to false" });
      } else if (route.to.includes("?") && (route.keepPath || route.keepQuery)) {
        out.push({
          path: at("to"),
          message: `redirect '${route.path}': the target has a query of its own, so the kept ${route.keepPath ? "path would land inside it" : "query would add a second '?'"}`,
          fix: "set keepPath and keepQuery to false, or drop the query from to",
        });
      }
      return out;
    });
  },
};
