// Error pages: the body nginx sends, per status, in place of its own HTML page. One fragment, used
// at the top level (the default for every route), on a route (over the default, status by status),
// and by a site.
//
// A page replaces the errors nginx generates itself: the backend down or refusing (502), too slow
// (504), busy at its connection limit, a rate limit (429 or the limit's status), a body too large
// (413), an access list (403), no route (404). A response the backend writes itself reaches the
// client unchanged, whatever its status: an API's own 404 or 422 JSON carries meaning a generic page
// would erase, and nginx can only replace the backend's responses for every status that has a page
// at once (proxy_intercept_errors), not for 5xx alone.
import { z } from "zod";
import { bodyContentType, errorStatus, responseBody } from "./responses.js";
import { headerValue, responseHeaderName } from "./values.js";

export const errorPage = z
  .strictObject({
    contentType: bodyContentType("application/json"),
    body: responseBody().describe("The page's body, as written (a `$` is literal, not an nginx variable)."),
    headers: z
      .record(responseHeaderName(), headerValue())
      .default({})
      .describe("Extra headers on this page, e.g. Retry-After on a 503 or 429 (security headers are always sent too). Not Content-Type (use contentType)."),
  })
  .superRefine((page, ctx) => {
    for (const name of Object.keys(page.headers)) {
      if (name.toLowerCase() === "content-type") ctx.addIssue({ code: "custom", path: ["headers", name], message: "set the page's Content-Type with contentType (a second Content-Type leaves clients guessing)" });
    }
  })
  .describe("One error page: a body nginx sends with the status it replaces.");

export const errorPages = z
  .record(errorStatus(), errorPage)
  .default({})
  .describe(
    "Error pages by status (400-599), e.g. 502: { body: '{\"error\":\"unavailable\"}' }. They replace the errors nginx generates itself (backend down 502, timeout 504, rate limit 429, body too large 413, access denied 403, no route 404), even with every backend down; a response the backend writes itself passes unchanged.",
  );

export type ErrorPages = z.output<typeof errorPages>;
export type ErrorPage = ErrorPages[string];
