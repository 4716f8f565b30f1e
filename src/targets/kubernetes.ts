// deploy/kubernetes/edgekit.yaml: the same edge as Kubernetes manifests (only when kubernetes.enabled).
import { buildKubernetesModel } from "../model/kubernetes.js";
import { OUTPUT_PATHS } from "../plan/layout.js";
import { renderYamlDocuments } from "../render/yaml.js";
import { renderNginxConf } from "./nginx.js";
import type { Target } from "./target.js";

export const kubernetesTarget: Target = {
  id: "kubernetes",
  summary: `${OUTPUT_PATHS.kubernetes}: Kubernetes manifests of the edge (when kubernetes is enabled)`,
  role: "edge",
  paths: (plan) => (plan.spec.kubernetes.enabled ? [OUTPUT_PATHS.kubernetes] : []),
  render: (plan) =>
    plan.spec.kubernetes.enabled
      ? [{ path: OUTPUT_PATHS.kubernetes, content: renderYamlDocuments(buildKubernetesModel(plan.spec, renderNginxConf(plan.spec, plan.options, "kubernetes")), plan.options) }]
      : [],
};
