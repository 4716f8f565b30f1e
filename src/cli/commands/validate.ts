import { hasErrors } from "../../diagnostics.js";
import { nginxTest, type NginxTestResult } from "../../nginx-check/nginx-test.js";
import { chooseNginxRunner, type ChosenRunner, type RunnerChoice } from "../../nginx-check/runner.js";
import { validateSpecText } from "../../pipeline.js";
import { EXIT } from "../exit-codes.js";
import { printDiagnostics, readSpecFile, type Io } from "../io.js";
import { secretFileDiagnostics } from "../secret-files.js";

export type NginxRunnerChoice = RunnerChoice;

export interface ValidateOptions {
  spec: string;
  nginx?: boolean;
  /** Where `--nginx` runs nginx: auto (the host's when it is the spec's version, else edgekit's image of it), host, container. */
  nginxRunner?: NginxRunnerChoice;
  json?: boolean;
}

export async function validate(io: Io, options: ValidateOptions): Promise<number> {
  const specFile = readSpecFile(io, options.spec);
  const validated = "text" in specFile ? validateSpecText(specFile.text, options.spec) : { diagnostics: [specFile], spec: undefined };
  const { spec } = validated;
  const diagnostics = spec && "text" in specFile ? [...validated.diagnostics, ...secretFileDiagnostics(io, spec, specFile, options.spec)] : validated.diagnostics;
  const invalid = !spec || hasErrors(diagnostics);
  let nginx: NginxTestResult | undefined;
  let chosen: ChosenRunner | undefined;
  if (!invalid && options.nginx) {
    chosen = await chooseNginxRunner(spec.nginx.version, options.nginxRunner ?? "auto", (line) => io.progress?.(line === null ? null : `validate --nginx: ${line}`));
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
