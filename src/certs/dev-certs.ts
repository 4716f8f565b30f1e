// Development certificates: a throw-away CA and a leaf for the spec's names, made with the
// system openssl. The CA's key is discarded once the leaf is signed, so nothing in certs/ (which
// compose mounts into nginx) can mint more certificates. Never for production (use ACME there).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execa } from "execa";

export interface DevCertOptions {
  dir: string;
  /** DNS names for the leaf's subjectAltName; localhost and loopback IPs are always added. */
  names: string[];
  certFile: string;
  keyFile: string;
  days?: number;
  openssl?: string;
}

export interface DevCerts {
  caCert: string;
  cert: string;
  key: string;
}

export async function createDevCerts(options: DevCertOptions): Promise<DevCerts> {
  const openssl = options.openssl ?? "openssl";
  const days = String(options.days ?? 825);
  mkdirSync(options.dir, { recursive: true });
  const work = mkdtempSync(join(options.dir, ".edgekit-certs-"));
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    await execa(openssl, ["req", "-x509", ...ec, "-keyout", join(work, "ca-key.pem"), "-out", join(work, "ca.pem"), "-days", days, "-subj", "/CN=edgekit development CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    // A fixed CN: openssl caps it at 64 characters and clients read the names from the SANs anyway.
    await execa(openssl, ["req", ...ec, "-keyout", join(work, "leaf-key.pem"), "-out", join(work, "leaf.csr"), "-subj", "/CN=edgekit development certificate"]);
    const sans = [...new Set([...options.names, "localhost"])].map((n) => `DNS:${n}`).concat(["IP:127.0.0.1", "IP:::1"]);
    writeFileSync(
      join(work, "leaf.ext"),
      [`subjectAltName=${sans.join(",")}`, "basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature", "extendedKeyUsage=serverAuth", ""].join("\n"),
    );
    await execa(openssl, ["x509", "-req", "-in", join(work, "leaf.csr"), "-CA", join(work, "ca.pem"), "-CAkey", join(work, "ca-key.pem"), "-CAcreateserial", "-out", join(work, "leaf.pem"), "-days", days, "-extfile", join(work, "leaf.ext")]);
    writeFileSync(join(work, "chain.pem"), readFileSync(join(work, "leaf.pem"), "utf8") + readFileSync(join(work, "ca.pem"), "utf8"));

    const result: DevCerts = { caCert: join(options.dir, "ca.pem"), cert: join(options.dir, options.certFile), key: join(options.dir, options.keyFile) };
    for (const target of Object.values(result)) mkdirSync(dirname(target), { recursive: true });
    renameSync(join(work, "ca.pem"), result.caCert);
    // Readable by the unprivileged nginx user in the container (a dev key; production keys are
    // the operator's to own and permission).
    chmodSync(join(work, "leaf-key.pem"), 0o644);
    renameSync(join(work, "leaf-key.pem"), result.key);
    renameSync(join(work, "chain.pem"), result.cert);
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
