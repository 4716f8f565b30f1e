import { z } from "zod";
import { specSchema } from "./schema.js";

export const SCHEMA_ID = "https://edgekit.dev/schema/spec.schema.json";

/** The JSON Schema editors use to complete and check spec.yaml (draft-07: widest editor support). */
export function specJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(specSchema, { io: "input", target: "draft-7" }) as Record<string, unknown>;
  return { $schema: schema.$schema, $id: SCHEMA_ID, title: "edgekit spec", ...schema };
}

export function specJsonSchemaText(): string {
  return `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
}
