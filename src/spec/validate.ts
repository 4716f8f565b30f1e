// Stage 2: plain data -> typed Spec with defaults applied, or every schema problem at once.
import type { z } from "zod";
import { visible, type Diagnostic, type SpecPath } from "../diagnostics.js";
import type { LoadedSpec } from "./load.js";
import { specSchema, type Spec } from "./schema.js";

export type SchemaResult = { ok: true; spec: Spec } | { ok: false; diagnostics: Diagnostic[] };

export function validateSchema(loaded: Pick<LoadedSpec, "data" | "locate">, file = "spec.yaml"): SchemaResult {
  const result = specSchema.safeParse(loaded.data);
  if (result.success) return { ok: true, spec: result.data };
  const diagnostics = result.error.issues.flatMap((issue) => toDiagnostics(issue, loaded, file));
  return { ok: false, diagnostics };
}

type Issue = z.core.$ZodIssue;

function toDiagnostics(issue: Issue, loaded: Pick<LoadedSpec, "data" | "locate">, file: string): Diagnostic[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const make = (p: SpecPath, message: string, key?: string): Diagnostic => ({
    severity: "error",
    code: "schema",
    path: key === undefined ? p : [...p, key],
    message,
    file,
    position: loaded.locate(p, key),
  });

  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(path, loaded.data);
      const hint = allowed.length ? `; allowed here: ${allowed.join(", ")}` : "";
      // Where the escape hatch exists, say so: the need may be real and only the field missing.
      const hatch = allowed.includes("raw") ? ". edgekit has no such field; nginx directives it does not model go in raw (README: Escape hatch; Not yet supported)" : "";
      return issue.keys.map((key) => make(path, `unknown field '${visible(key)}'${hint}${hatch}`, key));
    }
    case "invalid_type": {
      const received = describeValue(valueAt(loaded.data, path));
      if (received === "nothing") return [make(path, `is required (${issue.expected})`)];
      return [make(path, `expected ${issue.expected}, got ${received}`)];
    }
    case "invalid_value":
      return [make(path, `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}; got ${describeValue(valueAt(loaded.data, path))}`)];
    case "invalid_union": {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      if (discriminator) {
        // zod points at the discriminator itself or at the union; name the field either way.
        const unionPath = path.at(-1) === discriminator ? path.slice(0, -1) : path;
        const kinds = discriminatorValues(unionPath);
        const got = describeValue(valueAt(loaded.data, [...unionPath, discriminator]));
        return [make([...unionPath, discriminator], `must be one of ${kinds.map((k) => JSON.stringify(k)).join(", ")}; got ${got}`)];
      }
      // A plain union ("auto" or a number): say what each alternative wanted.
      const branches = (issue as { errors?: Issue[][] }).errors ?? [];
      const wanted = [...new Set(branches.map(describeBranch).filter((w): w is string => w !== undefined))];
      const expected = wanted.length > 0 ? wanted.join(" or ") : "a different value";
      return [make(path, `must be ${expected}; got ${describeValue(valueAt(loaded.data, path))}`)];
    }
    case "too_small":
    case "too_big": {
      const n = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
      const unit = issue.origin === "array" ? "item" : issue.origin === "string" ? "character" : "";
      const what = unit && (n === 1 ? unit : `${unit}s`);
      const bound = issue.code === "too_small" ? `at least ${n}` : `at most ${n}`;
      return [make(path, `must be ${bound}${what ? ` ${what}` : ""}; got ${describeValue(valueAt(loaded.data, path))}`)];
    }
    case "invalid_format":
    case "custom":
      return [make(path, `${issue.message}; got ${describeValue(valueAt(loaded.data, path))}`)];
    case "invalid_key": {
      // zod's path ends with the bad key; point at the key itself, not at its value.
      const key = String(path.at(-1));
      return [make(path.slice(0, -1), `invalid name '${visible(key)}': ${issue.issues.map((i) => i.message).join("; ")}`, key)];
    }
    default:
      return [make(path, issue.message)];
  }
}

function describeBranch(branch: Issue[]): string | undefined {
  const first = branch[0];
  if (!first) return undefined;
  if (first.code === "invalid_value") return first.values.map((v) => JSON.stringify(v)).join(" or ");
  if (first.code === "invalid_type") return `a ${first.expected}`;
  if (first.code === "too_small") return `at least ${String(first.minimum)}`;
  if (first.code === "too_big") return `at most ${String(first.maximum)}`;
  return first.message;
}

function valueAt(data: unknown, path: SpecPath): unknown {
  let value = data;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

/** JSON-style quoting that also escapes what JSON leaves raw but a terminal hides (DEL, U+2028, zero-width). */
export function printable(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return printable(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${String(value)}`;
}

// --- walking the schema to say what is allowed -------------------------------------------

type AnySchema = z.ZodType & { _zod: { def: Record<string, unknown> } };

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (;;) {
    const def = s._zod.def as { type: string; innerType?: AnySchema };
    if (def.innerType && ["default", "prefault", "optional", "nullable", "readonly", "catch", "nonoptional"].includes(def.type)) s = def.innerType;
    else if (def.type === "pipe") s = (def as unknown as { in: AnySchema }).in;
    else return s;
  }
}

function schemaAt(path: SpecPath, data: unknown): AnySchema | undefined {
  let schema: AnySchema | undefined = specSchema as unknown as AnySchema;
  let value = data;
  for (const part of path) {
    if (!schema) return undefined;
    schema = step(unwrap(schema), part, value);
    value = value && typeof value === "object" ? (value as Record<string | number, unknown>)[part] : undefined;
  }
  return schema && pickOption(unwrap(schema), value);
}

function step(schema: AnySchema, part: string | number, value: unknown): AnySchema | undefined {
  const s = pickOption(schema, value);
  if (!s) return undefined;
  const def = s._zod.def as Record<string, unknown> & { type: string };
  if (def.type === "object") return (def.shape as Record<string, AnySchema>)[part as string];
  if (def.type === "array") return def.element as AnySchema;
  if (def.type === "record") return def.valueType as AnySchema;
  return undefined;
}

function pickOption(schema: AnySchema, value: unknown): AnySchema | undefined {
  const def = schema._zod.def as { type: string; options?: AnySchema[]; discriminator?: string };
  if (def.type !== "union" || !def.options) return schema;
  if (def.discriminator && value && typeof value === "object") {
    const tag = (value as Record<string, unknown>)[def.discriminator];
    return def.options.find((o) => discriminatorOf(o, def.discriminator!) === tag);
  }
  return undefined;
}

function discriminatorOf(option: AnySchema, key: string): unknown {
  const shape = (unwrap(option)._zod.def as { shape?: Record<string, AnySchema> }).shape;
  const literal = shape?.[key] ? unwrap(shape[key]!) : undefined;
  return (literal?._zod.def as { values?: unknown[] } | undefined)?.values?.[0];
}

function allowedKeys(path: SpecPath, data: unknown): string[] {
  const schema = schemaAt(path, data);
  const def = schema?._zod.def as { type?: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function discriminatorValues(path: SpecPath): unknown[] {
  let schema: AnySchema | undefined = specSchema as unknown as AnySchema;
  for (const part of path) schema = schema && step(unwrap(schema), part, undefined);
  const def = schema && (unwrap(schema)._zod.def as { options?: AnySchema[]; discriminator?: string });
  return def?.options && def.discriminator ? def.options.map((o) => discriminatorOf(o, def.discriminator!)) : [];
}
