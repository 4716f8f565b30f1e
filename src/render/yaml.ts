// YAML outputs (compose, prometheus) are typed objects serialised by the yaml library, never templated.
// They must read the same in YAML 1.1 (Compose v1 is Python's PyYAML) as in YAML 1.2.
import { Document, isScalar, visit } from "yaml";
import { generatedNotice, type ModelOptions } from "../model/header.js";

export function renderYaml(value: object, options: Pick<ModelOptions, "specName">): string {
  return escapeYaml11Breaks(documentText(value, generatedNotice(options), false));
}

/**
 * Several documents in one stream (Kubernetes manifests), separated by `---`, the notice before the
 * first. Multi-line strings (a ConfigMap's file) are block literals where YAML can hold them so.
 */
export function renderYamlDocuments(values: readonly object[], options: Pick<ModelOptions, "specName">): string {
  const texts = values.map((value, i) => documentText(value, i === 0 ? generatedNotice(options) : [], true));
  return escapeYaml11Breaks(texts.map((t, i) => (i === 0 ? t : `---\n${t}`)).join(""));
}

function documentText(value: object, notice: string[], blockMultiline: boolean): string {
  const doc = new Document(value);
  if (notice.length > 0) doc.commentBefore = notice.map((line) => ` ${line}`).join("\n");
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === "string" && !isPlainKey(pair.key.value)) pair.key.type = "QUOTE_DOUBLE";
    },
    Scalar(_, scalar) {
      if (blockMultiline && typeof scalar.value === "string" && scalar.value.includes("\n")) scalar.type = "BLOCK_LITERAL";
    },
  });
  // Every string double-quoted: Compose v1 reads YAML 1.1, where a plain 80:80 is the number 4880
  // and yes/no/on/off are booleans. Keys are plain only where YAML 1.1 reads them as the same string.
  return doc.toString({ lineWidth: 0, indentSeq: true, defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" });
}

/** An exponent alone (E688, e-5): the yaml library's YAML 1.1 float pattern takes it for a number (NaN). */
const YAML11_EXPONENT = /^[eE][-+]?[0-9]+$/;

/** YAML 1.1's booleans and nulls (yes/no, on/off, y/n, ~ ...): a plain key spelled so is not a string there. */
const YAML11_SPECIAL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|)$/;

/**
 * Whether a key may be written plain: a letter or '_' first (so never a YAML 1.1 number, float,
 * timestamp, merge key or indicator), then letters, digits, '_' and '-', and not a YAML 1.1
 * boolean or null. Anything else is double-quoted.
 */
export function isPlainKey(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) && !YAML11_SPECIAL.test(key) && !YAML11_EXPONENT.test(key);
}

/**
 * The yaml library writes DEL, C1 controls, NEL, U+2028, U+2029 and the BOM as they are inside
 * double quotes; PyYAML folds NEL and the separators into a space and refuses the rest. In the
 * rendered text they can only stand inside double-quoted scalars (keys that hold them are quoted,
 * the notice escapes them), where YAML's escapes (\N, \L, \P, \xNN, \uNNNN) keep them as they are.
 */
function escapeYaml11Breaks(text: string): string {
  return text.replace(/[\x7f-\x9f\u2028\u2029\ufeff]/g, (c) => {
    if (c === "\x85") return "\\N";
    if (c === "\u2028") return "\\L";
    if (c === "\u2029") return "\\P";
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).toUpperCase()}` : `\\u${code.toString(16).toUpperCase()}`;
  });
}
