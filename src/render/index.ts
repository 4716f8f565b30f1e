// Stage 5: render models into files. One function per output file, one index of which files exist.
import { Document } from "yaml";
import { buildComposeModel } from "../model/compose.js";
import { generatedNotice, type ModelOptions } from "../model/header.js";
import { buildNginxModel } from "../model/nginx.js";
import { buildPrometheusModel } from "../model/prometheus.js";
import type { Spec } from "../spec/schema.js";
import { templates, tidy } from "./templates.js";

export interface RenderedFile {
  /** POSIX path relative to the output directory. */
  path: string;
  content: string;
}

export function renderNginxConf(spec: Spec, options: ModelOptions): string {
  const template = templates().get("nginx/nginx.conf");
  if (!template) throw new Error("template nginx/nginx.conf is missing");
  return tidy(template(buildNginxModel(spec, options)));
}

export function renderYaml(value: object, options: Pick<ModelOptions, "specName">): string {
  const doc = new Document(value);
  doc.commentBefore = generatedNotice(options).map((line) => ` ${line}`).join("\n");
  // Every string double-quoted: Compose v1 reads YAML 1.1, where a plain 80:80 is the number 4880
  // and yes/no/on/off are booleans.
  return doc.toString({ lineWidth: 0, indentSeq: true, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" });
}

export function renderAll(spec: Spec, options: ModelOptions): RenderedFile[] {
  const files: RenderedFile[] = [
    { path: "nginx/nginx.conf", content: renderNginxConf(spec, options) },
    { path: "docker-compose.prod.yml", content: renderYaml(buildComposeModel(spec, options), options) },
  ];
  if (spec.metrics.enabled) files.push({ path: "prometheus.yml", content: renderYaml(buildPrometheusModel(spec), options) });
  return files;
}
