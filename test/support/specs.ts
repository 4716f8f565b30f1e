// Spec helpers for tests: parse through the real schema so defaults come from one place.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml, parseDocument } from "yaml";
import { specSchema, type Spec, type SpecInput } from "../../src/spec/schema.js";

export const REPO = join(import.meta.dirname, "..", "..");

export function spec(input: Partial<SpecInput> & Record<string, unknown> = {}): Spec {
  return specSchema.parse({ domain: "app.example.com", upstreams: { app: { servers: [{ host: "backend" }] } }, ...input });
}

export function specFromFile(path: string): Spec {
  return specSchema.parse(parseYaml(readFileSync(path, "utf8")));
}

/** The default spec and every example, by repository-relative path. */
export function allSpecFiles(): string[] {
  return ["spec.yaml", ...readdirSync(join(REPO, "examples")).filter((f) => f.endsWith(".yaml")).sort().map((f) => `examples/${f}`)];
}

/** A spec file's text with nginx.version set to `version` (the spec rendered for that nginx), comments kept. */
export function specTextForVersion(text: string, version: string): string {
  const doc = parseDocument(text);
  doc.setIn(["nginx", "version"], version);
  return doc.toString();
}
