// YAML outputs (compose, prometheus) are typed objects serialised by the yaml library, never templated.
import { Document } from "yaml";
import { generatedNotice, type ModelOptions } from "../model/header.js";

export function renderYaml(value: object, options: Pick<ModelOptions, "specName">): string {
  const doc = new Document(value);
  doc.commentBefore = generatedNotice(options).map((line) => ` ${line}`).join("\n");
  // Every string double-quoted: Compose v1 reads YAML 1.1, where a plain 80:80 is the number 4880
  // and yes/no/on/off are booleans.
  return doc.toString({ lineWidth: 0, indentSeq: true, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" });
}
