// Which htpasswd entries nginx can check, measured on each release's own nginx (edgekit's image,
// where crypt() is Debian's libxcrypt): the password "secret" is let in and "wrong" refused for
// every hash format, {PLAIN} included (so a plaintext file works, which is why edgekit refuses it),
// while an entry that is no hash refuses even the right password. checkHtpasswd's verdicts follow
// (slow hashes, bcrypt of cost 10 and yescrypt, are warned about: nginx checks them in the worker).
import http from "node:http";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseNginx } from "../../../src/nginx-check/runner.js";
import { TESTED_RELEASES } from "../../../src/nginx-features/index.js";
import { nginxSecrets } from "../../../src/plan/secrets.js";
import { checkHtpasswd } from "../../../src/spec/htpasswd.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { rawRequest } from "../../support/raw-http.js";
import { spec } from "../../support/specs.js";

const dockerUp = (await execa("docker", ["info"], { reject: false })).exitCode === 0;

/** Entries for the password "secret" (made with openssl passwd and perl's crypt()), and what edgekit says of each. */
const ENTRIES: { user: string; hash: string; verdict: "ok" | "warning" | "error"; letsIn: boolean }[] = [
  { user: "bcrypt2y", hash: "$2y$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a", verdict: "ok", letsIn: true },
  { user: "bcrypt2b", hash: "$2b$05$abcdefghijklmnopqrstuuOQiyCxlgf/oeuTqixKmWdcYUh4Hjl0a", verdict: "ok", letsIn: true },
  { user: "bcrypt10", hash: "$2b$10$abcdefghijklmnopqrstuuqflPDzB6gcMhKa1rZqKiun2YGL5sa2u", verdict: "warning", letsIn: true },
  { user: "yescrypt", hash: "$y$j9T$abcdefghijklmnop$3dL1LkYnZM.OVXuVdnnaKVDlLYT92dRwOzDZ5XiVCe.", verdict: "warning", letsIn: true },
  { user: "sha512", hash: "$6$nUo6tWTWjc1hF8js$YY48pak2KqBMg9iHInnFSLZTZ.dMtMP3ZOhA1c/LdMzn2YDNoIunsWaT3uj66ywOV.STDgXOQmWswmqeRIyjp/", verdict: "ok", letsIn: true },
  { user: "sha256", hash: "$5$QVgP3dZ1U3nPOi77$SkOEGUHwAAsxrklFC1ZhLB63l/LK9Nrju1S9NGA0mq3", verdict: "ok", letsIn: true },
  { user: "apr1", hash: "$apr1$CcgL7Eel$c1oJCt3vuw3IWY82sxnlR1", verdict: "warning", letsIn: true },
  { user: "md5", hash: "$1$8/DKUaGh$eRgepm9A4HG12jBPCnJVh1", verdict: "warning", letsIn: true },
  { user: "sha1", hash: "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=", verdict: "warning", letsIn: true },
  { user: "des", hash: "abNANd1rDfiNc", verdict: "warning", letsIn: true },
  { user: "plain", hash: "{PLAIN}secret", verdict: "error", letsIn: true },
  { user: "raw", hash: "secret", verdict: "error", letsIn: false },
];
const FILE = ENTRIES.map((e) => `${e.user}:${e.hash}`).join("\n") + "\n";

describe("checkHtpasswd's verdict on each entry", () => {
  it.each(ENTRIES)("$user: $verdict", ({ user, hash, verdict }) => {
    const findings = checkHtpasswd(`${user}:${hash}\n`);
    expect(findings.map((f) => f.severity)).toEqual(verdict === "ok" ? [] : [verdict]);
  });
});

describe.skipIf(!dockerUp).each(TESTED_RELEASES)("htpasswd formats on nginx $version", (release) => {
  let backend: http.Server;
  let nginx: RunningNginx;
  let secretsDir: string;

  beforeAll(async () => {
    backend = http.createServer((_req, res) => res.writeHead(200, { "Content-Length": "2" }).end("ok"));
    await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
    secretsDir = mkdtempSync(join(tmpdir(), "edgekit-secrets-"));
    chmodSync(secretsDir, 0o755);
    const input = spec({
      nginx: { version: release.version, workerProcesses: 1 },
      tls: { enabled: false },
      container: { secretsDir },
      upstreams: { app: { servers: [{ host: "127.0.0.1", port: (backend.address() as { port: number }).port }] } },
      routes: [{ kind: "api", path: "/", auth: { basic: { file: "users.htpasswd" } } }],
    });
    writeFileSync(nginxSecrets(input)[0]!.target, FILE, { mode: 0o644 });
    nginx = await startNginx(input, { runner: releaseNginx(release) });
  });

  afterAll(async () => {
    await nginx?.stop();
    await new Promise((r) => backend?.close(r));
    if (secretsDir) rmSync(secretsDir, { recursive: true, force: true });
  });

  const status = async (user: string, password: string) =>
    (await rawRequest(nginx.httpPort, "GET", "/", [`Authorization: Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`])).status;

  it.each(ENTRIES)("$user: the right password gets 200 (or never, for no hash), a wrong one 401", async ({ user, letsIn }) => {
    expect(await status(user, "secret")).toBe(letsIn ? 200 : 401);
    expect(await status(user, "wrong")).toBe(401);
  });
});
