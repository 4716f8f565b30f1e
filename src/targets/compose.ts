// docker-compose.prod.yml: backend, nginx, exporter and Prometheus (valid for Compose v1 and v2).
import { buildComposeModel } from "../model/compose.js";
import { OUTPUT_PATHS } from "../plan/layout.js";
import { renderYaml } from "../render/yaml.js";
import type { Target } from "./target.js";

export const composeTarget: Target = {
  id: "compose",
  summary: `${OUTPUT_PATHS.compose}: the stack that runs the edge`,
  role: "edge",
  paths: () => [OUTPUT_PATHS.compose],
  render: (plan) => [{ path: OUTPUT_PATHS.compose, content: renderYaml(buildComposeModel(plan.spec, plan.options), plan.options) }],
};
