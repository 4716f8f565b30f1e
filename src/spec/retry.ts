// Route field retry: when nginx passes a proxied request on to the next server of the pool
// (proxy_next_upstream), how many servers it tries and for how long. What it lists is also what
// counts as a failed attempt toward a server's maxFails (passive health).
import { z } from "zod";
import { duration } from "./values.js";

export const RETRY_CONDITIONS = ["error", "timeout", "invalid_header", "http_500", "http_502", "http_503", "http_504", "http_429"] as const;
export type RetryCondition = (typeof RETRY_CONDITIONS)[number];

export const DEFAULT_RETRY_ON: RetryCondition[] = ["error", "timeout"];
export const DEFAULT_RETRY_TRIES = 3;

export const retry = () =>
  z
    .strictObject({
      on: z
        .array(z.enum(RETRY_CONDITIONS))
        .default(DEFAULT_RETRY_ON)
        .describe(
          "proxy_next_upstream: when a request goes on to the next server. error (connection refused or reset, no answer), timeout (connect or read timeout before the response started), invalid_header, http_500/502/503/504/429 (the server answered that status). Each listed case also counts as a failed attempt toward the server's maxFails when nginx passes the request on (so not for a POST, nor on the last try), so listing http_502/http_503 takes a server that answers them out of the pool for failTimeout. Empty: never retry (proxy_next_upstream off).",
        ),
      tries: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(DEFAULT_RETRY_TRIES)
        .describe("proxy_next_upstream_tries: most servers one request is tried on, the first included (1 never retries). 3: two servers gone at once (a scale-down from 3 replicas to 1, whose addresses nginx keeps until it resolves the name again) cost a client no error; each server is tried at most once."),
      timeout: duration()
        .nullable()
        .default(null)
        .describe("proxy_next_upstream_timeout: no further server is tried once this much time has passed since the first try. null: no limit beyond tries and the route's timeouts."),
      nonIdempotent: z
        .boolean()
        .default(false)
        .describe(
          "Also retry POST, PATCH and LOCK once the request was sent (nginx's non_idempotent): the first server may already have acted on it. Off by default; a request whose connection failed before it was sent is always passed on.",
        ),
    })
    .prefault({})
    .describe("Retries to the next server of the pool (proxy_next_upstream) and what counts toward a server's maxFails.");
