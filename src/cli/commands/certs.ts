import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { createDevCerts } from "../../certs/dev-certs.js";
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
  const certFile = basename(spec.tls.certificate);
  const keyFile = basename(spec.tls.certificateKey);
  if (!options.force && (existsSync(resolve(dir, certFile)) || existsSync(resolve(dir, keyFile)))) {
    io.err(`${dir} already has ${certFile} or ${keyFile}; use --force to replace them`);
    return EXIT.failed;
  }
  try {
    const made = await createDevCerts({ dir, names: [spec.domain, ...spec.aliases], certFile, keyFile, days });
    io.out(`wrote ${made.cert} (leaf + CA chain), ${made.key}, ${made.caCert}`);
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
