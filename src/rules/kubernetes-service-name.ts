import type { Rule } from "./rule.js";

export const kubernetesServiceName: Rule = {
  id: "kubernetes-service-name",
  severity: "error",
  waivable: false,
  summary: "The backend's Service is named backend.service (the host nginx's upstreams use), and a Kubernetes Service name is a DNS label: no '_'.",
  check(spec) {
    if (!spec.kubernetes.enabled || !spec.backend.enabled || !spec.backend.service.includes("_")) return [];
    return [
      {
        path: ["backend", "service"],
        message: `'${spec.backend.service}' cannot name a Kubernetes Service (a DNS label: lower-case letters, digits and '-')`,
        fix: `rename it without '_' (e.g. ${spec.backend.service.replaceAll("_", "")}) here and in the upstream servers`,
      },
    ];
  },
};
