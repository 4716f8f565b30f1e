import { hasErrors } from "../../diagnostics.js";
import { ensureNginxImage, ImageError } from "../../nginx-check/images.js";
import { nginxTest, type NginxTestResult } from "../../nginx-check/nginx-test.js";
import { hostNginx, releaseNginx, type NginxRunner } from "../../nginx-check/runner.js";
import { releaseFor } from "../../nginx-features/index.js";
import { validateSpecText } from "../../pipeline.js";
import type { Spec } from "../../spec/schema.js";
import { EXIT } from "../exit-codes.js";
import { printDiagnostics, readSpecFile, type Io } from "../io.js";

export type NginxRunnerChoice = "auto" | "host" | "container";

export interface ValidateOptions {
  spec: string;
  nginx?: boolean;
  /** Where `--nginx` runs nginx: auto (the host's when it is the spec's version, else edgekit's image of it), host, container. */
  nginxRunner?: NginxRunnerChoice;
  json?: boolean;
}

interface RunnerChoice {
  runner: NginxRunner | null;
  /** Said next to the result: which nginx ran, and what to do when it isn't the spec's. */
  notes: string[];
  problem?: string;
}

/** The nginx that checks `spec`: the spec's own version where possible, and a note whenever it is not. */
async function chooseRunner(io: Io, spec: Spec, choice: NginxRunnerChoice): Promise<RunnerChoice> {
  const want = spec.nginx.version;
  const host = hostNginx();
  const hostVersion = choice === "container" ? null : await host.version();
  if (choice === "host" || (choice === "auto" && hostVersion === want)) {
    if (hostVersion === null) return { runner: null, notes: [], problem: "nginx is not installed on this host (Debian: apt-get install nginx libnginx-mod-http-brotli-filter), or use --nginx-runner container" };
    const notes = hostVersion === want ? [] : [mismatch(want, hostVersion, "this host's nginx")];
    return { runner: host, notes };
  }
  const release = releaseFor(want);
  if (!release) {
    if (hostVersion === null) return { runner: null, notes: [], problem: `edgekit has no image of nginx ${want} and this host has no nginx: install nginx ${want}, or set nginx.version to a release edgekit tests` };
    return { runner: host, notes: [mismatch(want, hostVersion, "this host's nginx"), `edgekit has no image of nginx ${want}; set nginx.version to a tested release to check with edgekit's image`] };
  }
  try {
    const tag = await ensureNginxImage(release, (line) => io.progress?.(`validate --nginx: ${line}`));
    io.progress?.(null);
    const runner = releaseNginx(release);
    const notes = hostVersion && hostVersion !== want ? [`this host's nginx is ${hostVersion}; checked with ${tag}, the image of the spec's nginx ${want}`] : [];
    return { runner, notes };
  } catch (error) {
    io.progress?.(null);
    const reason = error instanceof ImageError ? error.message : `Docker is not available (${(error as Error).message})`;
    if (choice === "container") return { runner: null, notes: [], problem: `cannot run nginx ${want} in a container: ${reason}` };
    if (hostVersion === null) return { runner: null, notes: [], problem: `nginx is not installed on this host, and edgekit's image of nginx ${want} can't be used: ${reason}` };
    return { runner: host, notes: [mismatch(want, hostVersion, "this host's nginx"), `could not use edgekit's image of nginx ${want}: ${reason.split("\n")[0]}`] };
  }
}

function mismatch(want: string, have: string, what: string): string {
  return `the spec targets nginx ${want} but ${what} is ${have}: set nginx.version: ${have} to render for the nginx you run (edgekit uses what each version offers), or run nginx ${want}`;
}

export async function validate(io: Io, options: ValidateOptions): Promise<number> {
  const specFile = readSpecFile(io, options.spec);
  const { diagnostics, spec } = "text" in specFile ? validateSpecText(specFile.text, options.spec) : { diagnostics: [specFile], spec: undefined };
  const invalid = !spec || hasErrors(diagnostics);
  let nginx: NginxTestResult | undefined;
  let chosen: RunnerChoice | undefined;
  if (!invalid && options.nginx) {
    chosen = await chooseRunner(io, spec, options.nginxRunner ?? "auto");
    nginx = chosen.runner ? await nginxTest(spec, { runner: chosen.runner }) : { ok: false, unavailable: true, output: chosen.problem ?? "no nginx to run", config: "" };
  }
  const notes = chosen?.notes ?? [];

  if (options.json) {
    const nginxJson = nginx ? { nginx: { ok: nginx.ok, output: nginx.output, ...(nginx.ranOn ? { ranOn: nginx.ranOn } : {}), notes } } : {};
    io.out(JSON.stringify({ valid: !invalid && (nginx?.ok ?? true), diagnostics, ...nginxJson }, null, 2));
  } else {
    printDiagnostics(io, diagnostics);
    if (nginx) {
      if (nginx.output) io.err(nginx.output);
      for (const note of notes) io.err(`note: ${note}`);
      if (!nginx.ok && !nginx.unavailable) io.err(`nginx -t rejects the rendered config (${ranOnText(nginx)})`);
    }
    if (!invalid && (nginx?.ok ?? true)) io.out(`${options.spec}: valid${nginx ? ` (nginx -t accepts the rendered config: ${ranOnText(nginx)})` : ""}`);
  }
  if (invalid) return EXIT.invalid;
  if (nginx?.unavailable) return EXIT.environment;
  return nginx && !nginx.ok ? EXIT.failed : EXIT.ok;
}

function ranOnText(result: NginxTestResult): string {
  return result.ranOn ? `nginx ${result.ranOn.version}, ${result.ranOn.label}` : "nginx";
}
