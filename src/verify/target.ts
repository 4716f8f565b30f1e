// The edge under test: its https URL, the plain-HTTP origin whose redirect is checked, and the TLS
// trust every probe connection uses.
import { isIP } from "node:net";
import type { ConnectionOptions } from "node:tls";
import type { Target } from "./types.js";

export interface TargetOptions {
  /** PEM text of a CA to trust on top of the system's (dev certificates: certs/ca.pem). */
  ca?: string;
  /** Don't verify the certificate at all (the tls-certificate check then warns). */
  insecure?: boolean;
  /** Port of the plain-HTTP listener; null: not checked. Default: derived (see below). */
  httpPort?: number | null;
  /** The spec's listen ports, when a spec is given: https port -> its http port. */
  specPorts?: { httpPort: number; httpsPort: number };
}

export class TargetError extends Error {}

export function makeTarget(raw: string, options: TargetOptions = {}): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetError(`not a URL: ${JSON.stringify(raw)} (expected e.g. https://edge.example.com/api/tools)`);
  }
  if (url.protocol !== "https:") {
    throw new TargetError(`verify needs the edge's https:// URL, got ${url.protocol}//; the plain-HTTP redirect is checked on --http-port`);
  }
  const httpsPort = url.port === "" ? 443 : Number(url.port);
  const httpPort =
    options.httpPort !== undefined
      ? options.httpPort
      : options.specPorts && options.specPorts.httpsPort === httpsPort
        ? options.specPorts.httpPort
        : httpsPort === 443
          ? 80
          : null;
  const httpOrigin = httpPort === null ? null : new URL(`http://${url.host.replace(/:\d+$/, "")}${httpPort === 80 ? "" : `:${httpPort}`}`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const tls: ConnectionOptions = {
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.insecure ? { rejectUnauthorized: false } : {}),
    ...(isIP(host) ? {} : { servername: host }),
  };
  return { url, httpOrigin, tls };
}

/** host and port of the https listener, for raw TLS connections. */
export function endpoint(target: Target): { host: string; port: number } {
  return { host: target.url.hostname.replace(/^\[|\]$/g, ""), port: target.url.port === "" ? 443 : Number(target.url.port) };
}
