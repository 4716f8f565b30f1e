import { maxEdgeInstances } from "../spec/kubernetes.js";
import { allRoutes } from "../spec/sites.js";
import type { Rule } from "./rule.js";

export const rateLimitScope: Rule = {
  id: "rate-limit-scope",
  severity: "warning",
  summary:
    "A rate limit is counted by each nginx instance on its own (limit_req state lives in that instance's shared memory): with several edge replicas a client may get up to that many times the rate, so the spec must say it means the limit per instance.",
  check(spec) {
    const instances = maxEdgeInstances(spec.kubernetes);
    if (instances <= 1 || spec.kubernetes.edge.rateLimitScope !== null) return [];
    return allRoutes(spec).flatMap(({ route, path }) =>
      route.rateLimit === undefined
        ? []
        : [
            {
              path: [...path, "rateLimit"],
              message: `${route.path} is limited to ${route.rateLimit.rate} per nginx instance, and the edge runs up to ${instances} (kubernetes.edge): a client spread over them may get up to ${instances} times the rate`,
              fix: "set kubernetes.edge.rateLimitScope: perInstance if that is what you mean, or lower the rate so that the total over every instance is what you want",
            },
          ],
    );
  },
};
