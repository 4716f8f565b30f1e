// reference/Caddyfile: Caddy configured like the edge, for `edgekit bench` (checked by `caddy validate`).
import { buildCaddyModel } from "../model/caddy.js";
import { OUTPUT_PATHS } from "../plan/layout.js";
import { renderTemplate } from "../render/templates.js";
import type { Target } from "./target.js";

export const caddyTarget: Target = {
  id: "caddy",
  summary: `${OUTPUT_PATHS.caddy}: Caddy configured like the edge, a reference point for the benchmark`,
  role: "reference",
  paths: () => [OUTPUT_PATHS.caddy],
  render: (plan) => [{ path: OUTPUT_PATHS.caddy, content: renderTemplate("caddy/Caddyfile", buildCaddyModel(plan)) }],
};
