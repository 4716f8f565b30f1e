import { hasErrors } from "../../diagnostics.js";
import { nginxTest } from "../../nginx-check/nginx-test.js";
import { validateSpecText } from "../../pipeline.js";
import { EXIT } from "../exit-codes.js";
import { printDiagnostics, readSpecFile, type Io } from "../io.js";

export interface ValidateOptions {
  spec: string;
  nginx?: boolean;
  json?: boolean;
}

export async function validate(io: Io, options: ValidateOptions): Promise<number> {
  const specFile = readSpecFile(io, options.spec);
  const { diagnostics, spec } = "text" in specFile ? validateSpecText(specFile.text, options.spec) : { diagnostics: [specFile], spec: undefined };
  const invalid = !spec || hasErrors(diagnostics);
  let nginx: Awaited<ReturnType<typeof nginxTest>> | undefined;
  if (!invalid && options.nginx) nginx = await nginxTest(spec);

  if (options.json) {
    io.out(JSON.stringify({ valid: !invalid && (nginx?.ok ?? true), diagnostics, ...(nginx ? { nginx: { ok: nginx.ok, output: nginx.output } } : {}) }, null, 2));
  } else {
    printDiagnostics(io, diagnostics);
    if (nginx) {
      if (nginx.output) io.err(nginx.output);
      if (!nginx.ok && !nginx.unavailable) io.err("nginx -t rejects the rendered config");
    }
    if (!invalid && (nginx?.ok ?? true)) io.out(`${options.spec}: valid${nginx ? " (nginx -t accepts the rendered config)" : ""}`);
  }
  if (invalid) return EXIT.invalid;
  if (nginx?.unavailable) return EXIT.environment;
  return nginx && !nginx.ok ? EXIT.failed : EXIT.ok;
}
