// Host directories compose mounts for static routes: one that leaves the spec's directory (unless
// the route says allowOutsideProject), is that directory or holds the TLS files is refused through
// the real CLI with file:line:col, the field, why and what to do.
import { describe, expect, it } from "vitest";
import { staticHostDirInProject } from "../../../src/rules/static-host-dir-in-project.js";
import { runCli, tempDir, writeFile } from "../../support/run-cli.js";
import { spec } from "../../support/specs.js";

const specWithHostDir = (hostDir: string, extra = "", routeExtra = "") =>
  `domain: app.example.com\n${extra}upstreams: {app: {servers: [{host: backend}]}}\nroutes:\n  - kind: api\n    path: /\n  - kind: static\n    path: /files/\n    root: /srv/site\n    hostDir: ${hostDir}\n${routeExtra}`;

const REFUSED: [string, string, string, string][] = [
  // hostDir, message, fix fragment, extra spec lines
  ["../../../..", "hostDir ../../../.. resolves to ../../../.., outside the spec's directory", "or set allowOutsideProject: true", ""],
  ["..", "hostDir .. resolves to .., outside the spec's directory", "or set allowOutsideProject: true", ""],
  ["public/../../site", "hostDir public/../../site resolves to ../site, outside the spec's directory", "or set allowOutsideProject: true", ""],
  [".", "hostDir . is the spec's directory itself: nginx would serve the spec, the generated config and the TLS files", "such as public/", ""],
  ["./", "hostDir ./ is the spec's directory itself", "such as public/", ""],
  ["public/..", "hostDir public/.. is the spec's directory itself", "such as public/", ""],
  ["certs", "hostDir certs is container.certsDir (certs), which holds the TLS private key", "away from container.certsDir", ""],
  ["certs/live", "hostDir certs/live is inside container.certsDir (certs)", "away from container.certsDir", ""],
  ["deploy", "hostDir deploy contains container.certsDir (deploy/tls)", "away from container.certsDir", "container: {certsDir: deploy/tls}\n"],
];

describe("rule static-host-dir-in-project", () => {
  it.each(REFUSED)("hostDir %s is refused: %s", async (hostDir, says, fix, extra) => {
    const dir = tempDir();
    writeFile(dir, "spec.yaml", specWithHostDir(hostDir, extra));
    const result = await runCli(["validate", "-s", "spec.yaml"], { cwd: dir });
    expect(result.exitCode).toBe(2);
    const line = 9 + extra.split("\n").length - 1;
    expect(result.stderr).toContain(`spec.yaml:${line}:14  routes[1].hostDir  ${says}`);
    expect(result.stderr).toMatch(new RegExp(`fix: [^\\n]*${fix.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}[^\\n]*\\[static-host-dir-in-project\\]`));
  });

  it("allowOutsideProject lets a directory outside the spec's directory be mounted, and says so in the schema", async () => {
    const dir = tempDir();
    writeFile(dir, "spec.yaml", specWithHostDir("../site", "", "    allowOutsideProject: true\n"));
    const result = await runCli(["validate", "-s", "spec.yaml"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it("allowOutsideProject does not allow the spec's directory or the TLS files", () => {
    for (const hostDir of [".", "certs", "..", "../.."]) {
      const findings = staticHostDirInProject.check(spec({ routes: [{ kind: "static", path: "/files/", root: "/srv/site", hostDir, allowOutsideProject: true }] }));
      expect(findings, hostDir).toHaveLength(1);
    }
  });

  it.each(["public", "./public/", "deploy/static", "a/b/../c"])("hostDir %s passes", (hostDir) => {
    expect(staticHostDirInProject.check(spec({ routes: [{ kind: "static", path: "/files/", root: "/srv/site", hostDir }] }))).toEqual([]);
  });
});
