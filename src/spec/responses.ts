// Answers nginx gives itself, without a backend: the fields of the `respond` and `redirect` route
// kinds, and the text and status types error pages share with them. A body or URL is free text that
// reaches nginx as one quoted argument (quoteText): `$` stays literal, newlines become \n.
import { z } from "zod";
import { NGINX_MAX_QUOTED_ARGUMENT, quotedTextBytes } from "../nginx-syntax/quote.js";
import { mimeType } from "./values.js";

/** Statuses nginx uses for itself (close without answer, its 494-499 internal codes): never answered or paged. */
const NGINX_INTERNAL_STATUSES = [444, 494, 495, 496, 497, 499];

/**
 * A response body nginx sends itself: text (UTF-8; newlines and tabs allowed, other control characters
 * not), at most one nginx argument once quoted. Measured with nginx -t (test/host/spec/responses.live.test.ts):
 * a body of 4,093 plain bytes passes and 4,094 fail; `"`, `\`, newline and tab count twice, a `$` 17 times
 * (it is written `${edgekit_dollar}`), a non-ASCII character as its UTF-8 bytes.
 */
export const responseBody = () =>
  z
    .string()
    .regex(/^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$/, "text without control characters (newlines and tabs are fine)")
    .refine((v) => quotedTextBytes(v) <= NGINX_MAX_QUOTED_ARGUMENT, {
      error: (issue) =>
        `at most ${NGINX_MAX_QUOTED_ARGUMENT - 2} bytes as nginx reads it (this one is ${quotedTextBytes(String(issue.input)) - 2}: each " \\ newline and tab counts 2, each $ 17, a non-ASCII character its UTF-8 bytes): nginx refuses a longer directive argument ("too long parameter")`,
    });

/** The Content-Type of a body nginx writes (charset utf-8 is added to text/html and text/plain). */
export const bodyContentType = (fallback: string) => mimeType().default(fallback).describe("Content-Type of the body (nginx adds '; charset=utf-8' to text/html and text/plain).");

/** A status nginx answers with a body: 2xx, 4xx or 5xx (3xx is a redirect; not nginx's own 444 and 494-499). */
export const bodyStatus = () =>
  z
    .number()
    .int()
    .min(200)
    .max(599)
    .refine((s) => s < 300 || s >= 400, "a 3xx status is a redirect: use kind: redirect (with `to`)")
    .refine((s) => !NGINX_INTERNAL_STATUSES.includes(s), `not one of nginx's own codes (${NGINX_INTERNAL_STATUSES.join(", ")})`);

/** An error status a page can be given for: 400-599, not nginx's own codes. */
export const errorStatus = () =>
  z
    .string()
    .regex(/^[45][0-9]{2}$/, "an error status from 400 to 599")
    .refine((s) => !NGINX_INTERNAL_STATUSES.includes(Number(s)), `not one of nginx's own codes (${NGINX_INTERNAL_STATUSES.join(", ")})`);

/** Statuses whose response has no body (RFC 9110): a respond route with one of these has an empty body. */
export const BODILESS_STATUSES = [204, 205];

/** Headers a route's own `headers` may not set where nginx writes them from the route's fields. */
export const ANSWER_OWNED_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "nginx writes it from contentType; a second Content-Type leaves clients guessing",
  location: "nginx writes it from `to`; a second Location leaves clients guessing",
};

/**
 * A redirect target: an absolute http(s) URL or an absolute path, in URL characters only
 * (RFC 3986: unreserved, reserved and %). `$` is literal (never an nginx variable).
 */
export const redirectTarget = () =>
  z
    .string()
    .max(2048)
    .regex(
      /^(https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?)?\/(?!\/)[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*$|^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$/,
      "an absolute path (/new/place) or an http(s) URL (https://example.com/place) in URL characters (percent-encode others)",
    );

export const respondFields = {
  status: bodyStatus().default(200).describe("Status nginx answers with: 2xx, 4xx or 5xx (a 3xx is kind: redirect), e.g. 503 for maintenance."),
  body: responseBody().default("").describe("Body nginx sends, as written (a `$` is literal, not an nginx variable); empty by default, always empty for 204 and 205."),
  contentType: bodyContentType("text/plain"),
};

export const redirectFields = {
  to: redirectTarget().describe("Where to send the client: an absolute path (/new/) or an http(s) URL. Written to Location as given (a `$` is literal)."),
  status: z
    .union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)])
    .default(302)
    .describe("301/308 are permanent (browsers cache them), 302/307 temporary; 307 and 308 keep the method and body of a POST."),
  keepPath: z
    .boolean()
    .default(false)
    .describe("Append the rest of the request's path after the route's prefix to `to`, as the client sent it (still encoded): /old/a%20b to /new/a%20b. Prefix routes only."),
  keepQuery: z.boolean().default(true).describe("Append the request's query string (?a=1) to the target; `to` then has no query of its own."),
};
