// htpasswd secrets: one per distinct file, mounted read-only by compose where nginx reads it, and
// checked against the other mounts of the nginx container.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { buildComposeModel } from "../../../src/model/compose.js";
import { nginxSecrets } from "../../../src/plan/secrets.js";
import { runRules } from "../../../src/rules/index.js";
import { renderTargets } from "../../../src/targets/index.js";
import { planEdge } from "../../../src/plan/index.js";
import { spec } from "../../support/specs.js";

const OPTIONS = { specName: "spec.yaml", specDirFromOutput: "." };
const withBasic = (extra: Record<string, unknown> = {}) =>
  spec({
    routes: [
      { kind: "api", path: "/a/", auth: { basic: { file: "secrets/admin.htpasswd" } } },
      { kind: "api", path: "/b/", auth: { basic: { file: "./secrets/admin.htpasswd" } } },
      { kind: "api", path: "/c/", auth: { basic: { file: "secrets/ops.htpasswd", realm: "Ops" } } },
    ],
    ...extra,
  });

describe("nginxSecrets", () => {
  it("makes one secret per distinct file, under container.secretsDir", () => {
    expect(nginxSecrets(withBasic()).map((s) => [s.name, s.file, s.target])).toEqual([
      ["htpasswd_secrets_admin_htpasswd", "secrets/admin.htpasswd", "/run/secrets/htpasswd_secrets_admin_htpasswd"],
      ["htpasswd_secrets_ops_htpasswd", "secrets/ops.htpasswd", "/run/secrets/htpasswd_secrets_ops_htpasswd"],
    ]);
  });

  it("is mounted by compose as a read-only file secret, and named by nginx at the same path", () => {
    const files = renderTargets(planEdge(withBasic(), OPTIONS));
    const compose = parse(files.find((f) => f.path === "docker-compose.prod.yml")!.content) as { secrets: unknown; services: { nginx: { secrets: unknown; volumes: { target: string }[] } } };
    expect(compose.secrets).toEqual({ htpasswd_secrets_admin_htpasswd: { file: "./secrets/admin.htpasswd" }, htpasswd_secrets_ops_htpasswd: { file: "./secrets/ops.htpasswd" } });
    expect(compose.services.nginx.secrets).toEqual([
      { source: "htpasswd_secrets_admin_htpasswd", target: "htpasswd_secrets_admin_htpasswd" },
      { source: "htpasswd_secrets_ops_htpasswd", target: "htpasswd_secrets_ops_htpasswd" },
    ]);
    expect(compose.services.nginx.volumes.map((v) => v.target)).not.toContain("/run/secrets/htpasswd_secrets_admin_htpasswd");
    const conf = files.find((f) => f.path === "nginx/nginx.conf")!.content;
    expect(conf).toContain("auth_basic_user_file /run/secrets/htpasswd_secrets_admin_htpasswd;");
    expect(conf).toContain('auth_basic "Ops";');
  });

  it("takes an absolute target outside compose's /run/secrets", () => {
    const model = buildComposeModel(withBasic({ container: { secretsDir: "/etc/nginx/secrets" } }), OPTIONS);
    expect(model.services.nginx!.secrets).toEqual([
      { source: "htpasswd_secrets_admin_htpasswd", target: "/etc/nginx/secrets/htpasswd_secrets_admin_htpasswd" },
      { source: "htpasswd_secrets_ops_htpasswd", target: "/etc/nginx/secrets/htpasswd_secrets_ops_htpasswd" },
    ]);
  });

  it("leaves compose without secrets when no route has basic auth", () => {
    expect(buildComposeModel(spec(), OPTIONS).secrets).toBeUndefined();
  });

  it("is a mount point mount-points-distinct checks: a static root over the secrets clashes", () => {
    const found = runRules(withBasic({ routes: [{ kind: "static", path: "/s/", root: "/run/secrets", hostDir: "public" }, { kind: "api", path: "/a/", auth: { basic: { file: "a.htpasswd" } } }] }), () => undefined);
    expect(found.filter((d) => d.code === "mount-points-distinct").map((d) => d.message)).toEqual([
      expect.stringContaining("the secret htpasswd_a_htpasswd (a.htpasswd) at /run/secrets/htpasswd_a_htpasswd has a mount point inside the mount of public at /run/secrets"),
    ]);
  });
});
