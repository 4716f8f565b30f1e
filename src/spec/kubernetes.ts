// The `kubernetes` section of the spec: whether edgekit also writes Kubernetes manifests
// (deploy/kubernetes/edgekit.yaml) and what only a cluster needs (namespace, replicas, autoscaling,
// disruption budget, resources, images). Off by default: the other outputs do not depend on it.
import { z } from "zod";
import { dockerImage, duration, host, hostname } from "./values.js";

/** A Kubernetes resource quantity: 100m, 0.5, 2 (CPU); 64Mi, 1Gi, 500M (memory). */
const quantity = () =>
  z
    .string()
    .max(32)
    .regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, "a Kubernetes quantity such as 100m, 0.5, 64Mi or 1Gi");

/** A DNS-1123 label: what Kubernetes accepts as a namespace or Service name. */
export const dnsLabel = () =>
  z
    .string()
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a DNS label: lower-case letters, digits and '-', at most 63, starting and ending with a letter or digit");

/** The cluster DNS Service by its name, which the pod's resolver turns into the cluster's own address at nginx's start. */
export const CLUSTER_DNS_SERVICE = "kube-dns.kube-system.svc.cluster.local";

const resources = (d: { cpu: string; memory: string; memoryLimit: string }) =>
  z
    .strictObject({
      requests: z
        .strictObject({
          cpu: quantity().default(d.cpu).describe("CPU the scheduler reserves for each pod; the autoscaler's target utilization is a share of this."),
          memory: quantity().default(d.memory).describe("Memory the scheduler reserves for each pod."),
        })
        .prefault({})
        .describe("Resource requests."),
      limits: z
        .strictObject({
          cpu: quantity()
            .nullable()
            .default(null)
            .describe("CPU limit; null sets none (a CPU limit throttles a busy proxy in 100 ms slices, adding latency; the request already shares the node fairly)."),
          memory: quantity().default(d.memoryLimit).describe("Memory limit: a pod above it is killed and restarted."),
        })
        .prefault({})
        .describe("Resource limits."),
    })
    .prefault({})
    .describe("Resource requests and limits of each pod.");

const edge = z
  .strictObject({
    replicas: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(2)
      .describe("nginx pods when autoscaling is off (the Deployment's replicas). With autoscaling on, the autoscaler decides and the Deployment leaves replicas out."),
    autoscaling: z
      .strictObject({
        enabled: z.boolean().default(true).describe("Scale the edge with a HorizontalPodAutoscaler (autoscaling/v2) on CPU."),
        minReplicas: z.number().int().min(1).max(1000).default(2).describe("Fewest nginx pods (2 keeps the edge up while one is replaced)."),
        maxReplicas: z.number().int().min(1).max(1000).default(6).describe("Most nginx pods."),
        targetCpuUtilization: z
          .number()
          .int()
          .min(10)
          .max(100)
          .default(70)
          .describe("Average CPU use, in percent of the pods' CPU request, the autoscaler keeps the edge at."),
      })
      .prefault({})
      .describe("Horizontal autoscaling of the edge."),
    minAvailable: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(1)
      .describe("PodDisruptionBudget minAvailable: nginx pods a voluntary disruption (node drain, cluster upgrade) must leave running. Below the replica count (or minReplicas), or a drain could never evict one."),
    preStopDelay: duration()
      .default("5s")
      .describe(
        "How long a stopping nginx pod keeps serving after Kubernetes starts removing it from the Service's endpoints (kube-proxy and load balancers learn of the removal a few seconds late); then nginx is told to quit gracefully.",
      ),
    drainTimeout: duration()
      .default("15s")
      .describe("How long nginx may take, after the delay, to finish in-flight requests before it is killed (terminationGracePeriodSeconds is the delay plus this)."),
    serviceType: z
      .enum(["LoadBalancer", "NodePort", "ClusterIP"])
      .default("LoadBalancer")
      .describe("Type of the edge Service. LoadBalancer and NodePort keep the client's address (externalTrafficPolicy: Local), so rate limits and logs see clients, not nodes."),
    resources: resources({ cpu: "250m", memory: "64Mi", memoryLimit: "256Mi" }),
    rateLimitScope: z
      .enum(["perInstance"])
      .nullable()
      .default(null)
      .describe(
        "What the routes' rate limits mean with several nginx pods. Every pod counts on its own (limit_req state lives in the pod's shared memory), so a client spread over N pods may get up to N times the rate. perInstance states that this is what you mean (rule rate-limit-scope warns while it is unstated). A cluster-wide total is not offered: dividing the rate by the pod count is wrong while the autoscaler changes it, and a keep-alive client sticks to one pod, which would cut it to a fraction of the limit.",
      ),
  })
  .prefault({})
  .superRefine((e, ctx) => {
    const fewest = e.autoscaling.enabled ? e.autoscaling.minReplicas : e.replicas;
    if (e.autoscaling.enabled && e.autoscaling.minReplicas > e.autoscaling.maxReplicas) {
      ctx.addIssue({ code: "custom", path: ["autoscaling", "maxReplicas"], message: `at least minReplicas (${e.autoscaling.minReplicas})` });
    }
    if (e.minAvailable > 0 && e.minAvailable >= fewest) {
      const source = e.autoscaling.enabled ? "autoscaling.minReplicas" : "replicas";
      ctx.addIssue({
        code: "custom",
        path: ["minAvailable"],
        message: `below ${source} (${fewest}): with minAvailable ${e.minAvailable} no nginx pod could ever be evicted, so a node drain would hang`,
      });
    }
  })
  .describe("The nginx Deployment, its Service, disruption budget and autoscaler.");

