// Kubernetes manifests as typed objects (serialised by the yaml library, never templated), one
// document each, in the order `kubectl apply` needs them: the namespace first. The nginx.conf in
// the ConfigMap is the nginx target's file, byte for byte; the edge's pod template carries its
// SHA-256, so a changed config rolls the pods.
//
// Decisions made here, and why:
// - Readiness is an exec probe (curl to 127.0.0.1 inside the pod, the compose health check's own
//   request): nginx's ready location answers loopback only, and a kubelet httpGet comes from the
//   node's address. Liveness is a tcpSocket on the http port: it needs no tool in the image and
//   restarts only an nginx that no longer accepts, never one whose backends are down.
// - Kubernetes stops a container with SIGTERM, nginx's fast shutdown (requests cut off). The
//   preStop hook sleeps while the endpoint removal propagates, then sends SIGQUIT (graceful: finish
//   in-flight requests) itself and waits for the master to exit, so SIGTERM never reaches a running
//   nginx within the grace period. It signals with `kill` and the pid file rather than
//   `nginx -s quit`, which parses the whole config again (certificates, upstream names) and can fail
//   at exactly that moment.
// - Read-only root file system: every directory nginx writes is an emptyDir (pid, temp, cache, log
//   directories other than the image's stdout/stderr links).
import { createHash } from "node:crypto";
import { posix } from "node:path";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IService } from "kubernetes-models/v1/Service";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IIoK8sApiCoreV1Volume as Volume } from "kubernetes-models/v1/Volume";
import type { IIoK8sApiCoreV1VolumeMount as VolumeMount } from "kubernetes-models/v1/VolumeMount";
import type { IIoK8sApiCoreV1ContainerPort as ContainerPort } from "kubernetes-models/v1/ContainerPort";
import { NGINX_CONFIG_DIR, OUTPUT_PATHS, READY_PATH } from "../plan/layout.js";
import { nginxSecrets } from "../plan/secrets.js";
import type { Spec } from "../spec/schema.js";
import { durationMs } from "../spec/values.js";
import { backendEnvironment, nginxImage } from "./compose.js";

export type KubernetesDocument =
  | INamespace
  | IConfigMap
  | IService
  | IDeployment
  | IPodDisruptionBudget
  | IHorizontalPodAutoscaler
  | INetworkPolicy;

/** The annotation on the edge's pod template that holds the SHA-256 of nginx.conf. */
export const CONFIG_CHECKSUM_ANNOTATION = "edgekit/nginx-conf-sha256";

/** Names of the objects edgekit writes (the backend's are backend.service, the name nginx's upstreams use). */
export const KUBERNETES_NAMES = {
  edge: "edge",
  nginxConf: "edge-nginx-conf",
  edgeIngress: "edge-ingress",
  backendFromEdge: "backend-from-edge",
  /** The Secret holding the htpasswd files of basic-auth routes, one key per file (its compose secret name). */
  htpasswd: "edge-htpasswd",
} as const;

/** The user and group of nginx in edgekit's image (Debian's www-data) and of node in the backend's (node). */
export const RUN_AS = { nginx: 33, backend: 1000 } as const;

/**
 * Log files the nginx image links to the container's stdout and stderr (deploy/nginx/Dockerfile):
 * writing them needs no writable directory.
 */
const IMAGE_LOG_LINKS = ["/var/log/nginx/access.log", "/var/log/nginx/error.log"];

/** Debian's nginx creates its compiled-in temp paths (/var/lib/nginx/body, proxy, fastcgi, ...) at every start. */
const COMPILED_TEMP_DIR = "/var/lib/nginx";

const seconds = (d: string) => Math.ceil(durationMs(d) / 1000);

export function configChecksum(nginxConf: string): string {
  return createHash("sha256").update(nginxConf).digest("hex");
}

/**
 * Directories nginx writes while it runs, each an emptyDir under the read-only root file system:
 * the pid file's, the temp paths (compiled-in and spec.nginx.tempDir), the cache, and the log
 * directories unless a log is one of the image's stdout/stderr links. A directory under another
 * in the list is left out (the outer emptyDir holds it).
 */
