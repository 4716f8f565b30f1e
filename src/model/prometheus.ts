// prometheus.yml as a typed object: scrape Prometheus itself, the nginx exporter, and every
// backend container (found by DNS, so replicas are scraped one by one, not through the edge).
import type { Spec } from "../spec/schema.js";
import { EXPORTER_SERVICE } from "../plan/layout.js";

export interface PrometheusModel {
  global: { scrape_interval: string; evaluation_interval: string };
  scrape_configs: Record<string, unknown>[];
}

export function buildPrometheusModel(spec: Spec): PrometheusModel {
  const p = spec.metrics.prometheus;
  const jobs: Record<string, unknown>[] = [
    { job_name: "prometheus", static_configs: [{ targets: [`localhost:${p.port}`] }] },
    { job_name: "nginx", static_configs: [{ targets: [`${EXPORTER_SERVICE}:${spec.metrics.exporter.port}`] }] },
  ];
  if (spec.backend.enabled) {
    jobs.push({
      job_name: "backend",
      metrics_path: spec.backend.metricsPath,
      dns_sd_configs: [{ names: [spec.backend.service], type: "A", port: spec.backend.port, refresh_interval: "30s" }],
    });
  }
  return { global: { scrape_interval: p.scrapeInterval, evaluation_interval: p.scrapeInterval }, scrape_configs: jobs };
}
