// The nginx feature table: every version-gated directive or behaviour edgekit renders or relies on,
// with the first nginx version that has it and the line of nginx's CHANGES file it comes from.
// Everything else in src/ asks this module ("does this version have X?"); no nginx version literal
// lives anywhere else. A new nginx release is a new row here (and a row in TESTED_RELEASES once a
// test runs it).
import { NGINX_FEATURE_ROWS } from "./table.js";

export { NGINX_FEATURE_ROWS } from "./table.js";
export type NginxFeatureId = keyof typeof NGINX_FEATURE_ROWS;

export interface NginxFeature {
  /** First nginx version that has it. */
  since: string;
  /** What it is, and what edgekit does with it. */
  summary: string;
  /** The entry of nginx's CHANGES file ("Changes with nginx X.Y.Z  date" and its line). */
  changelog: string;
}

/** The oldest nginx edgekit renders for: keepalive_time (1.19.10), keepalive_requests for HTTP/2 (1.19.7). */
export const OLDEST_SUPPORTED_NGINX = NGINX_FEATURE_ROWS["supported-floor"].since;

/** Releases a test runs for real, with where they come from. */
export const TESTED_RELEASES = [{ version: "1.22.1", source: "Debian 12" }] as const;

/** The version a spec targets when it names none. */
export const DEFAULT_NGINX_VERSION: string = TESTED_RELEASES[0].version;

/** Numeric comparison of dotted versions: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function feature(id: NginxFeatureId): NginxFeature {
  return NGINX_FEATURE_ROWS[id];
}

/** Does nginx `version` have feature `id`? */
export function hasFeature(version: string, id: NginxFeatureId): boolean {
  return compareVersions(version, NGINX_FEATURE_ROWS[id].since) >= 0;
}

/** The features of `used` that nginx `version` lacks (to say why a config can't load there). */
export function missingFeatures(version: string, used: readonly NginxFeatureId[]): NginxFeatureId[] {
  return used.filter((id) => !hasFeature(version, id));
}

/** "nginx 1.25.1 or later", for messages. */
export function sinceText(id: NginxFeatureId): string {
  return `nginx ${NGINX_FEATURE_ROWS[id].since} or later`;
}