export function writableDirs(spec: Spec): string[] {
  const dirs = [posix.dirname(spec.nginx.pidFile), COMPILED_TEMP_DIR, spec.cache.path];
  if (spec.nginx.tempDir !== null) dirs.push(spec.nginx.tempDir);
  for (const log of [spec.logging.access.format === "off" ? null : spec.logging.access.path, spec.logging.error.path]) {
    if (log !== null && !IMAGE_LOG_LINKS.includes(log)) dirs.push(posix.dirname(log));
  }
  const unique = [...new Set(dirs.map((d) => posix.normalize(d)))].sort();
  return unique.filter((d) => !unique.some((outer) => outer !== d && (outer === "/" || d.startsWith(`${outer}/`))));
}

/** A single-quoted shell word (absolute paths are validated to [A-Za-z0-9._/-], this keeps it so). */
const shellWord = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The nginx pod's preStop command: wait for endpoint removal, then quit gracefully and wait for the master to exit. */
export function edgePreStop(spec: Spec): string[] {
  const pid = shellWord(spec.nginx.pidFile);
  const delay = durationMs(spec.kubernetes.edge.preStopDelay) / 1000;
  return ["/bin/sh", "-c", `sleep ${delay}; kill -QUIT "$(cat ${pid})"; while [ -e ${pid} ]; do sleep 0.2; done`];
}

