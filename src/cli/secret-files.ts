// The secrets a spec names (htpasswd files), read from beside the spec and checked: the one place
// edgekit reads them, so `validate` and `generate` refuse plaintext passwords before compose
// mounts the file. A file that is not there yet (provisioned at deploy time) is a warning.
import { dirname, relative, resolve } from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import { nginxSecrets } from "../plan/secrets.js";
import { checkHtpasswd } from "../spec/htpasswd.js";
import type { Spec } from "../spec/schema.js";
import { readBoundedText, type Io, type SpecFile } from "./io.js";

/** The largest htpasswd file read: thousands of bcrypt entries fit in far less. */
const HTPASSWD_MAX_BYTES = 4 * 1024 * 1024;

export function secretFileDiagnostics(io: Io, spec: Spec, specFile: SpecFile, specArg: string): Diagnostic[] {
  return nginxSecrets(spec).flatMap((secret): Diagnostic[] => {
    const path = resolve(dirname(specFile.path), secret.file);
    const shown = relative(io.cwd, path) || path;
    const read = readBoundedText(path, HTPASSWD_MAX_BYTES);
    if ("problem" in read) {
      return [
        {
          severity: "warning",
          code: "htpasswd",
          path: secret.field,
          message: `cannot check the htpasswd file ${shown}: ${read.problem}`,
          fix: "create it (htpasswd -cB FILE USER) before `docker compose up`: compose refuses to start without it",
          file: specArg,
        },
      ];
    }
    return checkHtpasswd(read.text).map((f) => ({
      severity: f.severity,
      code: "htpasswd",
      path: secret.field,
      message: f.message,
      ...(f.fix ? { fix: f.fix } : {}),
      file: shown,
      position: { line: f.line, column: 1 },
    }));
  });
}
