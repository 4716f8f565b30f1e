// Development certificates: a throw-away CA and a leaf for the spec's names, made with the
// system openssl. The CA's key is discarded once the leaf is signed, so nothing in certs/ (which
// compose mounts into nginx) can mint more certificates. Never for production (use ACME there).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execa } from "execa";

export type DevKeyType = "ec" | "rsa";

export interface DevLeaf {
  /** DNS names for the leaf's subjectAltName; localhost and loopback IPs are always added. */
  names: string[];
  certFile: string;
  keyFile: string;
  /** ECDSA P-256 (the default) or RSA 2048: a site with both serves each client the one it supports. */
  keyType?: DevKeyType;
}

export interface DevCertOptions extends DevLeaf {
  dir: string;
  days?: number;
  openssl?: string;
}

export interface DevCerts {
  caCert: string;
  cert: string;
  key: string;
}

export interface DevCertSetOptions {
  dir: string;
  leaves: DevLeaf[];
  days?: number;
  openssl?: string;
}

export interface DevCertSet {
  caCert: string;
  /** One per leaf, in order. */
  leaves: { cert: string; key: string }[];
}

/**
 * The key type a development certificate gets from its file name: RSA when the name says "rsa"
 * (certs/app-rsa.pem), else ECDSA. Real certificates come from a CA and are what they are.
 */
export function devKeyType(file: string): DevKeyType {
  return /rsa/i.test(file.split("/").at(-1) ?? file) ? "rsa" : "ec";
}

export async function createDevCerts(options: DevCertOptions): Promise<DevCerts> {
  const { dir, days, openssl, ...leaf } = options;
  const set = await createDevCertSet({ dir, leaves: [leaf], ...(days === undefined ? {} : { days }), ...(openssl === undefined ? {} : { openssl }) });
  return { caCert: set.caCert, ...set.leaves[0]! };
}

/** One throw-away CA (ca.pem in `dir`) and a leaf per entry, each with its own names and key type. */
export async function createDevCertSet(options: DevCertSetOptions): Promise<DevCertSet> {
  const openssl = options.openssl ?? "openssl";
  const days = String(options.days ?? 825);
  mkdirSync(options.dir, { recursive: true });
  const work = mkdtempSync(join(options.dir, ".edgekit-certs-"));
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    const rsa = ["-newkey", "rsa:2048", "-nodes"];
    await execa(openssl, ["req", "-x509", ...ec, "-keyout", join(work, "ca-key.pem"), "-out", join(work, "ca.pem"), "-days", days, "-subj", "/CN=edgekit development CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    const made: { chain: string; key: string }[] = [];
    for (const [i, leaf] of options.leaves.entries()) {
      const key = join(work, `leaf-${i}-key.pem`);
      // A fixed CN: openssl caps it at 64 characters and clients read the names from the SANs anyway.
      await execa(openssl, ["req", ...(leaf.keyType === "rsa" ? rsa : ec), "-keyout", key, "-out", join(work, `leaf-${i}.csr`), "-subj", "/CN=edgekit development certificate"]);
      const sans = [...new Set([...leaf.names, "localhost"])].map((n) => `DNS:${n}`).concat(["IP:127.0.0.1", "IP:::1"]);
      // RSA keys also encipher (RSA key exchange); ECDSA keys only sign.
      const usage = leaf.keyType === "rsa" ? "digitalSignature,keyEncipherment" : "digitalSignature";
      writeFileSync(join(work, `leaf-${i}.ext`), [`subjectAltName=${sans.join(",")}`, "basicConstraints=critical,CA:FALSE", `keyUsage=critical,${usage}`, "extendedKeyUsage=serverAuth", ""].join("\n"));
      await execa(openssl, ["x509", "-req", "-in", join(work, `leaf-${i}.csr`), "-CA", join(work, "ca.pem"), "-CAkey", join(work, "ca-key.pem"), "-CAcreateserial", "-out", join(work, `leaf-${i}.pem`), "-days", days, "-extfile", join(work, `leaf-${i}.ext`)]);
      writeFileSync(join(work, `chain-${i}.pem`), readFileSync(join(work, `leaf-${i}.pem`), "utf8") + readFileSync(join(work, "ca.pem"), "utf8"));
      // Readable by the unprivileged nginx user in the container (a dev key; production keys are
      // the operator's to own and permission).
      chmodSync(key, 0o644);
      made.push({ chain: join(work, `chain-${i}.pem`), key });
    }

    const result: DevCertSet = {
      caCert: join(options.dir, "ca.pem"),
      leaves: options.leaves.map((leaf) => ({ cert: join(options.dir, leaf.certFile), key: join(options.dir, leaf.keyFile) })),
    };
    for (const target of [result.caCert, ...result.leaves.flatMap((l) => [l.cert, l.key])]) mkdirSync(dirname(target), { recursive: true });
    renameSync(join(work, "ca.pem"), result.caCert);
    made.forEach((files, i) => {
      renameSync(files.key, result.leaves[i]!.key);
      renameSync(files.chain, result.leaves[i]!.cert);
    });
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