export function buildKubernetesModel(spec: Spec, nginxConf: string): KubernetesDocument[] {
  const k = spec.kubernetes;
  const namespace = k.namespace;
  const labels = (name: string) => ({ "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "edgekit", "app.kubernetes.io/managed-by": "edgekit" });
  const selector = (name: string) => ({ "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "edgekit" });
  const meta = (name: string, component: string) => ({ name, namespace, labels: labels(component) });
  const edge = KUBERNETES_NAMES.edge;
  const b = spec.backend;
  const http3 = spec.tls.enabled && spec.tls.http3;

  const docs: KubernetesDocument[] = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: { "app.kubernetes.io/managed-by": "edgekit" } } }];

  const confName = posix.basename(OUTPUT_PATHS.nginxConf);
  docs.push({ apiVersion: "v1", kind: "ConfigMap", metadata: meta(KUBERNETES_NAMES.nginxConf, edge), data: { [confName]: nginxConf } });

  const ports: ContainerPort[] = [{ name: "http", containerPort: spec.listen.httpPort, protocol: "TCP" }];
  if (spec.tls.enabled) ports.push({ name: "https", containerPort: spec.listen.httpsPort, protocol: "TCP" });
  if (http3) ports.push({ name: "https-udp", containerPort: spec.listen.httpsPort, protocol: "UDP" });

  const exposed = k.edge.serviceType !== "ClusterIP";
  docs.push({
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(edge, edge),
    spec: {
      type: k.edge.serviceType,
      ...(exposed ? { externalTrafficPolicy: "Local" } : {}),
      selector: selector(edge),
      ports: ports.map((p) => ({ name: p.name!, port: p.containerPort, targetPort: p.name!, protocol: p.protocol! })),
    },
  });

  // Volumes: the config, the TLS Secret at the certificate's directory (one volume per directory),
  // and an emptyDir per directory nginx writes.
  const volumes: Volume[] = [{ name: "nginx-conf", configMap: { name: KUBERNETES_NAMES.nginxConf } }];
  const mounts: VolumeMount[] = [{ name: "nginx-conf", mountPath: NGINX_CONFIG_DIR, readOnly: true }];
  if (spec.tls.enabled) {
    // Several secrets can share a directory (the sites' certificates lie in tls.certificate's): a
    // projected volume lays them out side by side; one secret alone is a plain secret volume.
    const files = tlsSecretFiles(spec, k.tlsSecret);
    const dirs = [...new Set(files.map((f) => posix.dirname(f.path)))];
    dirs.forEach((dir, i) => {
      const name = i === 0 ? "tls" : `tls-${i}`;
      const inDir = files.filter((f) => posix.dirname(f.path) === dir);
      const secrets = [...new Set(inDir.map((f) => f.secret))];
      const itemsOf = (secret: string) => inDir.filter((f) => f.secret === secret).map((f) => ({ key: f.key, path: posix.basename(f.path) }));
      volumes.push(
        secrets.length === 1
          ? { name, secret: { secretName: secrets[0]!, items: itemsOf(secrets[0]!), defaultMode: 0o440 } }
          : { name, projected: { sources: secrets.map((secret) => ({ secret: { name: secret, items: itemsOf(secret) } })), defaultMode: 0o440 } },
      );
      mounts.push({ name, mountPath: dir, readOnly: true });
    });
  }
  // The htpasswd files of basic-auth routes: one Secret, a key per file named as compose names the
  // file's secret, mounted where nginx.conf reads them (container.secretsDir). Without it nginx
  // answers 500 to every request of those routes (it opens the file per request).
  const htpasswd = nginxSecrets(spec);
  if (htpasswd.length > 0) {
    const items = htpasswd.map((s) => ({ key: s.name, path: posix.relative(spec.container.secretsDir, s.target) }));
    volumes.push({ name: "htpasswd", secret: { secretName: KUBERNETES_NAMES.htpasswd, items, defaultMode: 0o440 } });
    mounts.push({ name: "htpasswd", mountPath: spec.container.secretsDir, readOnly: true });
  }
  writableDirs(spec).forEach((dir, i) => {
    volumes.push({ name: `writable-${i}`, emptyDir: {} });
    mounts.push({ name: `writable-${i}`, mountPath: dir });
  });

  const podSecurity = (uid: number, lowPorts: boolean) => ({
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" as const },
    // Ports below 1024 without root or capabilities: a namespaced sysctl on Kubernetes' safe list
    // (Docker sets the same for every container).
    ...(lowPorts ? { sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }] } : {}),
  });
  const containerSecurity = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } };
  const resources = (r: typeof k.edge.resources) => ({
    requests: { cpu: r.requests.cpu, memory: r.requests.memory },
    limits: { memory: r.limits.memory, ...(r.limits.cpu === null ? {} : { cpu: r.limits.cpu }) },
  });

  const lowPorts = ports.some((p) => p.containerPort < 1024);
  docs.push({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(edge, edge),
    spec: {
      ...(k.edge.autoscaling.enabled ? {} : { replicas: k.edge.replicas }),
      selector: { matchLabels: selector(edge) },
      // A new pod is ready before an old one goes: a config roll never lowers capacity.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels(edge), annotations: { [CONFIG_CHECKSUM_ANNOTATION]: configChecksum(nginxConf) } },
        spec: {
          securityContext: podSecurity(RUN_AS.nginx, lowPorts),
          terminationGracePeriodSeconds: seconds(k.edge.preStopDelay) + seconds(k.edge.drainTimeout),
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector(edge) } },
          ],
          containers: [
            {
              name: "nginx",
              image: k.images.nginx ?? nginxImage(spec),
              imagePullPolicy: "IfNotPresent",
              // args, not command: the image's entrypoint (the nginx version check) still runs.
              args: ["nginx", "-c", `${NGINX_CONFIG_DIR}/${confName}`, "-g", "daemon off;"],
              ports,
              readinessProbe: {
                exec: { command: ["curl", "-fsS", "-o", "/dev/null", `http://127.0.0.1:${spec.listen.httpPort}${READY_PATH}`] },
                periodSeconds: 5,
                timeoutSeconds: 3,
                failureThreshold: 2,
              },
              livenessProbe: { tcpSocket: { port: "http" }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
              lifecycle: { preStop: { exec: { command: edgePreStop(spec) } } },
              resources: resources(k.edge.resources),
              securityContext: containerSecurity,
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  });

  docs.push({
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta(edge, edge),
    spec: { minAvailable: k.edge.minAvailable, selector: { matchLabels: selector(edge) } },
  });

  if (k.edge.autoscaling.enabled) {
    const a = k.edge.autoscaling;
    docs.push({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: meta(edge, edge),
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: edge },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.targetCpuUtilization } } }],
      },
    });
  }

  docs.push({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(KUBERNETES_NAMES.edgeIngress, edge),
    spec: {
      podSelector: { matchLabels: selector(edge) },
      policyTypes: ["Ingress"],
      // From anywhere, to the edge's ports only.
      ingress: [{ ports: ports.map((p) => ({ protocol: p.protocol!, port: p.containerPort })) }],
    },
  });

  if (b.enabled) {
    const name = b.service;
    docs.push({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(name, name),
      spec: {
        replicas: k.backend.replicas ?? b.replicas,
        selector: { matchLabels: selector(name) },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels: labels(name) },
          spec: {
            securityContext: podSecurity(RUN_AS.backend, b.port < 1024),
            // The delay, then SIGTERM: the backend finishes in-flight requests within shutdownTimeout.
            terminationGracePeriodSeconds: seconds(k.edge.preStopDelay) + seconds(b.shutdownTimeout) + 5,
            containers: [
              {
                name,
                image: k.images.backend ?? b.image,
                imagePullPolicy: "IfNotPresent",
                // The keep-alive and shutdown timeouts the compose file sets (backend-contract), paired with nginx's.
                env: Object.entries(backendEnvironment(spec)).map(([envName, value]) => ({ name: envName, value })),
                ports: [{ name: "http", containerPort: b.port, protocol: "TCP" }],
                readinessProbe: { httpGet: { path: b.healthPath, port: "http" }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
                livenessProbe: { httpGet: { path: b.healthPath, port: "http" }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
                lifecycle: { preStop: { exec: { command: ["sleep", String(durationMs(k.edge.preStopDelay) / 1000)] } } },
                resources: resources(k.backend.resources),
                securityContext: containerSecurity,
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp", emptyDir: {} }],
          },
        },
      },
    });
    // Headless: the name resolves to every ready pod's address, so nginx balances over the replicas itself.
    docs.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(name, name),
      spec: { clusterIP: "None", selector: selector(name), ports: [{ name: "http", port: b.port, targetPort: "http", protocol: "TCP" }] },
    });
    docs.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(KUBERNETES_NAMES.backendFromEdge, name),
      spec: {
        podSelector: { matchLabels: selector(name) },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: selector(edge) } }], ports: [{ protocol: "TCP", port: b.port }] }],
      },
    });
  }
  return docs;
}

