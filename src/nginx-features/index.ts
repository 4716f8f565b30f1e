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

/** Dynamic modules edgekit loads, and the Debian package that ships each for a release's nginx. */
export const NGINX_MODULES = {
  brotli: { file: "ngx_http_brotli_filter_module.so", package: "libnginx-mod-http-brotli-filter" },
  zstd: { file: "ngx_http_zstd_filter_module.so", package: "libnginx-mod-http-zstd-filter" },
} as const;
export type NginxModuleId = keyof typeof NGINX_MODULES;

/**
 * An nginx release edgekit builds an image for (deploy/nginx, from the Debian suite that ships it)
 * and runs in its tests: `nginx -t` on every example, the fuzz property, and the live checks.
 */
export interface NginxRelease {
  version: string;
  /** The Debian suite whose packages the image is built from. */
  suite: string;
  /** Where the release comes from, for people. */
  source: string;
  /** Modules packaged for this release. */
  modules: readonly NginxModuleId[];
}

export const TESTED_RELEASES: readonly NginxRelease[] = [
  { version: "1.22.1", suite: "bookworm", source: "Debian 12 (bookworm)", modules: ["brotli"] },
  { version: "1.26.3", suite: "trixie", source: "Debian 13 (trixie)", modules: ["brotli"] },
  { version: "1.30.6", suite: "forky", source: "Debian testing (forky)", modules: ["brotli", "zstd"] },
];

/**
 * The version a spec targets when it names none: the current stable line (1.30, April 2026), as
 * Debian testing ships it with HTTP/3 (OpenSSL 3.6), brotli and zstd. It is the nginx a new edge
 * should run: upstream keep-alive and HTTP/1.1 by default, add_header_inherit, upstream resolve.
 */
export const DEFAULT_NGINX_VERSION: string = TESTED_RELEASES.at(-1)!.version;

/** The release line of a version: "1.30" for 1.30.6. */
export function releaseLine(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

/** The tested release of `version`'s line (1.30.1 -> 1.30.6), if edgekit has one. */
export function releaseFor(version: string): NginxRelease | undefined {
  return TESTED_RELEASES.find((r) => releaseLine(r.version) === releaseLine(version) && compareVersions(r.version, version) >= 0);
}

/** The Debian packages of a release's image: nginx and its modules. */
export function releasePackages(release: NginxRelease): string[] {
  return ["nginx", ...release.modules.map((m) => NGINX_MODULES[m].package)];
}

/** edgekit's image of a release (deploy/nginx built with releaseBuildArgs). */
export function nginxImageTag(release: NginxRelease): string {
  return `edgekit-nginx:${release.version}`;
}

/** The build arguments deploy/nginx/Dockerfile takes for a release. */
export function releaseBuildArgs(release: NginxRelease): Record<string, string> {
  return { DEBIAN_SUITE: release.suite, NGINX_VERSION: release.version, NGINX_PACKAGES: releasePackages(release).join(" ") };
}

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
