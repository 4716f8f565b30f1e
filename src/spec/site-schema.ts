// The `sites` and `defaultServer` fields: several server blocks on one edge. A factory over the
// route and header schemas (which live in schema.ts) so this file does not import schema.ts back.
// The cross-field checks (names unique across sites, `domain` and `sites` not together) are
// `checkSites`, run by the spec schema's superRefine so every problem carries its spec path.
import { z } from "zod";
import { sinceText } from "../nginx-features/index.js";
import { errorPages } from "./error-pages.js";
import { rawSnippet } from "./raw.js";
import { absolutePath, hostname, identifier } from "./values.js";

/** Host redirect statuses: 301/308 permanent, 302/307 temporary; 307/308 keep the method and body. */
export const SITE_REDIRECT_STATUSES = [301, 302, 307, 308] as const;

/** The most certificates one site may carry (one per key type: ECDSA, RSA, and room to rotate). */
export const MAX_SITE_CERTIFICATES = 4;

const certificatePair = z
  .strictObject({
    certificate: absolutePath().describe("Certificate chain path inside the nginx container; it must lie in tls.certificate's directory, which compose mounts from container.certsDir (rule tls-files-one-dir)."),
    key: absolutePath().describe("Private key path inside the nginx container, in the same directory."),
  })
  .describe("One certificate and its key.");

export function siteSchema<R extends z.ZodType, H extends z.ZodType>(route: R, headers: H) {
  return z
    .strictObject({
      names: z
        .array(hostname())
        .min(1)
        .describe("Names the site answers to (server_name, matched against Host and the TLS SNI); the first is its primary name."),
      certificates: z
        .array(certificatePair)
        .min(1)
        .max(MAX_SITE_CERTIFICATES)
        .optional()
        .describe(
          "The site's certificates, chosen by SNI. Several are for several key types (an ECDSA and an RSA certificate: each client gets the one it supports), not for several names. Absent: tls.certificate and tls.certificateKey.",
        ),
      routes: z
        .array(route)
        .optional()
        .describe("The site's routes, exactly as the top-level routes. Absent: everything to the only upstream as an api (none for a redirect site)."),
      headers: headers,
      errorPages: errorPages.describe(
        "This site's error pages, status by status over the top-level errorPages (the statuses it does not set come from there); a route's own errorPages replace these in turn. Same shape as the top-level errorPages.",
      ),
      redirect: z
        .strictObject({
          to: hostname().describe("Name every request is sent to (another site's name, usually), keeping the path and query."),
          status: z
            .literal(SITE_REDIRECT_STATUSES)
            .default(308)
            .describe("308 (permanent, keeps the method and body; the default), 301 (permanent; old clients may turn a POST into a GET), or 307/302 for temporary ones."),
        })
        .optional()
        .describe("Redirect the whole site to another host name (www to apex, an old name to a new one), path and query kept. A redirect site has no routes. Absent: the site serves its routes."),
      raw: rawSnippet().describe(
        "Escape hatch: nginx directives added to this site's server block that carries its routes (https, or plain HTTP without TLS), after the top-level raw.server (which goes into every site's); parsed and linted like raw.server.",
      ),
    })
    .describe("A site: one server block with its own names, certificates, routes, headers and error pages, or a host redirect.");
}

export const defaultServerField = z
  .enum(["first-site", "refuse"])
  .default("first-site")
  .describe(
    `What answers a request for a name no site lists (or a TLS client without SNI, or one that asks by IP address): first-site (the first site, as a single-site edge always did), or refuse: plain HTTP gets nginx's 444 (the connection is closed without a response) and HTTPS the TLS handshake is rejected (ssl_reject_handshake, ${sinceText("ssl-reject-handshake")}, so every supported version). The container health check and the status page keep answering on plain HTTP either way.`,
  );

type Issue = { path: (string | number)[]; message: string };

interface SitesInput {
  domain?: string | undefined;
  aliases?: readonly string[];
  routes?: readonly unknown[] | undefined;
  sites?: Record<string, { names: readonly string[]; routes?: readonly unknown[] | undefined; redirect?: unknown }> | undefined;
}

/**
 * What the schema cannot say field by field: one of `domain` and `sites`, never both (and no
 * top-level `aliases` or `routes` next to `sites`); at least one site; each name in one site only;
 * a redirect site without routes.
 */
export function checkSites(spec: SitesInput): Issue[] {
  const issues: Issue[] = [];
  if (spec.sites === undefined || spec.sites === null || typeof spec.sites !== "object") {
    if (spec.domain === undefined) issues.push({ path: ["domain"], message: "a domain (one site) or sites (several) is required" });
    return issues;
  }
  if (spec.domain !== undefined) issues.push({ path: ["domain"], message: "domain and sites together: write the domain as a site's names under sites, or drop sites" });
  if ((spec.aliases ?? []).length > 0) issues.push({ path: ["aliases"], message: "aliases belong to one site: with sites, list them in a site's names" });
  if (spec.routes !== undefined) issues.push({ path: ["routes"], message: "top-level routes with sites: move them under a site's routes" });
  const ids = Object.keys(spec.sites);
  if (ids.length === 0) issues.push({ path: ["sites"], message: "at least one site" });
  const owner = new Map<string, string>();
  for (const id of ids) {
    const site = spec.sites[id];
    // Runs after field errors too (already reported): skip what is not yet the right shape.
    if (site === null || typeof site !== "object" || !Array.isArray(site.names)) continue;
    site.names.forEach((name, j) => {
      const first = owner.get(name);
      if (first === undefined) owner.set(name, id);
      else issues.push({ path: ["sites", id, "names", j], message: first === id ? `'${name}' is listed twice in this site` : `'${name}' is already a name of site '${first}': nginx would answer it with one of the two` });
    });
    const to = (site.redirect as { to?: string } | undefined)?.to;
    if (to !== undefined && site.names.includes(to)) {
      issues.push({ path: ["sites", id, "redirect", "to"], message: `'${to}' is a name of this site: the redirect would loop` });
    }
    if (site.redirect !== undefined && site.routes !== undefined) {
      issues.push({ path: ["sites", id, "routes"], message: "a redirect site has no routes: every request is redirected" });
    }
  }
  return issues;
}