/** A file of a kubernetes.io/tls Secret (tls.crt or tls.key) and where nginx reads it. */
interface TlsSecretFile {
  secret: string;
  key: "tls.crt" | "tls.key";
  path: string;
}

/**
 * The TLS Secrets the edge mounts: `kubernetes.tlsSecret` for tls.certificate and tls.certificateKey,
 * and one per certificate a site brings of its own, named `<tlsSecret>-<site>` (`-<n>` from the
 * second on: an ECDSA and an RSA certificate are two Secrets, as `kubectl create secret tls` and
 * cert-manager make them). A site certificate at the same paths as another is that Secret.
 */
export function tlsSecretFiles(spec: Spec, tlsSecret: string): TlsSecretFile[] {
  const files: TlsSecretFile[] = [];
  const byPaths = new Map<string, string>();
  const add = (secret: string, certificate: string, key: string) => {
    const pair = `${certificate}\n${key}`;
    if (byPaths.has(pair)) return;
    byPaths.set(pair, secret);
    files.push({ secret, key: "tls.crt", path: certificate }, { secret, key: "tls.key", path: key });
  };
  add(tlsSecret, spec.tls.certificate, spec.tls.certificateKey);
  const taken = new Set([tlsSecret]);
  for (const [id, site] of Object.entries(spec.sites ?? {})) {
    const own = site.certificates ?? [];
    own.forEach((pair, i) => {
      if (byPaths.has(`${pair.certificate}\n${pair.key}`)) return;
      const base = `${tlsSecret}-${id.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "")}${i === 0 ? "" : `-${i + 1}`}`;
      let name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}-x${n}`;
      taken.add(name);
      add(name, pair.certificate, pair.key);
    });
  }
  return files;
}
