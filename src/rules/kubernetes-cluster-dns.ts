import type { Rule } from "./rule.js";

/** Docker's embedded DNS server: in compose and Swarm containers only. */
const DOCKER_DNS = "127.0.0.11";

export const kubernetesClusterDns: Rule = {
  id: "kubernetes-cluster-dns",
  severity: "warning",
  summary:
    "In a Kubernetes pod there is no Docker DNS at 127.0.0.11: nginx's resolver (OCSP stapling) must be the cluster DNS Service's address, which differs per cluster; the ConfigMap holds the same nginx.conf as compose, so one spec serves one of them right.",
  check(spec) {
    if (!spec.kubernetes.enabled || !spec.tls.enabled || !spec.tls.ocspStapling.enabled) return [];
    const i = spec.tls.ocspStapling.resolvers.indexOf(DOCKER_DNS);
    if (i < 0) return [];
    return [
      {
        path: ["tls", "ocspStapling", "resolvers", i],
        message: `${DOCKER_DNS} is Docker's embedded DNS: in the Kubernetes pods nothing answers there, so nginx staples no OCSP response`,
        fix: "use the cluster DNS Service's address (kubectl -n kube-system get service kube-dns -o jsonpath='{.spec.clusterIP}': 10.96.0.10 on kubeadm and kind), keeping a separate spec for compose",
      },
    ];
  },
};
