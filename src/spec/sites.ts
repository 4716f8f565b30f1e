// The spec's sites, one shape for both forms: `domain` + `aliases` + `routes` (one site) and
// `sites`. Every consumer reads sites and routes through here, never spec.routes or spec.domain,
// and reports problems at the path each returns (`routes[2].path` for the one-site form,
// `sites.api.routes[2].path` for sites).
import type { SpecPath } from "../diagnostics.js";
import type { ErrorPages } from "./error-pages.js";
import { DEFAULT_ROUTES, routeSchema, type Route, type Spec } from "./schema.js";

export interface CertificatePair {
  certificate: string;
  key: string;
}

export interface Site {
  /** The key under `sites`, or null for the one-site form. */
  id: string | null;
  /** server_name: the first is the site's primary name. */
  names: string[];
  /** What the site's https server presents, by SNI (several = several key types). */
  certificates: CertificatePair[];
  /** Empty for a redirect site. */
  routes: Route[];
  headers: Record<string, string | null>;
  /** The site's error pages: its own over the top-level ones, status by status (the top-level ones for the one-site form). */
  errorPages: ErrorPages;
  redirect: { to: string; status: 301 | 302 | 307 | 308 } | null;
  /** The site's raw server directives ("" for the one-site form, whose are raw.server). */
  raw: string;
  /** Where the site is in the spec: [] for the one-site form, ["sites", id] otherwise. */
  path: SpecPath;
  /** Where its routes are: ["routes"] or ["sites", id, "routes"]. */
  routesPath: SpecPath;
}

export interface SiteRoute {
  route: Route;
  site: Site;
  /** Index in the site's routes. */
  index: number;
  /** The route's spec path: ["routes", i] or ["sites", id, "routes", i]. */
  path: SpecPath;
}

const defaultRoutes = (): Route[] => DEFAULT_ROUTES.map((r) => routeSchema.parse(r));

/** The spec's sites, in spec order; the one-site form is one site. */
export function specSites(spec: Spec): Site[] {
  const specCertificate = { certificate: spec.tls.certificate, key: spec.tls.certificateKey };
  if (spec.sites === undefined) {
    return [
      {
        id: null,
        names: [spec.domain ?? "", ...spec.aliases],
        certificates: [specCertificate],
        routes: spec.routes ?? defaultRoutes(),
        headers: {},
        errorPages: spec.errorPages,
        redirect: null,
        raw: "",
        path: [],
        routesPath: ["routes"],
      },
    ];
  }
  return Object.entries(spec.sites).map(([id, site]) => ({
    id,
    names: [...site.names],
    certificates: site.certificates ?? [specCertificate],
    routes: site.redirect ? [] : (site.routes ?? defaultRoutes()),
    headers: site.headers,
    errorPages: { ...spec.errorPages, ...site.errorPages },
    redirect: site.redirect ?? null,
    raw: site.raw,
    path: ["sites", id],
    routesPath: ["sites", id, "routes"],
  }));
}

/** Every route of every site, with its site and spec path. */
export function allRoutes(spec: Spec): SiteRoute[] {
  return specSites(spec).flatMap((site) => site.routes.map((route, index) => ({ route, site, index, path: [...site.routesPath, index] })));
}

/** Every name of every site. */
export function allNames(spec: Spec): string[] {
  return specSites(spec).flatMap((s) => s.names);
}

/** Each certificate pair once, in order of first use, with the names of every site that presents it. */
export function certificateNames(spec: Spec): { pair: CertificatePair; names: string[] }[] {
  const byPair = new Map<string, { pair: CertificatePair; names: string[] }>();
  for (const site of specSites(spec)) {
    for (const pair of site.certificates) {
      const key = JSON.stringify([pair.certificate, pair.key]);
      const entry = byPair.get(key) ?? { pair, names: [] };
      entry.names.push(...site.names.filter((n) => !entry.names.includes(n)));
      byPair.set(key, entry);
    }
  }
  return [...byPair.values()];
}

/** The certificate pairs of the spec, each once, in order of first use. */
export function allCertificates(spec: Spec): CertificatePair[] {
  return certificateNames(spec).map((c) => c.pair);
}

/** The spec with one site's routes replaced (the one-site form's `routes` when the spec has no sites). */
export function withSiteRoutes(spec: Spec, site: Site, routes: Route[]): Spec {
  if (site.id === null || spec.sites === undefined) return { ...spec, routes };
  return { ...spec, sites: { ...spec.sites, [site.id]: { ...spec.sites[site.id]!, routes } } };
}

/** The spec with every certificate path replaced by `replace` (nginx -t and live runs use fresh dev files). */
export function mapCertificates(spec: Spec, replace: (pair: CertificatePair) => CertificatePair): Spec {
  const top = replace({ certificate: spec.tls.certificate, key: spec.tls.certificateKey });
  const tls = { ...spec.tls, certificate: top.certificate, certificateKey: top.key };
  if (spec.sites === undefined) return { ...spec, tls };
  const sites = Object.fromEntries(
    Object.entries(spec.sites).map(([id, site]) => [id, site.certificates ? { ...site, certificates: site.certificates.map(replace) } : site]),
  );
  return { ...spec, tls, sites };
}

/**
 * The spec reduced to one site in the one-site form (domain, aliases, routes), the site's first
 * certificate as tls.certificate and the site answering every name: what the benchmark loads.
 */
export function asOneSite(spec: Spec, site: Site): Spec {
  const { sites: _sites, ...rest } = spec;
  const [domain, ...aliases] = site.names;
  const cert = site.certificates[0] ?? { certificate: spec.tls.certificate, key: spec.tls.certificateKey };
  return { ...rest, domain, aliases, routes: site.routes, defaultServer: "first-site", tls: { ...spec.tls, certificate: cert.certificate, certificateKey: cert.key } };
}
