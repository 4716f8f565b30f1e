// Kubernetes manifests: every example's and the default spec's, with kubernetes enabled, validated
// against the Kubernetes API schemas (kubernetes-models, offline); the ConfigMap holds the nginx
// target's nginx.conf but for the upstream names nginx follows (asked of the cluster DNS) and its
// checksum rolls the pods; security context, probes,
// shutdown, disruption budget and autoscaler are what the model promises.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { CONFIG_CHECKSUM_ANNOTATION, KUBERNETES_NAMES, writableDirs } from "../../../src/model/kubernetes.js";
import { OUTPUT_PATHS, READY_PATH } from "../../../src/plan/layout.js";
import { planEdge } from "../../../src/plan/index.js";
import { specSchema, type Spec, type SpecInput } from "../../../src/spec/schema.js";
import { CLUSTER_DNS_SERVICE } from "../../../src/spec/kubernetes.js";
import { durationMs } from "../../../src/spec/values.js";
import { renderNginxConf, renderTargets } from "../../../src/targets/index.js";
import { DEFAULT_NGINX_VERSION } from "../../../src/nginx-features/index.js";
import { KUBERNETES_MODELS } from "../../support/spec-arbitrary.js";
import { allSpecFiles, REPO, spec, specFromFile } from "../../support/specs.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." };

// Parsed manifests, read field by field (the schemas check their shape).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

const MODELS = KUBERNETES_MODELS;

function withKubernetes(s: Spec, kubernetes: Record<string, unknown> = {}): Spec {
  return specSchema.parse({ ...s, kubernetes: { ...s.kubernetes, enabled: true, ...kubernetes } });
}

function render(s: Spec): { files: Map<string, string>; docs: Doc[] } {
  const files = new Map(renderTargets(planEdge(s, OPTIONS)).map((f) => [f.path, f.content]));
  const text = files.get(OUTPUT_PATHS.kubernetes);
  const docs = text === undefined ? [] : parseAllDocuments(text).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS();
  });
  return { files, docs };
}

const find = (docs: Doc[], kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
const edgeDeployment = (docs: Doc[]) => find(docs, "Deployment", KUBERNETES_NAMES.edge);
const nginxContainer = (docs: Doc[]) => edgeDeployment(docs).spec.template.spec.containers[0];

describe("every spec's manifests validate against the Kubernetes schemas", () => {
  it.each(allSpecFiles())("%s", (file) => {
    const s = withKubernetes(specFromFile(join(REPO, file)));
    const { files, docs } = render(s);
    expect(docs.length).toBeGreaterThanOrEqual(7);
    for (const doc of docs) {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model, `${doc.apiVersion} ${doc.kind}`).toBeDefined();
      expect(() => new Model!(doc as never).validate(), `${doc.kind} ${doc.metadata.name}`).not.toThrow();
      if (doc.kind !== "Namespace") expect(doc.metadata.namespace).toBe(s.kubernetes.namespace);
    }
    // The namespace comes first, so one `kubectl apply` creates it before what lives in it.
    expect(docs[0].kind).toBe("Namespace");
    // The ConfigMap's nginx.conf is the nginx target's file line for line, but for the upstream
    // names nginx follows: their resolver is the cluster DNS, a one-label name the namespace's Service.
    const conf = find(docs, "ConfigMap", KUBERNETES_NAMES.nginxConf).data["nginx.conf"];
    expect(conf).toBe(renderNginxConf(s, OPTIONS, "kubernetes"));
    const composeLines = files.get(OUTPUT_PATHS.nginxConf)!.split("\n");
    const podLines = conf.split("\n");
    expect(podLines.length).toBe(composeLines.length);
    const changed = podLines.filter((line: string, i: number) => line !== composeLines[i]);
    for (const line of changed) expect(line).toMatch(new RegExp(`^ +(resolver ${s.kubernetes.dns.resolver} valid=|server \\S+\\.${s.kubernetes.namespace}\\.svc\\.cluster\\.local:\\d+ .* resolve;$)`));
    if (s.nginx.version === DEFAULT_NGINX_VERSION && s.backend.enabled) expect(changed.length).toBeGreaterThanOrEqual(2);
    expect(edgeDeployment(docs).spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION]).toBe(createHash("sha256").update(conf).digest("hex"));
    // Every directory the rendered nginx.conf writes lies under an emptyDir: the root is read-only.
    const mounts: Doc[] = nginxContainer(docs).volumeMounts;
    const volumes: Doc[] = edgeDeployment(docs).spec.template.spec.volumes;
    const emptyDirMounts = mounts.filter((m) => volumes.find((v) => v.name === m.name).emptyDir !== undefined).map((m) => m.mountPath);
    const written = [...conf.matchAll(/^\s*(?:pid|client_body_temp_path|proxy_temp_path|proxy_cache_path) ([^\s;]+)/gm)].map((m) => m[1]!);
    // Debian's nginx creates its compiled-in temp paths (/var/lib/nginx/body, ...) at every start.
    written.push("/var/lib/nginx/body");
    for (const path of written) {
      expect(emptyDirMounts.some((m: string) => path === m || path.startsWith(`${m}/`)), `${path} under an emptyDir (${emptyDirMounts.join(", ")})`).toBe(true);
    }
    expect(written.length).toBeGreaterThanOrEqual(2);
  });
});

