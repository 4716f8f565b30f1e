// Static-site fields of a static route: the SPA history fallback and long-lived caching for
// hashed (fingerprinted) asset names. The model turns them into nested locations
// (src/model/nginx-static.ts).
import { z } from "zod";
import { duration } from "./values.js";

/** Characters a hashed-asset pattern may use: no '/', quotes, '$', ';', '#', braces-free of nginx meaning once quoted. */
const ASSET_PATTERN = /^[A-Za-z0-9_\-.\\[\]{}(),|?*+:^]{1,200}$/;

/** A regex matched against an asset's file name (the last path segment), written in the common subset of PCRE and JavaScript. */
export const assetPattern = () =>
  z
    .string()
    .regex(ASSET_PATTERN, "a regex of at most 200 characters without '/', quotes, '$', ';', '#' or spaces (it is matched against the file name)")
    .refine((v) => !ASSET_PATTERN.test(v) || compiles(v), "a regex that compiles");

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
}

export const spaSettings = z
  .strictObject({
    shell: z
      .string()
      .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}\.html$/, "an HTML file name in the route's root, such as index.html")
      .default("index.html")
      .describe("The HTML shell served (200, Cache-Control: no-cache) for any path of the route that names no file."),
  })
  .describe(
    "History-API fallback: a path without a file extension (/dashboard/settings) that matches no file gets the shell; a path with one (/assets/x.js, /logo.png) is the file or 404, never the shell. A deep link whose last segment holds a dot (/users/jane.doe) therefore counts as a file.",
  );

export const hashedAssetsSettings = z
  .strictObject({
    pattern: assetPattern()
      .default("-[0-9a-f]{8,}\\.")
      .describe("Regex matched against the file name (the last path segment); a match is a fingerprinted asset whose content never changes under that name. Default: a dash, 8 or more lowercase hex digits, then a dot (app-1a2b3c4d.js)."),
    expires: duration().default("365d").describe("max-age sent with 'immutable' for hashed assets."),
  })
  .describe("Long-lived caching for fingerprinted asset names: Cache-Control: public, max-age=<expires>, immutable.");

/** The fields a static route gains; with either set, HTML documents are sent with Cache-Control: no-cache. */
export const staticSiteFields = {
  spa: spaSettings
    .nullable()
    .default(null)
    .describe("Serve a single-page app: history-API fallback to the shell. null: a path that matches no file is 404."),
  hashedAssets: hashedAssetsSettings
    .nullable()
    .default(null)
    .describe("Cache fingerprinted assets forever (immutable). With spa or hashedAssets set, .html files and the shell get Cache-Control: no-cache and other files the route's expires; null (and spa null): every file gets the route's expires."),
};