const backend = z
  .strictObject({
    replicas: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .nullable()
      .default(null)
      .describe("Backend pods; null takes backend.replicas. nginx reaches them through a headless Service (one address per ready pod)."),
    resources: resources({ cpu: "250m", memory: "128Mi", memoryLimit: "512Mi" }),
  })
  .prefault({})
  .describe("The backend Deployment (written when backend.enabled).");

export const kubernetesSection = z
  .strictObject({
    enabled: z.boolean().default(false).describe("Also write Kubernetes manifests (deploy/kubernetes/edgekit.yaml, for `kubectl apply -f deploy/kubernetes/`)."),
    namespace: dnsLabel().default("edgekit").describe("Namespace of every object (the manifest creates it)."),
    images: z
      .strictObject({
        nginx: dockerImage()
          .nullable()
          .default(null)
          .describe("nginx image the pods run; null takes the compose file's (container.image, or edgekit's image of nginx.version). A cluster pulls it: push a locally built image to a registry the cluster reads."),
        backend: dockerImage().nullable().default(null).describe("Backend image; null takes backend.image."),
      })
      .prefault({})
      .describe("Images the pods run."),
    tlsSecret: dnsLabel()
      .default("edge-tls")
      .describe("Secret of type kubernetes.io/tls (tls.crt, tls.key) mounted where tls.certificate and tls.certificateKey point; create it with `kubectl create secret tls`."),
    edge,
    backend,
    dns: z
      .strictObject({
        resolver: host()
          .default(CLUSTER_DNS_SERVICE)
          .describe(
            "The cluster DNS server nginx asks for upstream names it follows (upstreams.<name>.resolve), in place of Docker's 127.0.0.11: an address, or a name the pod's own resolver turns into one when nginx starts. The default is the DNS Service's name on kubeadm, kind, k3s, EKS, GKE and AKS.",
          ),
        clusterDomain: hostname()
          .default("cluster.local")
          .describe("The cluster's DNS domain. nginx's resolver applies no search domains, so an upstream server named without a dot (backend) is asked as <name>.<namespace>.svc.<clusterDomain>."),
      })
      .prefault({})
      .describe("How nginx finds the pods behind the headless Services while it runs."),
  })
  .prefault({})
  .describe(
    "Kubernetes manifests for the same edge: nginx as a Deployment with its nginx.conf in a ConfigMap, a Service, a disruption budget and an autoscaler; the backend behind a headless Service; NetworkPolicies. Rate limits and the proxy cache are per nginx pod.",
  );

export type KubernetesSpec = z.output<typeof kubernetesSection>;

/**
 * The most nginx instances the spec runs at once (the autoscaler's maximum, else the replica
 * count; 1 when nothing but compose runs the edge). State kept in nginx's shared memory (rate
 * limits, the proxy cache) exists once per instance.
 */
export function maxEdgeInstances(k: KubernetesSpec): number {
  if (!k.enabled) return 1;
  return k.edge.autoscaling.enabled ? k.edge.autoscaling.maxReplicas : k.edge.replicas;
}
