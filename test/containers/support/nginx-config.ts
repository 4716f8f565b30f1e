// Swapping the running nginx's config for a variant of the stack spec (and back): the rendered
// file is replaced in the read-only-mounted directory and nginx reloads gracefully.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { renderNginxConf } from "../../../src/targets/index.js";
import { specSchema, type Spec } from "../../../src/spec/schema.js";
import { REPO, STACK_DIR, STACK_SPEC } from "./constants.js";
import { dockerExec, nginxStatus } from "./stack.js";

export function stackSpec(): Spec {
  return specSchema.parse(parseYaml(readFileSync(join(REPO, STACK_SPEC), "utf8")));
}

const CONF = join(STACK_DIR, "nginx", "nginx.conf");

export async function reloadNginx(): Promise<void> {
  await dockerExec("nginx", ["nginx", "-c", "/etc/nginx/edgekit/nginx.conf", "-s", "reload"]);
  // The master starts new workers and retires the old ones; wait until it answers again.
  await new Promise((r) => setTimeout(r, 1000));
  await nginxStatus();
}

/** Runs `work` with nginx serving `variant(spec)`, then restores the stack's own config. */
export async function withNginxVariant<T>(variant: (spec: Spec) => Spec, work: () => Promise<T>): Promise<T> {
  const original = readFileSync(CONF, "utf8");
  const replace = (text: string) => {
    writeFileSync(`${CONF}.tmp`, text);
    renameSync(`${CONF}.tmp`, CONF);
  };
  replace(renderNginxConf(variant(stackSpec()), { specName: "stack.spec.yaml", specDirFromOutput: ".." }));
  try {
    await reloadNginx();
    return await work();
  } finally {
    replace(original);
    await reloadNginx();
  }
}
