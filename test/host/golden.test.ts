// Output does not change by accident: every spec of the corpus (the default spec, every example,
// the containers suite's stack spec and a fixed sample of fuzzed specs, all under test/golden/specs)
// renders exactly what test/golden/outputs holds. Re-base only on purpose:
//   EDGEKIT_UPDATE_GOLDEN=1 npx vitest run --project host test/host/golden.test.ts
// and say in the commit which output changed and why.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { goldenOutputs } from "../support/golden.js";
import { REPO } from "../support/specs.js";

const SPECS = join(REPO, "test", "golden", "specs");
const OUTPUTS = join(REPO, "test", "golden", "outputs");
const update = process.env.EDGEKIT_UPDATE_GOLDEN === "1";

describe("golden outputs", () => {
  const names = readdirSync(SPECS).filter((f) => f.endsWith(".yaml")).sort();
  it("has a corpus", () => {
    expect(names.length).toBeGreaterThan(40);
  });
  it.each(names)("%s renders what test/golden/outputs holds", (name) => {
    const actual = goldenOutputs(readFileSync(join(SPECS, name), "utf8"));
    const file = join(OUTPUTS, name.replace(/\.yaml$/, ".txt"));
    if (update) {
      mkdirSync(OUTPUTS, { recursive: true });
      writeFileSync(file, actual);
    }
    expect(actual).toBe(readFileSync(file, "utf8"));
  });
});
