// renderYaml: what it writes reads back as the same object in YAML 1.1 (PyYAML, the parser of
// Compose v1) and in YAML 1.2 (the yaml library): keys YAML 1.1 would read as booleans, nulls or
// numbers are quoted, and characters YAML 1.1 takes for line breaks are escaped inside quotes.
import { execa } from "execa";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { isPlainKey, renderYaml } from "../../../src/render/yaml.js";

async function pyYaml(text: string): Promise<unknown> {
  const r = await execa("python3", ["-c", "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))"], { input: text });
  return JSON.parse(r.stdout);
}

const KEYS = ["yes", "No", "ON", "off", "y", "N", "true", "FALSE", "null", "~", "", "1:20", "0x1F", "010", "1_000", ".inf", "E688", "e-5", "<<", "=", "a b", "-x", "a:b", "#c", "ü", "plain_key", "nginx-exporter"];
const VALUES = ["yes", "~", "1:20", "a\u0085b", "a\u2028b", "a\u2029b", "a\u0080\u009fb", "a\u007fb", "\ufeffbom", "tab\tnew\nline\r", "q\"uote'\\", "$HOME", "é ✓ 😀", ""];

describe("renderYaml", () => {
  it("every key and value reads back the same in YAML 1.1 (PyYAML) and YAML 1.2", async () => {
    const value = { services: Object.fromEntries(KEYS.map((k, i) => [k, { env: Object.fromEntries(VALUES.map((v, j) => [`K${j}`, v])), n: i, on: true }])) };
    const text = renderYaml(value, { specName: "spec.yaml" });
    expect(parse(text)).toEqual(value);
    expect(parse(text, { version: "1.1" })).toEqual(value);
    expect(await pyYaml(text)).toEqual(value);
  });

  it("leaves plain only keys that are strings in YAML 1.1", () => {
    expect(KEYS.filter(isPlainKey)).toEqual(["plain_key", "nginx-exporter"]);
  });
});
