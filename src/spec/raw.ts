// The escape hatch: nginx directives written by hand, at http, server and location level. Checked
// by rule raw-directives (parsed by src/nginx-syntax, include and load_module refused) and linted
// with the rendered config; marked in the output (src/model/nginx-raw.ts).
import { z } from "zod";

const MAX_RAW = 16_384;

export const rawSnippet = () =>
  z
    .string()
    .max(MAX_RAW)
    .regex(/^[^\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x7f]*$/, "text without control characters (tab and newlines are fine)")
    .default("");

export const rawSection = z
  .strictObject({
    http: rawSnippet().describe("nginx directives added near the top of the http block, before edgekit's maps and servers (so *_hash_bucket_size settings apply to them): maps, log formats, zones."),
    server: rawSnippet().describe(
      "nginx directives added to the server block(s) that carry the routes (https, or the plain server without TLS): the one site's, or with sites every site's (before the site's own raw; a site's raw takes what only it needs).",
    ),
  })
  .prefault({})
  .describe(
    "Escape hatch: nginx directives written by hand, parsed and linted like edgekit's own output and refused when they fail. A snippet must be whole (balanced braces, no quoted string across lines); include and load_module are refused. Empty: nothing.",
  );

export const routeRawField = {
  raw: rawSnippet().describe("Escape hatch: nginx directives added at the end of this route's location block (parsed and linted; see raw)."),
};
