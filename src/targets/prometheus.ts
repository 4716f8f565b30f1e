// prometheus.yml: scrape jobs for the exporter and every backend replica (only when metrics are on).
import { buildPrometheusModel } from "../model/prometheus.js";
import { OUTPUT_PATHS } from "../plan/layout.js";
import { renderYaml } from "../render/yaml.js";
import type { Target } from "./target.js";

export const prometheusTarget: Target = {
  id: "prometheus",
  summary: `${OUTPUT_PATHS.prometheus}: what Prometheus scrapes (when metrics are enabled)`,
  role: "edge",
  paths: (plan) => (plan.spec.metrics.enabled ? [OUTPUT_PATHS.prometheus] : []),
  render: (plan) => (plan.spec.metrics.enabled ? [{ path: OUTPUT_PATHS.prometheus, content: renderYaml(buildPrometheusModel(plan.spec), plan.options) }] : []),
};
