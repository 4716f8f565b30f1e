import { existsSync, renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { templates } from "../../render/templates.js";
import { hostname } from "../../spec/values.js";
import { EXIT } from "../exit-codes.js";
import type { Io } from "../io.js";

export interface InitOptions {
  out: string;
  domain: string;
  force?: boolean;
}

export function init(io: Io, options: InitOptions): number {
  if (!hostname().safeParse(options.domain).success) {
    io.err(`--domain must be a lower-case DNS name such as example.com; got ${JSON.stringify(options.domain)}`);
    return EXIT.invalid;
  }
  const target = resolve(io.cwd, options.out);
  if (existsSync(target) && !options.force) {
    io.err(`${options.out} already exists; use --force to replace it`);
    return EXIT.failed;
  }
  const starter = templates().get("spec/starter.yaml");
  if (!starter) throw new Error("template spec/starter.yaml is missing");
  const temp = `${target}.edgekit-${process.pid}.tmp`;
  writeFileSync(temp, starter({ domain: options.domain }));
  renameSync(temp, target);
  io.out(`wrote ${options.out}; next: npx edgekit validate -s ${options.out} && npx edgekit generate -s ${options.out}`);
  return EXIT.ok;
}
