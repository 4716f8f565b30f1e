// The `swarm` section of the spec: whether docker-compose.prod.yml is also written for
// `docker stack deploy` (Docker Swarm), and the `deploy:` settings only Swarm acts on (replicas,
// rolling updates, rollback, restart policy, resources). Off by default: the compose file is then
// exactly what it was. Compose v1 and v2 accept every key written here (v1 ignores most of `deploy`).
import { z } from "zod";
import { duration } from "./values.js";

/** Swarm's CPU count as Compose writes it: a decimal string such as 0.25 or 2 (Swarm's schema wants a string). */
const cpus = () =>
  z
    .string()
    .max(16)
    .regex(/^[0-9]{1,3}(\.[0-9]{1,3})?$/, "a number of CPUs such as 0.25, 1 or 2")
    .refine((v) => Number(v) > 0, "more than 0 CPUs");

/** A Compose byte size: a number and b, k, m or g (Compose also takes KB, MB, ...; these four are understood by v1, v2 and Swarm alike). */
const bytes = () =>
  z
    .string()
    .max(16)
    .regex(/^[1-9][0-9]{0,6}[bkmg]$/, "a size such as 128m or 1g (b, k, m or g)");

export const UPDATE_ORDERS = ["start-first", "stop-first"] as const;

/** update_config and rollback_config share their keys; their defaults differ. */
const updateConfig = (d: { order: (typeof UPDATE_ORDERS)[number]; failureAction: "rollback" | "pause" | "continue"; what: string }) =>
  z
    .strictObject({
      parallelism: z.number().int().min(0).max(1000).default(1).describe(`Tasks ${d.what} at once (0: all at once).`),
      delay: duration().nullable().default(null).describe(`Wait between ${d.what} one batch of tasks and the next; null: none.`),
      order: z
        .enum(UPDATE_ORDERS)
        .default(d.order)
        .describe("start-first: the new task starts (and with a health check, becomes healthy) before the old one stops; stop-first: the old one stops first."),
      failureAction: z
        .enum(["rollback", "pause", "continue"])
        .default(d.failureAction)
        .describe("What Swarm does when a new task fails (exits, or its health check fails) within monitor: roll back, pause, or continue."),
      monitor: duration()
        .default("30s")
        .describe("How long after each task starts Swarm watches it for failure; longer than the backend's health check needs to call a task unhealthy (3 × 10 s)."),
      maxFailureRatio: z.number().min(0).max(1).default(0).describe("Share of tasks that may fail during the operation before failureAction applies (0: none)."),
    })
    .prefault({});

const restartPolicy = z
  .strictObject({
    condition: z.enum(["any", "on-failure", "none"]).default("any").describe("When Swarm restarts a task: any (also after a clean exit), on-failure, none."),
    delay: duration().default("5s").describe("Wait between restart attempts."),
    maxAttempts: z.number().int().min(0).max(1000).default(0).describe("Most restart attempts within window (0: no limit)."),
    window: duration().default("60s").describe("How long a restarted task must run to count as a successful restart."),
  })
  .prefault({})
  .describe("deploy.restart_policy (Swarm ignores the services' `restart`; Compose v2 prefers this policy to it, v1 keeps `restart`).");

const resources = (d: { cpusLimit: string | null; memoryLimit: string; cpusReserved: string; memoryReserved: string }) =>
  z
    .strictObject({
      limits: z
        .strictObject({
          cpus: cpus()
            .nullable()
            .default(d.cpusLimit)
            .describe("CPU limit; null sets none (a CPU limit throttles a busy process in 100 ms slices, adding latency)."),
          memory: bytes().default(d.memoryLimit).describe("Memory limit: a task above it is killed (and restarted by the restart policy)."),
        })
        .prefault({})
        .describe("deploy.resources.limits."),
      reservations: z
        .strictObject({
          cpus: cpus().default(d.cpusReserved).describe("CPUs Swarm reserves for each task when it places tasks on nodes."),
          memory: bytes().default(d.memoryReserved).describe("Memory Swarm reserves for each task."),
        })
        .prefault({})
        .describe("deploy.resources.reservations."),
    })
    .prefault({})
    .describe("deploy.resources: limits (enforced) and reservations (used for placement) of each task.");

