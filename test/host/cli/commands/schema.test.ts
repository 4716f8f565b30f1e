// `edgekit schema`: prints the committed JSON Schema, and that schema documents every field.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli, tempDir } from "../../../support/run-cli.js";

type JsonSchema = Record<string, unknown>;

const committedText = readFileSync(join(repoRoot, "schema", "spec.schema.json"), "utf8");
const committed = JSON.parse(committedText) as JsonSchema;

interface Walked {
  /** JSON-pointer-like location of every property schema visited. */
  properties: string[];
  /** Properties that have no non-empty description. */
  undocumented: string[];
}

/** Visits every property at every depth: properties, items, oneOf/anyOf/allOf, additionalProperties. */
function walk(schema: unknown, at: string, out: Walked): void {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return;
  const node = schema as JsonSchema;
  const properties = node.properties as Record<string, unknown> | undefined;
  if (properties) {
    for (const [name, child] of Object.entries(properties)) {
      const where = `${at}.${name}`;
      out.properties.push(where);
      const description = (child as JsonSchema | null)?.description;
      if (typeof description !== "string" || description.trim().length < 3) out.undocumented.push(where);
      walk(child, where, out);
    }
  }
  const items = node.items;
  if (Array.isArray(items)) items.forEach((item, i) => walk(item, `${at}[${i}]`, out));
  else walk(items, `${at}[]`, out);
  for (const key of ["oneOf", "anyOf", "allOf"] as const) {
    const options = node[key];
    if (Array.isArray(options)) options.forEach((option, i) => walk(option, `${at}<${key}:${i}>`, out));
  }
  if (typeof node.additionalProperties === "object") walk(node.additionalProperties, `${at}{*}`, out);
  for (const key of ["definitions", "$defs"] as const) {
    const defs = node[key] as Record<string, unknown> | undefined;
    if (defs) for (const [name, def] of Object.entries(defs)) walk(def, `#${key}/${name}`, out);
  }
}

describe("edgekit schema", () => {
  it("prints valid JSON equal to the committed schema/spec.schema.json", async () => {
    const result = await runCli(["schema"], { cwd: tempDir() });

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
    const printed = JSON.parse(result.stdout) as JsonSchema;
    expect(printed).toEqual(committed);
    // Same text too (the committed file is the command's output plus a final newline).
    expect(`${result.stdout.trimEnd()}\n`).toBe(committedText);
    expect(printed.$id).toBe("https://edgekit.dev/schema/spec.schema.json");
    expect(printed.$schema).toBe("http://json-schema.org/draft-07/schema#");
    // domain or sites names the edge (either, not both: the schema's refinement says so with a position).
    expect(printed.required).toEqual(["upstreams"]);
    expect(Object.keys(printed.properties ?? {})).toEqual(expect.arrayContaining(["domain", "sites", "upstreams"]));
  });

  it("documents every property at every depth", () => {
    const out: Walked = { properties: [], undocumented: [] };
    walk(committed, "$", out);

    // The walk really went deep: top level, nested objects, records, arrays and the route union.
    expect(out.properties).toEqual(
      expect.arrayContaining([
        "$.domain",
        "$.tls.hsts.maxAge",
        "$.upstreams{*}.servers[].host",
        "$.upstreams{*}.keepalive.timeout",
        "$.metrics.prometheus.scrapeInterval",
      ]),
    );
    expect(out.properties.some((p) => /^\$\.routes\[\]<(oneOf|anyOf):\d+>\.kind$/.test(p))).toBe(true);
    expect(out.properties.some((p) => /^\$\.routes\[\]<(oneOf|anyOf):\d+>\.cache\.valid\[\]\.statuses$/.test(p))).toBe(true);
    expect(out.properties.length).toBeGreaterThan(150);
    expect(out.undocumented).toEqual([]);
  });

  it("the walker catches a property without a description", () => {
    const out: Walked = { properties: [], undocumented: [] };
    walk({ properties: { a: { type: "object", description: "An object.", properties: { b: { type: "string" } } } } }, "$", out);
    expect(out.undocumented).toEqual(["$.a.b"]);
  });
});
