// Route CORS: which web origins may read this route's responses from a browser. nginx answers it
// all at the edge: preflights get 204, an allowed origin gets the Access-Control-* headers and an
// origin outside the list gets none.
import { z } from "zod";
import { headerName } from "./values.js";

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
/** scheme://host[:port], lower case, no path; the host may start with `*.` (one DNS label) when two or more labels follow. */
export const ORIGIN = new RegExp(`^https?://(?:\\*\\.${LABEL}(?:\\.${LABEL})+|${LABEL}(?:\\.${LABEL})*)(?::[0-9]{1,5})?$`);

const origin = () =>
  z
    .string()
    .max(300)
    .refine((v) => v === "*" || ORIGIN.test(v), {
      message:
        "an origin such as https://app.example.com or http://localhost:5173 (lower case, no path or trailing slash), one with a wildcard first label such as https://*.example.com, or '*' for any origin",
    });

/** The CORS response headers the edge owns on a route with `cors`. */
export const CORS_RESPONSE_HEADERS = [
  "Access-Control-Allow-Origin",
  "Access-Control-Allow-Credentials",
  "Access-Control-Allow-Methods",
  "Access-Control-Allow-Headers",
  "Access-Control-Max-Age",
  "Access-Control-Expose-Headers",
] as const;

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

export const routeCors = z
  .strictObject({
    origins: z
      .array(origin())
      .min(1)
      .max(64)
      .describe(
        "Origins allowed to read responses: exact origins (https://app.example.com), a wildcard first label (https://*.example.com matches https://a.example.com, not https://example.com nor https://a.b.example.com), or ['*'] for any origin (never with credentials). Any other origin gets no CORS headers at all.",
      ),
    methods: z.array(z.enum(METHODS)).min(1).default(["GET", "HEAD", "POST"]).describe("Methods a preflight allows (Access-Control-Allow-Methods)."),
    headers: z
      .array(headerName())
      .max(64)
      .default([])
      .describe("Request headers a preflight allows beyond the CORS-safelisted ones (Access-Control-Allow-Headers), such as Content-Type or Authorization."),
    exposeHeaders: z.array(headerName()).max(64).default([]).describe("Response headers scripts may read beyond the safelisted ones (Access-Control-Expose-Headers)."),
    credentials: z
      .boolean()
      .default(false)
      .describe("Let the browser send cookies and HTTP authentication and read the response (Access-Control-Allow-Credentials: true); needs exact origins, never '*'."),
    maxAge: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(600)
      .describe("How long, in seconds, a browser may reuse a preflight's answer (Access-Control-Max-Age; browsers cap it: Chromium at 7200)."),
  })
  .superRefine((c, ctx) => {
    if (!Array.isArray(c.origins) || !c.origins.includes("*")) return;
    if (c.origins.length > 1) ctx.addIssue({ code: "custom", path: ["origins"], message: "'*' allows every origin: list it alone or list exact origins" });
    if (c.credentials === true) {
      ctx.addIssue({ code: "custom", path: ["credentials"], message: "credentials with origin '*': browsers refuse it, and reflecting every origin would let any website read responses with the visitor's cookies; list the exact origins" });
    }
  })
  .describe("CORS for this route, answered at the edge (the backend's own Access-Control-* headers are dropped). Absent: no CORS headers.");

export type RouteCors = z.output<typeof routeCors>;
