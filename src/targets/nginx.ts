// nginx/nginx.conf: the nginx render model laid out by the handlebars templates in templates/nginx.
import { buildNginxModel } from "../model/nginx.js";
import type { ModelOptions } from "../model/header.js";
import type { NginxPlatform } from "../model/nginx-resolve.js";
import { OUTPUT_PATHS } from "../plan/layout.js";
import { renderTemplate } from "../render/templates.js";
import type { Spec } from "../spec/schema.js";
import type { Target } from "./target.js";

/** nginx.conf for compose and Swarm ("docker", the nginx target's file) or a Kubernetes pod (the ConfigMap's). */
export function renderNginxConf(spec: Spec, options: ModelOptions, platform: NginxPlatform = "docker"): string {
  return renderTemplate("nginx/nginx.conf", buildNginxModel(spec, options, platform));
}

export const nginxTarget: Target = {
  id: "nginx",
  summary: `${OUTPUT_PATHS.nginxConf}: the edge itself`,
  role: "edge",
  paths: () => [OUTPUT_PATHS.nginxConf],
  render: (plan) => [{ path: OUTPUT_PATHS.nginxConf, content: renderNginxConf(plan.spec, plan.options) }],
};
