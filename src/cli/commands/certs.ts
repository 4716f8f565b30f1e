import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { createDevCertSet, devKeyType } from "../../certs/dev-certs.js";
import { certificateNames } from "../../spec/sites.js";
import { EXIT } from "../exit-codes.js";
import { loadValidSpec, type Io } from "../io.js";

export interface CertsOptions {
  spec: string;
  dir?: string;
  days: string;
  force?: boolean;
}

export async function certs(io: Io, options: CertsOptions): Promise<number> {
  const loaded = loadValidSpec(io, options.spec);
  if (!loaded) return EXIT.invalid;
  const { spec, file: specFile } = loaded;
  if (!spec.tls.enabled) {
    // nginx serves plain HTTP and reads no certificate: files written now would go unused, silently.
    io.err(`${specFile.name} has tls.enabled: false, so nginx reads no certificate and there is nothing to write; set tls.enabled: true to serve HTTPS, then run \`edgekit certs\` again`);
    return EXIT.failed;
  }
  const days = Number(options.days);
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    io.err(`--days must be a whole number from 1 to 3650; got ${options.days}`);
    return EXIT.invalid;
  }
  const dir = resolve(io.cwd, options.dir ?? resolve(specFile.path, "..", spec.container.certsDir));
  // One leaf per certificate pair the spec's sites present, for those sites' names, all signed by
  // one CA (ca.pem); a file name with "rsa" in it gets an RSA key, every other one ECDSA.
  const leaves = certificateNames(spec).map(({ pair, names }) => ({ names, certFile: basename(pair.certificate), keyFile: basename(pair.key), keyType: devKeyType(pair.certificate) }));
  const existing = leaves.flatMap((l) => [l.certFile, l.keyFile]).filter((f) => existsSync(resolve(dir, f)));
  if (!options.force && existing.length > 0) {
    io.err(`${dir} already has ${existing.join(", ")}; use --force to replace them`);
    return EXIT.failed;
  }
  try {
    const made = await createDevCertSet({ dir, leaves, days });
    for (const [i, leaf] of made.leaves.entries()) io.out(`wrote ${leaf.cert} (leaf + CA chain) and ${leaf.key}: ${leaves[i]!.keyType === "rsa" ? "RSA" : "ECDSA"}, for ${leaves[i]!.names.join(", ")}`);
    io.out(`wrote ${made.caCert}`);
    io.out("development only: trust ca.pem in your client (curl --cacert) or use a real certificate in production");
    return EXIT.ok;
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") {
      io.err("openssl is not installed (Debian: apt-get install openssl)");
      return EXIT.environment;
    }
    io.err(`openssl failed: ${(error as Error).message.split("\n")[0]}`);
    return EXIT.failed;
  }
}
