// reference/haproxy.cfg: HAProxy configured like the edge, for `edgekit bench` (checked by `haproxy -c`).
import { buildHaproxyModel } from "../model/haproxy.js";
import { OUTPUT_PATHS } from "../plan/layout.js";
import { templates, tidy } from "../render/templates.js";
import type { Target } from "./target.js";

export const haproxyTarget: Target = {
  id: "haproxy",
  summary: `${OUTPUT_PATHS.haproxy}: HAProxy configured like the edge, a reference point for the benchmark`,
  role: "reference",
  paths: () => [OUTPUT_PATHS.haproxy],
  render: (plan) => {
    const template = templates().get("haproxy/haproxy.cfg");
    if (!template) throw new Error("template haproxy/haproxy.cfg is missing");
    return [{ path: OUTPUT_PATHS.haproxy, content: tidy(template(buildHaproxyModel(plan))) }];
  },
};
