// `edgekit certs`: a development CA and a leaf certificate made with the real openssl, checked
// with the real openssl.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { listTree, runCli, snapshotTree, tempDir, writeFile } from "../../../support/run-cli.js";

const SPEC = "domain: app.example.com\naliases: [www.app.example.com]\nupstreams: {app: {servers: [{host: backend}]}}\n";

function specDir(): string {
  const dir = tempDir();
  writeFile(dir, "spec.yaml", SPEC);
  return dir;
}

async function openssl(args: string[], cwd: string) {
  return execa("openssl", args, { cwd, reject: false });
}

describe("edgekit certs", () => {
  it("writes a CA and a leaf for the spec's names that openssl verifies", async () => {
    const dir = specDir();
    const result = await runCli(["certs"], { cwd: dir });

    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`wrote ${join(dir, "certs", "fullchain.pem")} (leaf + CA chain)`);
    for (const f of ["fullchain.pem", "privkey.pem", "ca.pem"]) expect(existsSync(join(dir, "certs", f)), f).toBe(true);
    // The work directory is gone; nothing but the PEM files is left.
    expect(listTree(join(dir, "certs")).filter((p) => !p.endsWith(".pem"))).toEqual([]);

    const certs = join(dir, "certs");
    const verify = await openssl(["verify", "-CAfile", "ca.pem", "fullchain.pem"], certs);
    expect(verify.stderr).toBe("");
    expect(verify.exitCode).toBe(0);
    expect(verify.stdout.trim()).toBe("fullchain.pem: OK");

    const san = await openssl(["x509", "-in", "fullchain.pem", "-noout", "-ext", "subjectAltName"], certs);
    expect(san.exitCode).toBe(0);
    const names = san.stdout.split("\n")[1]!.split(",").map((s) => s.trim());
    expect(names).toEqual(expect.arrayContaining(["DNS:app.example.com", "DNS:www.app.example.com", "DNS:localhost", "IP Address:127.0.0.1"]));

    // The key matches the certificate.
    const certKey = await openssl(["x509", "-in", "fullchain.pem", "-noout", "-pubkey"], certs);
    const keyPub = await openssl(["pkey", "-in", "privkey.pem", "-pubout"], certs);
    expect(certKey.exitCode).toBe(0);
    expect(keyPub.exitCode).toBe(0);
    expect(certKey.stdout).toBe(keyPub.stdout);

    // The leaf has a fixed CN (its names are in the SANs, checked above) and is not a CA.
    const subject = await openssl(["x509", "-in", "fullchain.pem", "-noout", "-subject", "-ext", "basicConstraints"], certs);
    expect(subject.stdout).toMatch(/subject=\s*CN\s*=\s*edgekit development certificate/); // fixed CN: openssl caps it at 64 chars
    expect(subject.stdout).toContain("CA:FALSE");
  });

  it("refuses to replace existing files without --force (exit 1), replaces them with --force", async () => {
    const dir = specDir();
    expect((await runCli(["certs"], { cwd: dir })).exitCode).toBe(0);
    const before = snapshotTree(dir);

    const again = await runCli(["certs"], { cwd: dir });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("--force");
    expect(snapshotTree(dir)).toEqual(before);

    const forced = await runCli(["certs", "--force"], { cwd: dir });
    expect(forced.exitCode).toBe(0);
    expect(snapshotTree(dir)["certs/fullchain.pem"]!.bytes).not.toBe(before["certs/fullchain.pem"]!.bytes);
  });

  it.each(["0", "3651", "ten", "1.5"])("rejects --days %s with exit 2 and writes nothing", async (days) => {
    const dir = specDir();
    const result = await runCli(["certs", "--days", days], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`--days must be a whole number from 1 to 3650; got ${days}`);
    expect(listTree(dir)).toEqual(["spec.yaml"]);
  });

  it("honours --dir and --days", async () => {
    const dir = specDir();
    const result = await runCli(["certs", "-d", "dev-tls", "--days", "2"], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(dir, "certs"))).toBe(false);
    const end = await openssl(["x509", "-in", "fullchain.pem", "-noout", "-checkend", String(3 * 86400)], join(dir, "dev-tls"));
    expect(end.exitCode).toBe(1); // expires within three days
    const ok = await openssl(["x509", "-in", "fullchain.pem", "-noout", "-checkend", String(86400)], join(dir, "dev-tls"));
    expect(ok.exitCode).toBe(0); // but not within one
  });

  it("exits 2 on an invalid spec and writes nothing", async () => {
    const dir = tempDir();
    writeFile(dir, "spec.yaml", "domain: app.example.com\n");
    const result = await runCli(["certs"], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^spec\.yaml:1:1  upstreams  is required/m);
    expect(listTree(dir)).toEqual(["spec.yaml"]);
  });

  it("refuses (exit 1, says why) for a spec with TLS off, writing nothing", async () => {
    const dir = tempDir();
    writeFile(dir, "spec.yaml", `${SPEC}tls: {enabled: false}\n`);
    const result = await runCli(["certs"], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("spec.yaml has tls.enabled: false, so nginx reads no certificate and there is nothing to write");
    expect(result.stdout).toBe("");
    expect(listTree(dir)).toEqual(["spec.yaml"]);
  });

  it("with sites: one leaf per certificate of the spec, for the names of the sites that present it, all from one CA (RSA where the file says rsa)", async () => {
    const dir = tempDir();
    writeFile(
      dir,
      "spec.yaml",
      [
        "sites:",
        "  app: { names: [app.example.com] }",
        "  api:",
        "    names: [api.example.com]",
        "    certificates:",
        "      - { certificate: /etc/nginx/certs/api-ecdsa.pem, key: /etc/nginx/certs/api-ecdsa.key }",
        "      - { certificate: /etc/nginx/certs/api-rsa.pem, key: /etc/nginx/certs/api-rsa.key }",
        "  apex: { names: [example.com, www.example.com], redirect: { to: app.example.com } }",
        "upstreams: {app: {servers: [{host: backend}]}}",
        "",
      ].join("\n"),
    );
    const result = await runCli(["certs"], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const certs = join(dir, "certs");
    const sans = async (file: string) => (await openssl(["x509", "-in", file, "-noout", "-ext", "subjectAltName"], certs)).stdout.split("\n")[1]!.split(",").map((s) => s.trim());
    expect(await sans("fullchain.pem")).toEqual(expect.arrayContaining(["DNS:app.example.com", "DNS:example.com", "DNS:www.example.com"]));
    expect(await sans("fullchain.pem")).not.toContain("DNS:api.example.com");
    for (const file of ["api-ecdsa.pem", "api-rsa.pem"]) {
      expect(await sans(file)).toEqual(expect.arrayContaining(["DNS:api.example.com"]));
      expect(await sans(file)).not.toContain("DNS:app.example.com");
      const verify = await openssl(["verify", "-CAfile", "ca.pem", file], certs);
      expect(verify.stdout.trim()).toBe(`${file}: OK`);
    }
    const keyType = async (file: string) => (await openssl(["pkey", "-in", file, "-noout", "-text"], certs)).stdout.split("\n")[0];
    expect(await keyType("api-ecdsa.key")).toMatch(/^Private-Key: \(256 bit/);
    expect(await keyType("api-rsa.key")).toMatch(/^Private-Key: \(2048 bit/);
    // A second run refuses to overwrite any of them.
    const again = await runCli(["certs"], { cwd: dir });
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toMatch(/already has fullchain\.pem, privkey\.pem, api-ecdsa\.pem/);
  });
});
