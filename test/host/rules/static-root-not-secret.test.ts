// Static roots over secrets: a root that is, contains or sits inside the directories nginx keeps
// its key, config, cache, logs and temp files in, or a system directory, is refused through the
// real CLI with file:line:col, the field, why and what to do; ordinary roots still pass.
import { describe, expect, it } from "vitest";
import { runRules } from "../../../src/rules/index.js";
import { staticRootNotSecret } from "../../../src/rules/static-root-not-secret.js";
import { runCli, tempDir, writeFile } from "../../support/run-cli.js";
import { spec } from "../../support/specs.js";

const specWithRoot = (root: string, extra = "") =>
  `domain: app.example.com\n${extra}upstreams: {app: {servers: [{host: backend}]}}\nroutes:\n  - kind: api\n    path: /\n  - kind: static\n    path: /files/\n    root: ${root}\n`;

const REFUSED: [string, string, string?][] = [
  // root, what the message must say, extra spec lines
  ["/etc/nginx/certs", "is the certificate directory /etc/nginx/certs (tls.certificate), which holds the private key"],
  ["/etc/nginx/certs/", "is the certificate directory /etc/nginx/certs"],
  ["/srv/static/../../etc/nginx/certs", "is the certificate directory /etc/nginx/certs"],
  ["/srv/keys", "is the certificate directory /srv/keys", "tls: {certificate: /srv/keys/fullchain.pem, certificateKey: /srv/keys/privkey.pem}\n"],
  ["/opt/site", "contains the certificate directory /opt/site/keys", "tls: {certificate: /opt/site/keys/fullchain.pem, certificateKey: /opt/site/keys/privkey.pem}\n"],
  ["/", "is the system directory /"],
  ["/etc", "is the system directory /etc"],
  ["/etc/nginx", "is the nginx config directory /etc/nginx (nginx.mimeTypes)"],
  ["/etc/nginx/edgekit/conf.d", "is inside the generated config directory /etc/nginx/edgekit"],
  ["/var/cache/nginx", "is the cache volume /var/cache/nginx"],
  ["/var/cache/nginx/edgekit/x", "is inside the proxy cache /var/cache/nginx/edgekit (cache.path)"],
  ["/var/log/nginx", "is the access log directory /var/log/nginx (logging.access.path)"],
  ["/srv/logs", "is the error log directory /srv/logs (logging.error.path)", "logging: {error: {path: /srv/logs/error.log}}\n"],
  ["/srv/tmp/body", "is inside the temp directory /srv/tmp (nginx.tempDir)", "nginx: {tempDir: /srv/tmp}\n"],
  ["/proc/self", "is inside the system directory /proc"],
  ["/root/site", "is inside the system directory /root"],
  ["/home/alice/public", "is inside the system directory /home"],
  ["/var/lib/site", "is inside the system directory /var/lib"],
  ["/usr", "is the system directory /usr"],
  ["/var", "is the system directory /var"],
  ["/srv/www", "contains the access log directory /srv/www/logs (logging.access.path)", "logging: {access: {path: /srv/www/logs/access.log}}\n"],
  ["/run/secrets", "is inside the system directory /run"],
  ["/run/nginx", "is the pid file's directory /run/nginx (nginx.pidFile)"],
];

describe("rule static-root-not-secret", () => {
  it.each(REFUSED)("root %s is refused: %s", async (root, says, extra = "") => {
    const dir = tempDir();
    writeFile(dir, "spec.yaml", specWithRoot(root, extra));
    const result = await runCli(["validate", "-s", "spec.yaml"], { cwd: dir });
    expect(result.exitCode).toBe(2);
    const line = 8 + extra.split("\n").length - 1;
    expect(result.stderr).toContain(`spec.yaml:${line}:11  routes[1].root  static route '/files/' root ${root} ${says}`);
    expect(result.stderr).toContain("fix: serve a directory of its own, such as /usr/share/nginx/html or /srv/<site>, and mount the files there with hostDir [static-root-not-secret]");
  });

  it.each(["/usr/share/nginx/html", "/srv/site", "/srv/static/assets", "/var/www/html", "/tmp/edgekit-site", "/opt/app/public"])("root %s passes", (root) => {
    expect(staticRootNotSecret.check(spec({ routes: [{ kind: "static", path: "/files/", root }] }))).toEqual([]);
  });

  it("cannot be waived: the root would serve the key whatever the reason", () => {
    const s = spec({ routes: [{ kind: "static", path: "/files/", root: "/etc/nginx/certs" }], waive: [{ rule: "static-root-not-secret", reason: "the keys are public anyway" }] });
    const errors = runRules(s, () => undefined).filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code).sort()).toEqual(["static-root-not-secret", "waive"]);
  });
});
