// The edge pod as the manifest describes it, run by Docker (no cluster here): the ConfigMap's
// nginx.conf byte for byte, the image, args, user, read-only root file system with a tmpfs where
// the manifest has an emptyDir, no capabilities, the TLS files where the Secret is mounted. Then
// the manifest's own readiness command, a TCP connect as the liveness probe does, and its preStop
// command under an in-flight request, against what Kubernetes would do without it (SIGTERM).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevCerts } from "../../../src/certs/dev-certs.js";
import { KUBERNETES_NAMES } from "../../../src/model/kubernetes.js";
import { freePort } from "../../support/nginx-harness.js";
import { OUTPUT_PATHS } from "../../../src/plan/layout.js";
import { planEdge } from "../../../src/plan/index.js";
import type { SpecInput } from "../../../src/spec/schema.js";
import { renderTargets } from "../../../src/targets/index.js";
import { request } from "../../../src/verify/http1.js";
import { spec } from "../../support/specs.js";

const dockerUp = (await execa("docker", ["info"], { reject: false })).exitCode === 0;
if (!dockerUp && process.env.CI === "true") throw new Error("Docker is not running, and CI readies it (scripts/docker-ready.sh)");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

const SLOW_MS = 3000;
const work = mkdtempSync(join(tmpdir(), "edgekit-k8s-pod-"));
let slow: http.Server;
let ports: { http: number; https: number; backend: number };
let docs: Doc[];
const started: string[] = [];
/** The dev CA of the pod running now (its certificate is what the TLS Secret would hold). */
let caCert = "";

beforeAll(async () => {
  slow = http.createServer((req, res) => setTimeout(() => res.end(JSON.stringify({ ok: true, url: req.url })), req.url === "/slow" ? SLOW_MS : 0));
  await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
  ports = { http: await freePort(), https: await freePort(), backend: (slow.address() as { port: number }).port };
  const s = spec({
    listen: { httpPort: ports.http, httpsPort: ports.https },
    // Names resolved at start (through --add-host below): following them needs the cluster DNS
    // (kubernetes.dns.resolver), which no container here answers as.
    upstreams: { app: { servers: [{ host: "backend", port: ports.backend }], resolve: { enabled: false } } },
    kubernetes: { enabled: true, edge: { preStopDelay: "1s" } },
  } as Partial<SpecInput>);
  const text = renderTargets(planEdge(s, { specName: "spec.yaml", specDirFromOutput: "." })).find((f) => f.path === OUTPUT_PATHS.kubernetes)!.content;
  docs = parseAllDocuments(text).map((d) => d.toJS());
}, 30_000);

afterAll(async () => {
  for (const name of started) await execa("docker", ["rm", "-f", name], { reject: false });
  await new Promise((r) => slow?.close(r));
  rmSync(work, { recursive: true, force: true });
});

/** `docker run` of the edge Deployment's pod, mapping each of its fields to Docker's equivalent. */
async function runPod(name: string): Promise<Doc> {
  const deployment = docs.find((d) => d.kind === "Deployment" && d.metadata.name === KUBERNETES_NAMES.edge);
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const configMap = docs.find((d) => d.kind === "ConfigMap");
  const dir = join(work, name);
  const volumeArgs: string[] = [];
  for (const mount of container.volumeMounts) {
    const volume = pod.volumes.find((v: Doc) => v.name === mount.name);
    if (volume.emptyDir) {
      volumeArgs.push("--tmpfs", `${mount.mountPath}:uid=${pod.securityContext.runAsUser},gid=${pod.securityContext.fsGroup},mode=0755`);
    } else if (volume.configMap) {
      const path = join(dir, mount.name);
      mkdirSync(path, { recursive: true });
      for (const [key, value] of Object.entries(configMap.data)) writeFileSync(join(path, key), value as string);
      volumeArgs.push("-v", `${path}:${mount.mountPath}:ro`);
    } else if (volume.secret) {
      const path = join(dir, mount.name);
      const items: Doc[] = volume.secret.items;
      const file = (key: string) => items.find((i) => i.key === key).path;
      caCert = readFileSync((await createDevCerts({ dir: path, names: ["app.example.com"], certFile: file("tls.crt"), keyFile: file("tls.key") })).caCert, "utf8");
      // The Secret's files are 0440 and group-owned by fsGroup in the pod; here, readable by the user.
      for (const i of items) chmodSync(join(path, i.path), 0o644);
      volumeArgs.push("-v", `${path}:${mount.mountPath}:ro`);
    }
  }
  const sc = container.securityContext;
  expect(sc).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
  const run = await execa(
    "docker",
    [
      "run", "-d", "--name", name, "--network", "host",
      "--user", `${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`,
      "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
      // The headless Service's name, as the cluster DNS would answer it.
      "--add-host", "backend:127.0.0.1",
      ...volumeArgs,
      container.image, ...container.args,
    ],
    { reject: false, all: true },
  );
  started.push(name);
  expect(run.exitCode, run.all).toBe(0);
  return container;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

const ready = async (name: string, container: Doc) => (await execa("docker", ["exec", name, ...container.readinessProbe.exec.command], { reject: false })).exitCode === 0;
const running = async (name: string) => (await execa("docker", ["inspect", "-f", "{{.State.Running}}", name], { reject: false })).stdout.trim() === "true";
const tcpOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1", () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
  });

