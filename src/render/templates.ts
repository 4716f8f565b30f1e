// Handlebars set up for nginx, not HTML: no HTML escaping (values are already nginx tokens, see
// nginx-quote.ts) and strict mode, so a template that names a missing model field throws instead
// of printing an empty string.
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";

export const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "templates");

export type Template = (model: object) => string;

let cached: Map<string, Template> | undefined;

/** Compiles every `templates/<group>/*.hbs` with its group's partials; compiled once per process. */
export function templates(dir = TEMPLATES_DIR): Map<string, Template> {
  if (cached && dir === TEMPLATES_DIR) return cached;
  const result = new Map<string, Template>();
  for (const group of readdirSync(dir).sort()) {
    const hbs = Handlebars.create();
    const partialsDir = join(dir, group, "partials");
    for (const file of safeList(partialsDir)) {
      hbs.registerPartial(basename(file, ".hbs"), readFileSync(join(partialsDir, file), "utf8"));
    }
    for (const file of safeList(join(dir, group))) {
      const compiled = hbs.compile(readFileSync(join(dir, group, file), "utf8"), { noEscape: true, strict: true });
      result.set(`${group}/${basename(file, ".hbs")}`, (model) => compiled(model));
    }
  }
  if (dir === TEMPLATES_DIR) cached = result;
  return result;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".hbs")).sort();
  } catch {
    return [];
  }
}

/** One whitespace pass: no trailing spaces, at most one blank line in a row, one final newline. */
export function tidy(text: string): string {
  return `${text
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^\n+/, "")
    .trimEnd()}\n`;
}

/** Lays out `model` with the compiled template `name` ("nginx/nginx.conf"), tidied; a missing template throws. */
export function renderTemplate(name: string, model: object): string {
  const template = templates().get(name);
  if (!template) throw new Error(`template ${name} is missing (templates/${name}.hbs)`);
  return tidy(template(model));
}
