// Traffic split of a proxied route between upstream pools (a canary), on a stable key: a cookie
// edgekit sets when it is absent, a request header, or the client address. The model renders it as
// nginx's split_clients (src/model/nginx-split.ts).
import { z } from "zod";
import { sinceText } from "../nginx-features/index.js";
import { cookieName, durationSeconds, headerName, identifier } from "./values.js";

/** nginx reads a cookie as $cookie_<name>, so the name is letters, digits and '_' only. */
const variableCookieName = () => z.string().regex(/^[A-Za-z0-9_]{1,64}$/, "a cookie name of letters, digits and '_' (nginx reads it as $cookie_<name>)");

const share = z
  .strictObject({
    upstream: identifier().describe("Upstream pool this share goes to."),
    percent: z
      .number()
      .min(0.01)
      .max(100)
      .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-9, "a percentage with at most 2 decimals (nginx's split_clients precision)")
      .describe("Share of keys sent to this pool, in percent (at most 2 decimals); the shares add up to 100."),
  })
  .describe("One pool of a split and its share.");

export const splitSettings = z
  .strictObject({
    by: z
      .enum(["cookie", "header", "client_ip"])
      .default("cookie")
      .describe(
        "The key a client is split on. cookie: edgekit's cookie, set (HttpOnly, SameSite=Lax, Path=/, Secure under TLS) to a random value on the first response, so each new client is drawn anew and a returning one keeps its side; header: a request header (a user id set by an auth proxy), a request without it is drawn at random each time; client_ip: the client address (after realIp), one side per address.",
      ),
    cookie: z
      .strictObject({
        name: variableCookieName().default("edgekit_split").describe("Cookie name."),
        maxAge: durationSeconds().default("30d").describe("Max-Age of the cookie: how long a client keeps its side."),
      })
      .prefault({})
      .describe("The cookie (by: cookie)."),
    header: headerName().nullable().default(null).describe("Request header to split on (by: header; required there)."),
    to: z.array(share).min(2).max(16).describe("Pools and their shares (2 to 16, adding up to 100)."),
  })
  .superRefine((s, ctx) => {
    if (s.by === "header" && s.header === null) ctx.addIssue({ code: "custom", path: ["header"], message: "by: header needs the header's name" });
    if (s.by !== "header" && s.header !== null) ctx.addIssue({ code: "custom", path: ["header"], message: `header is only read with by: header (by is ${s.by})` });
    if (!s.to.every((t) => typeof t.percent === "number")) return;
    const total = s.to.reduce((n, t) => n + Math.round(t.percent * 100), 0);
    if (total !== 10_000) ctx.addIssue({ code: "custom", path: ["to"], message: `shares add up to ${total / 100}%, not 100%` });
    const seen = new Set<string>();
    s.to.forEach((t, i) => {
      if (seen.has(t.upstream)) ctx.addIssue({ code: "custom", path: ["to", i, "upstream"], message: `upstream '${t.upstream}' has two shares` });
      seen.add(t.upstream);
    });
  })
  .describe("A weighted split between upstream pools on a stable key (a canary: 90 to v1, 10 to v2).");

export const splitField = {
  split: splitSettings
    .nullable()
    .default(null)
    .describe("Split this route's requests between upstream pools (replaces upstream). null: one pool."),
};

export const stickyField = {
  sticky: z
    .strictObject({
      cookie: cookieName().default("edgekit_server").describe("Cookie naming the server a client is bound to."),
      expires: durationSeconds().nullable().default(null).describe("Cookie lifetime; null: a session cookie (until the browser closes)."),
    })
    .nullable()
    .default(null)
    .describe(`Bind each client to one server of the pool with nginx's own \`sticky cookie\` (${sinceText("sticky")}; rule sticky-needs-nginx). The cookie is HttpOnly, SameSite=Lax, Path=/, Secure under TLS. null: no affinity.`),
};