const httpsGet = (path: string) => request(`https://127.0.0.1:${ports.https}${path}`, { headers: { host: "app.example.com" }, tls: { ca: caCert, servername: "app.example.com" } }).then(
  (r) => r.status,
  () => -1,
);

describe.skipIf(!dockerUp)("the edge pod of the manifest, run by Docker", () => {
  it("starts non-root on a read-only root file system, and its readiness and liveness probes pass", async () => {
    const name = `edgekit-k8s-pod-${process.pid}-a`;
    const container = await runPod(name);
    const ok = await until(() => ready(name, container), 30_000);
    const logs = await execa("docker", ["logs", name], { reject: false, all: true });
    expect(ok, logs.all).toBe(true);
    expect(await tcpOpen(ports.http)).toBe(true);
    expect(await httpsGet("/x")).toBe(200);
    // It really is read-only outside the emptyDirs, and runs as www-data.
    const probe = await execa("docker", ["exec", name, "sh", "-c", "id -u; touch /etc/nginx/x 2>&1; touch /run/nginx/x && echo writable"], { reject: false, all: true });
    expect(probe.all).toMatch(/^33\n.*Read-only file system[\s\S]*writable$/);
    await execa("docker", ["rm", "-f", name], { reject: false });
  }, 60_000);

  it("preStop keeps serving through the delay, then quits gracefully: the in-flight request completes; SIGTERM alone cuts it", async () => {
    const outcome: Record<string, { inFlight: number; duringDelay: number; stopMs: number }> = {};
    for (const how of ["preStop", "SIGTERM"] as const) {
      const name = `edgekit-k8s-pod-${process.pid}-${how.toLowerCase()}`;
      const container = await runPod(name);
      expect(await until(() => ready(name, container), 30_000)).toBe(true);
      const inFlight = httpsGet("/slow");
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      let duringDelay = 0;
      if (how === "preStop") {
        const hook = execa("docker", ["exec", name, ...container.lifecycle.preStop.exec.command], { reject: false });
        await new Promise((r) => setTimeout(r, 500));
        duringDelay = await httpsGet("/x");
        await hook;
      } else {
        await execa("docker", ["kill", "--signal", "TERM", name], { reject: false });
      }
      expect(await until(async () => !(await running(name)), 15_000)).toBe(true);
      outcome[how] = { inFlight: await inFlight, duringDelay, stopMs: Date.now() - t0 };
    }
    console.log(`[figure] edge pod stop with a ${SLOW_MS} ms request in flight: preStop (1 s delay, SIGQUIT): in-flight ${outcome.preStop!.inFlight}, during the delay ${outcome.preStop!.duringDelay}, stopped in ${outcome.preStop!.stopMs} ms; SIGTERM alone: in-flight ${outcome.SIGTERM!.inFlight} (-1: connection cut), stopped in ${outcome.SIGTERM!.stopMs} ms`);
    expect(outcome.preStop!.duringDelay).toBe(200);
    expect(outcome.preStop!.inFlight).toBe(200);
    expect(outcome.SIGTERM!.inFlight).not.toBe(200);
  }, 120_000);
});
