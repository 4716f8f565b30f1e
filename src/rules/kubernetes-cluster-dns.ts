import { DOCKER_DNS } from "../spec/resolve.js";
import type { Rule, RuleFinding } from "./rule.js";

export const kubernetesClusterDns: Rule = {
  id: "kubernetes-cluster-dns",
  severity: "warning",
  summary:
    "In a Kubernetes pod there is no Docker DNS at 127.0.0.11: nginx's resolvers (OCSP stapling; kubernetes.dns.resolver for upstream names it follows) must be the cluster DNS; the ConfigMap holds compose's OCSP resolver, so one spec serves one of them right.",
  check(spec) {
    if (!spec.kubernetes.enabled) return [];
    const found: RuleFinding[] = [];
    if (spec.kubernetes.dns.resolver === DOCKER_DNS) {
      found.push({
        path: ["kubernetes", "dns", "resolver"],
        message: `${DOCKER_DNS} is Docker's embedded DNS: in the Kubernetes pods nothing answers there, so nginx never learns the backend pods' addresses`,
        fix: "leave the default (the cluster DNS Service by name), or give its address (kubectl -n kube-system get service kube-dns -o jsonpath='{.spec.clusterIP}')",
      });
    }
    if (!spec.tls.enabled || !spec.tls.ocspStapling.enabled) return found;
    const i = spec.tls.ocspStapling.resolvers.indexOf(DOCKER_DNS);
    if (i < 0) return found;
    return [
      ...found,
      {
        path: ["tls", "ocspStapling", "resolvers", i],
        message: `${DOCKER_DNS} is Docker's embedded DNS: in the Kubernetes pods nothing answers there, so nginx staples no OCSP response`,
        fix: "use the cluster DNS Service's address (kubectl -n kube-system get service kube-dns -o jsonpath='{.spec.clusterIP}': 10.96.0.10 on kubeadm and kind), keeping a separate spec for compose",
      },
    ];
  },
};