describe("the schema check itself", () => {
  it("rejects a wrong type, a wrong enum value and a missing required field (so a pass above means something)", () => {
    const { docs } = render(withKubernetes(spec()));
    const broken = (change: (d: Doc) => void, kind: string) => {
      const doc = structuredClone(docs.find((d) => d.kind === kind));
      change(doc);
      return () => new MODELS[`${doc.apiVersion}/${doc.kind}`]!(doc as never).validate();
    };
    expect(broken((d) => (d.spec.template.spec.containers[0].ports[0].containerPort = "80"), "Deployment")).toThrow(/containerPort must be integer/);
    expect(broken((d) => (d.spec.template.spec.securityContext.seccompProfile.type = "Default"), "Deployment")).toThrow(/allowed values/);
    expect(broken((d) => delete d.spec.scaleTargetRef, "HorizontalPodAutoscaler")).toThrow(/scaleTargetRef/);
  });
});

describe("kubernetes target", () => {
  it("is off by default, and turning it on changes no other output", () => {
    const off = render(spec());
    expect(off.files.has(OUTPUT_PATHS.kubernetes)).toBe(false);
    const on = render(withKubernetes(spec()));
    for (const [path, content] of off.files) expect(on.files.get(path), path).toBe(content);
    expect([...on.files.keys()].filter((p) => !off.files.has(p))).toEqual([OUTPUT_PATHS.kubernetes]);
  });

  it("starts with the generated-by notice", () => {
    expect(render(withKubernetes(spec())).files.get(OUTPUT_PATHS.kubernetes)!.startsWith("# Generated by edgekit from spec.yaml.")).toBe(true);
  });

  it("changes the checksum annotation when nginx.conf changes, and not otherwise", () => {
    const checksum = (s: Spec) => edgeDeployment(render(s).docs).spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION];
    const base = withKubernetes(spec());
    const a = checksum(base);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(withKubernetes(spec()))).toBe(a);
    // Kubernetes-only changes leave nginx.conf, and so the pods, alone.
    expect(checksum(withKubernetes(spec(), { edge: { replicas: 3, autoscaling: { enabled: false } } }))).toBe(a);
    // The namespace is in the names nginx follows (backend.<namespace>.svc.cluster.local): it rolls them.
    expect(checksum(withKubernetes(spec(), { namespace: "other" }))).not.toBe(a);
    expect(checksum(withKubernetes(spec({ upstreams: { app: { servers: [{ host: "backend" }], resolve: { enabled: false } } } } as Partial<SpecInput>), { namespace: "other" }))).toBe(
      checksum(withKubernetes(spec({ upstreams: { app: { servers: [{ host: "backend" }], resolve: { enabled: false } } } } as Partial<SpecInput>))),
    );
    expect(checksum(withKubernetes(spec({ backend: { replicas: 4 } } as Partial<SpecInput>)))).toBe(a);
    // A change to nginx.conf rolls them.
    expect(checksum(withKubernetes(spec({ client: { keepalive: { timeout: "30s" } } } as Partial<SpecInput>)))).not.toBe(a);
  });

  it("runs nginx non-root on a read-only root file system, with no capabilities", () => {
    const { docs } = render(withKubernetes(spec()));
    const pod = edgeDeployment(docs).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 33, runAsGroup: 33, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.securityContext.runAsUser).not.toBe(0);
    // Ports 80 and 443 without root: the namespaced, safe sysctl.
    expect(pod.securityContext.sysctls).toEqual([{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }]);
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
    // Unprivileged ports need no sysctl.
    const high = render(withKubernetes(spec({ listen: { httpPort: 8080, httpsPort: 8443 } } as Partial<SpecInput>))).docs;
    expect(edgeDeployment(high).spec.template.spec.securityContext.sysctls).toBeUndefined();
  });

  it("gives nginx an emptyDir for every directory it writes, including the spec's own tempDir, cache and log paths", () => {
    const s = withKubernetes(spec({ nginx: { tempDir: "/tmp/nginx", pidFile: "/var/run/edge/nginx.pid" }, logging: { access: { path: "/var/log/edge/access.log" } }, cache: { path: "/data/cache" } } as Partial<SpecInput>));
    expect(writableDirs(s)).toEqual(["/data/cache", "/tmp/nginx", "/var/lib/nginx", "/var/log/edge", "/var/run/edge"]);
    // The image's access.log and error.log are links to stdout and stderr: no writable directory for them.
    expect(writableDirs(withKubernetes(spec()))).toEqual(["/run/nginx", "/var/cache/nginx/edgekit", "/var/lib/nginx"]);
    // A directory under another one is held by the outer emptyDir.
    expect(writableDirs(withKubernetes(spec({ nginx: { tempDir: "/var/lib/nginx/edge" } } as Partial<SpecInput>)))).toEqual(["/run/nginx", "/var/cache/nginx/edgekit", "/var/lib/nginx"]);
  });

  it("probes readiness from inside the pod (the ready location is loopback only) and liveness on the http port", () => {
    const s = withKubernetes(spec());
    const c = nginxContainer(render(s).docs);
    expect(c.readinessProbe.exec.command).toEqual(["curl", "-fsS", "-o", "/dev/null", `http://127.0.0.1:${s.listen.httpPort}${READY_PATH}`]);
    expect(c.readinessProbe.httpGet).toBeUndefined();
    expect(c.livenessProbe.tcpSocket).toEqual({ port: "http" });
    expect(c.livenessProbe.failureThreshold * c.livenessProbe.periodSeconds).toBeGreaterThan(c.readinessProbe.failureThreshold * c.readinessProbe.periodSeconds);
  });

  it("stops nginx gracefully: waits for endpoint removal, sends SIGQUIT itself and waits, within the grace period", () => {
    const s = withKubernetes(spec(), { edge: { preStopDelay: "7s", drainTimeout: "20s" } });
    const { docs } = render(s);
    const command: string[] = nginxContainer(docs).lifecycle.preStop.exec.command;
    expect(command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(command[2]).toBe(`sleep 7; kill -QUIT "$(cat '/run/nginx/nginx.pid')"; while [ -e '/run/nginx/nginx.pid' ]; do sleep 0.2; done`);
    const grace = edgeDeployment(docs).spec.template.spec.terminationGracePeriodSeconds;
    expect(grace).toBe(27);
    expect(grace).toBeGreaterThan(durationMs(s.kubernetes.edge.preStopDelay) / 1000);
    // Rolling a new config never lowers capacity.
    expect(edgeDeployment(docs).spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
  });

  it("keeps minAvailable below the fewest replicas, and the autoscaler owns the replica count", () => {
    const s = withKubernetes(spec());
    const { docs } = render(s);
    const hpa = find(docs, "HorizontalPodAutoscaler", KUBERNETES_NAMES.edge);
    const pdb = find(docs, "PodDisruptionBudget", KUBERNETES_NAMES.edge);
    expect(hpa.apiVersion).toBe("autoscaling/v2");
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: KUBERNETES_NAMES.edge });
    expect(hpa.spec.metrics[0].resource).toEqual({ name: "cpu", target: { type: "Utilization", averageUtilization: 70 } });
    expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
    expect(pdb.spec.selector.matchLabels).toEqual(edgeDeployment(docs).spec.selector.matchLabels);
    expect(edgeDeployment(docs).spec.replicas).toBeUndefined();
    // Utilization is a share of the request: the request must be there.
    expect(nginxContainer(docs).resources.requests.cpu).toBe("250m");

    const fixed = render(withKubernetes(spec(), { edge: { replicas: 3, autoscaling: { enabled: false } } })).docs;
    expect(edgeDeployment(fixed).spec.replicas).toBe(3);
    expect(find(fixed, "HorizontalPodAutoscaler", KUBERNETES_NAMES.edge)).toBeUndefined();
  });

  it("refuses a disruption budget no drain could satisfy, and min above max", () => {
    const parse = (edge: Record<string, unknown>) => specSchema.safeParse({ domain: "a.example.com", upstreams: { app: { servers: [{ host: "backend" }] } }, kubernetes: { enabled: true, edge } });
    const tooMany = parse({ minAvailable: 2 });
    expect(tooMany.success).toBe(false);
    expect(tooMany.error!.issues[0]!.path).toEqual(["kubernetes", "edge", "minAvailable"]);
    expect(parse({ minAvailable: 1, replicas: 1, autoscaling: { enabled: false } }).success).toBe(false);
    expect(parse({ minAvailable: 0, replicas: 1, autoscaling: { enabled: false } }).success).toBe(true);
    expect(parse({ autoscaling: { minReplicas: 4, maxReplicas: 3 } }).success).toBe(false);
  });

  it("mounts the TLS Secret where tls.certificate and tls.certificateKey point", () => {
    const { docs } = render(withKubernetes(spec({ tls: { certificate: "/etc/edge/tls/cert.pem", certificateKey: "/etc/edge/tls/key.pem" } } as Partial<SpecInput>)));
    const pod = edgeDeployment(docs).spec.template.spec;
    expect(pod.volumes.find((v: Doc) => v.name === "tls").secret).toEqual({ secretName: "edge-tls", items: [{ key: "tls.crt", path: "cert.pem" }, { key: "tls.key", path: "key.pem" }], defaultMode: 0o440 });
    expect(pod.containers[0].volumeMounts.find((m: Doc) => m.name === "tls")).toEqual({ name: "tls", mountPath: "/etc/edge/tls", readOnly: true });
    const plain = render(withKubernetes(spec({ tls: { enabled: false } } as Partial<SpecInput>))).docs;
    expect(edgeDeployment(plain).spec.template.spec.volumes.some((v: Doc) => v.secret)).toBe(false);
    expect(find(plain, "Service", KUBERNETES_NAMES.edge).spec.ports.map((p: Doc) => p.name)).toEqual(["http"]);
  });

  it("mounts a site's own certificates too: a Secret per certificate, projected beside tls.certificate's (else nginx can't start in a pod)", () => {
    const { docs, files } = render(withKubernetes(specFromFile(join(REPO, "examples/saas.yaml"))));
    const pod = edgeDeployment(docs).spec.template.spec;
    const tls = pod.volumes.find((v: Doc) => v.name === "tls");
    expect(tls.secret).toBeUndefined();
    expect(tls.projected).toEqual({
      sources: [
        { secret: { name: "edge-tls", items: [{ key: "tls.crt", path: "fullchain.pem" }, { key: "tls.key", path: "privkey.pem" }] } },
        { secret: { name: "edge-tls-api", items: [{ key: "tls.crt", path: "api-ecdsa.pem" }, { key: "tls.key", path: "api-ecdsa.key" }] } },
        { secret: { name: "edge-tls-api-2", items: [{ key: "tls.crt", path: "api-rsa.pem" }, { key: "tls.key", path: "api-rsa.key" }] } },
      ],
      defaultMode: 0o440,
    });
    expect(pod.containers[0].volumeMounts.find((m: Doc) => m.name === "tls")).toEqual({ name: "tls", mountPath: "/etc/nginx/certs", readOnly: true });
    // Every certificate file nginx.conf names is one the pod has.
    const conf = files.get(OUTPUT_PATHS.nginxConf)!;
    const named = [...conf.matchAll(/ssl_certificate(?:_key)? ([^;]+);/g)].map((m) => m[1]!.replace(/^"|"$/g, ""));
    const mounted = tls.projected.sources.flatMap((s: Doc) => s.secret.items.map((i: Doc) => `/etc/nginx/certs/${i.path}`));
    expect(named.length).toBeGreaterThan(0);
    for (const file of named) expect(mounted).toContain(file);
  });

  it("mounts each htpasswd file of a basic-auth route where nginx.conf reads it (else every request there is a 500)", () => {
    const routes = [
      { kind: "api", path: "/admin/", auth: { basic: { file: "secrets/admin.htpasswd" } } },
      { kind: "api", path: "/ops/", auth: { basic: { file: "secrets/ops.htpasswd" } } },
      { kind: "api", path: "/again/", auth: { basic: { file: "./secrets/admin.htpasswd" } } },
      { kind: "api", path: "/" },
    ];
    const { files, docs } = render(withKubernetes(spec({ routes } as Partial<SpecInput>)));
    const pod = edgeDeployment(docs).spec.template.spec;
    const volume = pod.volumes.find((v: Doc) => v.name === "htpasswd");
    expect(volume.secret.secretName).toBe(KUBERNETES_NAMES.htpasswd);
    expect(volume.secret.defaultMode).toBe(0o440);
    const mount = pod.containers[0].volumeMounts.find((m: Doc) => m.name === "htpasswd");
    expect(mount).toEqual({ name: "htpasswd", mountPath: "/run/secrets", readOnly: true });
    // Every file nginx.conf names is one item of the mounted Secret, and nothing else is.
    const named = [...files.get(OUTPUT_PATHS.nginxConf)!.matchAll(/auth_basic_user_file (\S+);/g)].map((m) => m[1]!);
    const mounted = volume.secret.items.map((i: Doc) => `${mount.mountPath}/${i.path}`);
    expect(named).toHaveLength(3);
    expect([...new Set(named)].sort()).toEqual([...mounted].sort());
    expect(volume.secret.items).toHaveLength(2);
    // Another secretsDir moves the mount with the files.
    const moved = render(withKubernetes(spec({ routes, container: { secretsDir: "/etc/nginx/auth" } } as Partial<SpecInput>))).docs;
    expect(nginxContainer(moved).volumeMounts.find((m: Doc) => m.name === "htpasswd").mountPath).toBe("/etc/nginx/auth");
    // No basic auth, no Secret to create.
    expect(edgeDeployment(render(withKubernetes(spec())).docs).spec.template.spec.volumes.some((v: Doc) => v.name === "htpasswd")).toBe(false);
  });

  it("opens the edge on its ports, HTTP/3's UDP too, keeping the client's address", () => {
    const { docs } = render(withKubernetes(spec({ nginx: { version: "1.30.6" }, tls: { http3: true } } as Partial<SpecInput>)));
    const svc = find(docs, "Service", KUBERNETES_NAMES.edge);
    expect(svc.spec.type).toBe("LoadBalancer");
    expect(svc.spec.externalTrafficPolicy).toBe("Local");
    expect(svc.spec.ports).toEqual([
      { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
      { name: "https", port: 443, targetPort: "https", protocol: "TCP" },
      { name: "https-udp", port: 443, targetPort: "https-udp", protocol: "UDP" },
    ]);
    expect(find(docs, "NetworkPolicy", KUBERNETES_NAMES.edgeIngress).spec.ingress).toEqual([
      { ports: [{ protocol: "TCP", port: 80 }, { protocol: "TCP", port: 443 }, { protocol: "UDP", port: 443 }] },
    ]);
    const internal = find(render(withKubernetes(spec(), { edge: { serviceType: "ClusterIP" } })).docs, "Service", KUBERNETES_NAMES.edge);
    expect(internal.spec.externalTrafficPolicy).toBeUndefined();
  });

  it("runs the backend behind a headless Service named as nginx's upstream host, reachable only from the edge, keep-alive paired", () => {
    const s = withKubernetes(spec({ backend: { replicas: 3 } } as Partial<SpecInput>));
    const { docs } = render(s);
    const svc = find(docs, "Service", s.backend.service);
    expect(svc.spec.clusterIP).toBe("None");
    expect(Object.values(s.upstreams).flatMap((u) => u.servers.map((x) => x.host))).toContain(svc.metadata.name);
    const deployment = find(docs, "Deployment", s.backend.service);
    expect(deployment.spec.replicas).toBe(3);
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    const env = Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((e: Doc) => [e.name, e.value]));
    // The backend keeps an idle socket open longer than nginx's upstream pool does.
    for (const u of Object.values(s.upstreams)) expect(Number(env.EDGEKIT_KEEP_ALIVE_TIMEOUT_MS)).toBeGreaterThan(durationMs(u.keepalive.timeout));
    expect(Number(env.EDGEKIT_HEADERS_TIMEOUT_MS)).toBeGreaterThan(Number(env.EDGEKIT_KEEP_ALIVE_TIMEOUT_MS));
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(env.EDGEKIT_SHUTDOWN_TIMEOUT_MS));
    expect(deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    const policy = find(docs, "NetworkPolicy", KUBERNETES_NAMES.backendFromEdge);
    expect(policy.spec.podSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: edgeDeployment(docs).spec.selector.matchLabels } }], ports: [{ protocol: "TCP", port: s.backend.port }] }]);

    // nginx follows the Service's pods by the cluster DNS (its resolver applies no search domains).
    const conf = find(docs, "ConfigMap", KUBERNETES_NAMES.nginxConf).data["nginx.conf"];
    expect(conf).toContain(`resolver ${CLUSTER_DNS_SERVICE} valid=5s;`);
    expect(conf).toContain(`server ${svc.metadata.name}.${s.kubernetes.namespace}.svc.cluster.local:${s.backend.port} `);
    const ip = render(withKubernetes(spec({ upstreams: { app: { servers: [{ host: "10.1.2.3" }, { host: "api.internal" }] } } } as Partial<SpecInput>), { dns: { resolver: "10.96.0.10", clusterDomain: "k8s.example" } })).docs;
    const ipConf = find(ip, "ConfigMap", KUBERNETES_NAMES.nginxConf).data["nginx.conf"];
    expect(ipConf).toContain("resolver 10.96.0.10 valid=5s;");
    expect(ipConf).toContain("server 10.1.2.3:3000 weight=1 max_fails=3 fail_timeout=10s;");
    expect(ipConf).toContain("server api.internal:3000 weight=1 max_fails=3 fail_timeout=10s resolve;");

    const none = render(withKubernetes(spec({ backend: { enabled: false } } as Partial<SpecInput>))).docs;
    expect(none.filter((d: Doc) => d.metadata.labels?.["app.kubernetes.io/name"] === "backend")).toEqual([]);
  });

  it("takes the images from the kubernetes section, else from the compose file's", () => {
    const c = (k: Record<string, unknown>) => nginxContainer(render(withKubernetes(spec(), k)).docs).image;
    expect(c({})).toMatch(/^edgekit-nginx:/);
    expect(c({ images: { nginx: "registry.example.com/edge/nginx:1.30.6" } })).toBe("registry.example.com/edge/nginx:1.30.6");
  });
});
