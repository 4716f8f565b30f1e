// Where `edgekit bench --url` may send load: loopback only, unless the user says the host is theirs.
// A benchmark is a small denial-of-service; pointing it at someone else's host by a typo must fail.
import { isIP } from "node:net";

export type TargetCheck = { ok: true; url: URL; loopback: boolean } | { ok: false; message: string };

/** localhost, *.localhost, 127.0.0.0/8, ::1 and the IPv4-mapped ::ffff:127.x.y.z. Syntactic: no DNS lookup. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) {
    if (host === "::1" || /^(0{1,4}:){7}0{0,3}1$/.test(host)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    if (mapped?.[1]) return mapped[1].startsWith("127.");
    const hexMapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(host);
    if (hexMapped?.[1]) return Number.parseInt(hexMapped[1], 16) >> 8 === 127;
  }
  return false;
}

/** Parses `--url` and applies the loopback rule. */
export function checkTarget(raw: string, iOwnThisHost: boolean): TargetCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: `--url ${JSON.stringify(raw)} is not a URL; expected e.g. https://127.0.0.1:8443/api/tools` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, message: `--url must be http:// or https://; got ${url.protocol}` };
  }
  const loopback = isLoopbackHost(url.hostname);
  if (!loopback && !iOwnThisHost) {
    return {
      ok: false,
      message:
        `refusing to load ${url.host}: it is not a loopback address, and a benchmark is a flood of requests. ` +
        `If the host is yours, run again with --i-own-this-host.`,
    };
  }
  return { ok: true, url, loopback };
}
