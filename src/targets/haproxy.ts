// reference/haproxy.cfg: HAProxy configured like the edge, for `edgekit bench` (checked by `haproxy -c`).
import { buildHaproxyModel } from "../model/haproxy.js";
import { OUTPUT_PATHS } from "../plan/layout.js";
import { renderTemplate } from "../render/templates.js";
import type { Target } from "./target.js";

export const haproxyTarget: Target = {
  id: "haproxy",
  summary: `${OUTPUT_PATHS.haproxy}: HAProxy configured like the edge, a reference point for the benchmark`,
  role: "reference",
  paths: () => [OUTPUT_PATHS.haproxy],
  render: (plan) => [{ path: OUTPUT_PATHS.haproxy, content: renderTemplate("haproxy/haproxy.cfg", buildHaproxyModel(plan)) }],
};
