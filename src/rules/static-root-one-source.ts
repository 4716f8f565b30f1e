import { formatPath, type SpecPath } from "../diagnostics.js";
import { allRoutes } from "../spec/sites.js";
import type { Rule } from "./rule.js";

export const staticRootOneSource: Rule = {
  id: "static-root-one-source",
  severity: "error",
  waivable: false,
  summary: "Static routes that share a root must share its hostDir: compose can mount only one host directory at one container path.",
  check(spec) {
    const sources = new Map<string, { hostDir: string | null; path: SpecPath }>();
    return allRoutes(spec).flatMap(({ route, path }) => {
      if (route.kind !== "static") return [];
      const first = sources.get(route.root);
      if (!first) {
        sources.set(route.root, { hostDir: route.hostDir, path });
        return [];
      }
      return first.hostDir === route.hostDir || route.hostDir === null || first.hostDir === null
        ? []
        : [{ path: [...path, "hostDir"], message: `root ${route.root} is already mounted from ${first.hostDir} by ${formatPath(first.path)}`, fix: "use the same hostDir, or another root" }];
    });
  },
};
