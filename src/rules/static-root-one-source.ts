import type { Rule } from "./rule.js";

export const staticRootOneSource: Rule = {
  id: "static-root-one-source",
  severity: "error",
  waivable: false,
  summary: "Static routes that share a root must share its hostDir: compose can mount only one host directory at one container path.",
  check(spec) {
    const sources = new Map<string, { hostDir: string | null; index: number }>();
    return spec.routes.flatMap((route, i) => {
      if (route.kind !== "static") return [];
      const first = sources.get(route.root);
      if (!first) {
        sources.set(route.root, { hostDir: route.hostDir, index: i });
        return [];
      }
      return first.hostDir === route.hostDir || route.hostDir === null || first.hostDir === null
        ? []
        : [{ path: ["routes", i, "hostDir"], message: `root ${route.root} is already mounted from ${first.hostDir} by routes[${first.index}]`, fix: "use the same hostDir, or another root" }];
    });
  },
};
