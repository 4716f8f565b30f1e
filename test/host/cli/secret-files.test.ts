// validate and generate read the htpasswd files a spec names, from beside the spec: plaintext is
// refused with the file's line, a file not there yet is a warning.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir, writeFile } from "../../support/run-cli.js";

const SPEC = "domain: app.example.com\nupstreams: {app: {servers: [{host: backend}]}}\nroutes:\n  - kind: api\n    path: /\n    auth: {basic: {file: secrets/users.htpasswd}}\n";
const BCRYPT5 = "$2y$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a";

describe("the htpasswd check of validate and generate", () => {
  it("refuses a plaintext entry, pointing at the file's line; generate writes nothing", async () => {
    const dir = tempDir();
    writeFile(dir, "spec.yaml", SPEC);
    writeFile(dir, "secrets/users.htpasswd", `alice:${BCRYPT5}\nbob:{PLAIN}hunter2\n`);
    const validate = await runCli(["validate"], { cwd: dir });
    expect(validate.exitCode).toBe(2);
    expect(validate.stderr).toContain("secrets/users.htpasswd:2:1  routes[0].auth.basic.file  user 'bob' has a plaintext password ({PLAIN})");
    const generate = await runCli(["generate"], { cwd: dir });
    expect(generate.exitCode).toBe(2);
    expect(existsSync(join(dir, "nginx", "nginx.conf"))).toBe(false);
  });

  it("passes bcrypt entries, and warns (exit 0) when the file is not there yet", async () => {
    const dir = tempDir();
    writeFile(dir, "spec.yaml", SPEC);
    const missing = await runCli(["validate"], { cwd: dir });
    expect(missing.exitCode).toBe(0);
    expect(missing.stderr).toContain("warning: cannot check the htpasswd file secrets/users.htpasswd: no such file");
    writeFile(dir, "secrets/users.htpasswd", `alice:${BCRYPT5}\n`);
    const ok = await runCli(["validate"], { cwd: dir });
    expect(ok).toMatchObject({ exitCode: 0, stderr: "" });
  });
});