const edge = z
  .strictObject({
    mode: z
      .enum(["global", "replicated"])
      .default("global")
      .describe(
        "global: one nginx per node (its ports are published on each node's own address, mode: host); replicated: `replicas` nginx tasks, at most one per node (two tasks can't bind one host port).",
      ),
    replicas: z.number().int().min(1).max(1000).default(1).describe("nginx tasks with mode replicated (ignored by global)."),
    update: updateConfig({ order: "stop-first", failureAction: "rollback", what: "nginx tasks updated" }).describe(
      "deploy.update_config of nginx. stop-first is the only order that works with host-published ports: a new task on the same node can't bind the port until the old one has stopped (start-first is refused).",
    ),
    restartPolicy,
    resources: resources({ cpusLimit: null, memoryLimit: "256m", cpusReserved: "0.25", memoryReserved: "64m" }),
    rateLimitScope: z
      .enum(["perInstance"])
      .nullable()
      .default(null)
      .describe(
        "What the routes' rate limits mean with several nginx tasks (one per node with mode global, `replicas` with mode replicated). Every task counts on its own (limit_req state lives in the task's shared memory), so a client spread over N tasks may get up to N times the rate. perInstance states that this is what you mean (rule rate-limit-scope warns while it is unstated). A swarm-wide total is not offered: the task count changes with nodes and updates, and a keep-alive client sticks to one task.",
      ),
  })
  .prefault({})
  .superRefine((e, ctx) => {
    if (e.update.order === "start-first") {
      ctx.addIssue({
        code: "custom",
        path: ["update", "order"],
        message: "stop-first: nginx publishes its ports on the node (mode: host), so a new task can't start beside the old one on the same node",
      });
    }
  })
  .describe("The nginx service under Swarm.");

const backend = z
  .strictObject({
    replicas: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .nullable()
      .default(null)
      .describe("Backend tasks (deploy.replicas, which Compose v1 and v2 also start, in place of `scale`); null takes backend.replicas."),
    update: updateConfig({ order: "start-first", failureAction: "rollback", what: "backend tasks updated" }).describe(
      "deploy.update_config of the backend: by default one task at a time, the new one healthy before the old one stops, rolled back when a new one fails.",
    ),
    rollback: updateConfig({ order: "start-first", failureAction: "pause", what: "backend tasks rolled back" }).describe(
      "deploy.rollback_config of the backend: how a failed update (or `docker service rollback`) goes back to the previous version.",
    ),
    restartPolicy,
    resources: resources({ cpusLimit: null, memoryLimit: "512m", cpusReserved: "0.25", memoryReserved: "128m" }),
  })
  .prefault({})
  .describe("The backend service under Swarm (written when backend.enabled).");

export const swarmSection = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "Write docker-compose.prod.yml so that `docker stack deploy -c docker-compose.prod.yml <stack>` deploys it unchanged (Compose v1 and v2 still run it): `deploy:` settings, nginx's ports published per node (mode: host), depends_on as a plain list (Swarm refuses conditions, so Compose then starts nginx once the backend has started, not once it is healthy), and Prometheus not published (Swarm can't bind a port to 127.0.0.1 only; it would listen on every address).",
      ),
    endpointMode: z
      .enum(["vip", "dnsrr"])
      .default("vip")
      .describe(
        "deploy.endpoint_mode of every service: how a service name resolves on the stack's network. vip: one stable virtual address, balanced by the kernel's IPVS over the running, healthy tasks, so nginx (which resolves upstream names once, at start) keeps working across rolling updates. dnsrr: each task's own address, which every update changes: nginx keeps the old ones unless it re-resolves. vip needs IPVS in the node's kernel: on a kernel without it (measured on a Firecracker VM's) every connection to a service name times out, and only dnsrr works.",
      ),
    edge,
    backend,
  })
  .prefault({})
  .describe("Docker Swarm: the same compose file for `docker stack deploy`, with replicas, rolling updates, rollback, restart policies and resources.");

export type SwarmSpec = z.output<typeof swarmSection>;
