import type { SpecPath } from "../diagnostics.js";
import { maxEdgeInstances } from "../spec/kubernetes.js";
import type { Spec } from "../spec/schema.js";
import { allRoutes } from "../spec/sites.js";
import type { Rule } from "./rule.js";

/** An output target that may run several nginx instances of one spec, and where the spec acknowledges it. */
interface ReplicatedEdge {
  /** How many instances, in words: "up to 6 (kubernetes.edge)". */
  instances: string;
  /** The multiplier in the message: "6 times", "as many times as there are nodes". */
  times: string;
  ackPath: SpecPath;
}

/** One row per target that runs nginx replicated; a target with one instance has no row. */
const REPLICATED_EDGES: ((spec: Spec) => ReplicatedEdge | null)[] = [
  (spec) => {
    const n = maxEdgeInstances(spec.kubernetes);
    if (n <= 1 || spec.kubernetes.edge.rateLimitScope !== null) return null;
    return { instances: `up to ${n} (kubernetes.edge)`, times: `${n} times`, ackPath: ["kubernetes", "edge", "rateLimitScope"] };
  },
  (spec) => {
    const { enabled, edge } = spec.swarm;
    if (!enabled || edge.rateLimitScope !== null) return null;
    if (edge.mode === "global") {
      return { instances: "one per Swarm node (swarm.edge.mode: global)", times: "as many times as there are nodes", ackPath: ["swarm", "edge", "rateLimitScope"] };
    }
    if (edge.replicas <= 1) return null;
    return { instances: `${edge.replicas} (swarm.edge.replicas)`, times: `${edge.replicas} times`, ackPath: ["swarm", "edge", "rateLimitScope"] };
  },
];

export const rateLimitScope: Rule = {
  id: "rate-limit-scope",
  severity: "warning",
  summary:
    "A rate limit is counted by each nginx instance on its own (limit_req state lives in that instance's shared memory): with several edge replicas (Kubernetes pods, Swarm tasks) a client may get up to that many times the rate, so the spec must say it means the limit per instance.",
  check(spec) {
    const edges = REPLICATED_EDGES.map((row) => row(spec)).filter((e): e is ReplicatedEdge => e !== null);
    return edges.flatMap((edge) =>
      allRoutes(spec).flatMap(({ route, path }) =>
        route.rateLimit === undefined
          ? []
          : [
              {
                path: [...path, "rateLimit"],
                message: `${route.path} is limited to ${route.rateLimit.rate} per nginx instance, and the edge runs ${edge.instances}: a client spread over them may get up to ${edge.times} the rate`,
                fix: `set ${edge.ackPath.join(".")}: perInstance if that is what you mean, or lower the rate so that the total over every instance is what you want`,
              },
            ],
      ),
    );
  },
};
