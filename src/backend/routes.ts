/**
 * Request handlers of the reference backend (plain node:http, no framework).
 *
 * Every non-streaming response carries Content-Type and Content-Length; no
 * handler sets `Connection: close` (server.ts does so only while draining).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { BackendConfig } from "./config.js";
import type { BackendMetrics } from "./metrics.js";

/** Request bodies above this size get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const SSE_DEFAULT_INTERVAL_MS = 1000;
export const SSE_MIN_INTERVAL_MS = 10;
export const SSE_MAX_INTERVAL_MS = 3_600_000;
export const SLOW_DEFAULT_MS = 1000;
export const SLOW_MAX_MS = 300_000;

const JSON_TYPE = "application/json; charset=utf-8";
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export interface RouterOptions {
  config: BackendConfig;
  metrics: BackendMetrics;
  /** True once graceful shutdown has started. */
  isDraining(): boolean;
}

export interface Router {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Send a final `event: shutdown` to every open SSE stream and end it; returns how many were open. */
  closeStreams(reason: string): number;
  readonly openStreams: number;
}

export interface Tool {
  name: string;
  description: string;
  inputSchema: {
    type: "object";
    properties: Record<string, Record<string, unknown>>;
    required: string[];
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => void | Promise<void>;

interface Route {
  path: string;
  handlers: Partial<Record<"GET" | "POST", Handler>>;
  /** Long-lived response: excluded from the duration histogram. */
  streaming?: boolean;
}

// ---------------------------------------------------------------------------
// Static payloads

const TOOL_NOUNS = [
  ["file", "files", "file"],
  ["directory", "directories", "directory"],
  ["issue", "issues", "issue"],
  ["pull_request", "pull_requests", "pull request"],
  ["commit", "commits", "commit"],
  ["branch", "branches", "branch"],
  ["release", "releases", "release"],
  ["deployment", "deployments", "deployment"],
] as const;

const TOOL_VERBS = ["list", "get", "create", "update", "delete"] as const;

/** 40 deterministic, MCP-style tool descriptors (8 nouns x 5 verbs). */
export function buildTools(): Tool[] {
  const tools: Tool[] = [];
  for (const [noun, plural, label] of TOOL_NOUNS) {
    for (const verb of TOOL_VERBS) {
      const properties: Record<string, Record<string, unknown>> = {};
      let required: string[] = [];
      let description: string;
      switch (verb) {
        case "list":
          description = `List ${plural.replace("_", " ")}, newest first.`;
          properties.limit = { type: "integer", minimum: 1, maximum: 100 };
          properties.cursor = { type: "string" };
          break;
        case "get":
          description = `Get one ${label} by id.`;
          properties.id = { type: "string" };
          required = ["id"];
          break;
        case "create":
          description = `Create a new ${label}.`;
          properties.name = { type: "string" };
          properties.body = { type: "string" };
          required = ["name"];
          break;
        case "update":
          description = `Update an existing ${label}.`;
          properties.id = { type: "string" };
          properties.body = { type: "string" };
          required = ["id"];
          break;
        case "delete":
          description = `Permanently delete one ${label}.`;
          properties.id = { type: "string" };
          required = ["id"];
          break;
      }
      tools.push({
        name: `${verb}_${verb === "list" ? plural : noun}`,
        description,
        inputSchema: { type: "object", properties, required },
      });
    }
  }
  return tools;
}

function buildConfigPayload(config: BackendConfig): Record<string, unknown> {
  return {
    service: "edgekit-reference-backend",
    version: config.version,
    api: {
      basePath: "/api/v1",
      endpoints: ["/health", "/version", "/metrics", "/api/v1/config", "/api/v1/sse", "/api/tools", "/api/echo", "/api/slow", "/api/cacheable"],
    },
    features: { sse: true, echo: true, cacheable: true, metrics: true },
    limits: {
      maxBodyBytes: MAX_BODY_BYTES,
      sseDefaultIntervalMs: SSE_DEFAULT_INTERVAL_MS,
      sseMinIntervalMs: SSE_MIN_INTERVAL_MS,
      slowMaxMs: SLOW_MAX_MS,
    },
    timeouts: {
      keepAliveTimeoutMs: config.keepAliveTimeoutMs,
      headersTimeoutMs: config.headersTimeoutMs,
      sseHeartbeatMs: config.sseHeartbeatMs,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
    },
    httpClient: { ...config.httpClient },
  };
}

// ---------------------------------------------------------------------------
// Helpers

function send(res: ServerResponse, status: number, contentType: string, body: Buffer | string, headers: Record<string, string> = {}): void {
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, "Content-Type": contentType, "Content-Length": String(buf.length) });
  res.end(buf); // Node drops the body itself for HEAD.
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  send(res, status, JSON_TYPE, JSON.stringify(body), headers);
}

function sendError(res: ServerResponse, status: number, error: string, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, { error, message }, headers);
}

/** Integer query parameter: `undefined` when absent, `null` when malformed or out of range. */
function intParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined | null {
  const v = query.get(name);
  if (v === null) return undefined;
  if (!/^\d{1,15}$/.test(v)) return null;
  const n = Number(v);
  return n >= min && n <= max ? n : null;
}

class BodyTooLarge extends Error {}
class ClientGone extends Error {}

/** Read the whole body; rejects with BodyTooLarge past `limit` (the rest is drained and discarded). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return; // keep the stream flowing so the keep-alive socket stays usable
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!over) resolve(Buffer.concat(chunks, size));
    });
    req.on("error", () => reject(new ClientGone()));
    req.on("close", () => {
      if (!req.complete) reject(new ClientGone());
    });
  });
}

// ---------------------------------------------------------------------------

export function createRouter(options: RouterOptions): Router {
  const { config, metrics, isDraining } = options;
  const toolsBody = Buffer.from(JSON.stringify(buildTools()));
  const configBody = Buffer.from(JSON.stringify(buildConfigPayload(config)));
  const versionBody = Buffer.from(JSON.stringify({ version: config.version, node: process.version }));
  const streams = new Set<(reason: string) => void>();
  let cacheableHits = 0;

  const echo: Handler = async (req, res) => {
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        sendError(res, 413, "payload_too_large", `request body exceeds ${MAX_BODY_BYTES} bytes`);
      }
      return; // ClientGone: nobody to answer
    }
    try {
      JSON.parse(body.toString("utf8"));
    } catch {
      sendError(res, 400, "invalid_json", "request body must be a JSON document");
      return;
    }
    send(res, 200, JSON_TYPE, body);
  };

  const sse: Handler = (req, res, query) => {
    if (isDraining()) {
      sendJson(res, 503, { status: "draining" }, { "Retry-After": "1" });
      return;
    }
    const interval = intParam(query, "interval", 0, SSE_MAX_INTERVAL_MS);
    const count = intParam(query, "count", 1, Number.MAX_SAFE_INTEGER);
    if (interval === null) return sendError(res, 400, "bad_request", `interval must be an integer of milliseconds (min ${SSE_MIN_INTERVAL_MS})`);
    if (count === null) return sendError(res, 400, "bad_request", "count must be a positive integer");
    const intervalMs = Math.max(SSE_MIN_INTERVAL_MS, interval ?? SSE_DEFAULT_INTERVAL_MS);
    const lastId = Number.parseInt(String(req.headers["last-event-id"] ?? ""), 10);
    let id = Number.isSafeInteger(lastId) && lastId >= 0 ? lastId : 0;
    let sent = 0;

    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      "X-Accel-Buffering": "no",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    res.write(`retry: ${Math.max(1000, intervalMs)}\n\n`);
    metrics.sseClients.inc();

    const tick = setInterval(() => {
      if (res.writableNeedDrain) return; // slow reader: drop this tick rather than buffer without bound
      id += 1;
      sent += 1;
      res.write(`id: ${id}\nevent: tick\ndata: ${JSON.stringify({ n: id, time: new Date().toISOString() })}\n\n`);
      if (count !== undefined && sent >= count) finish();
    }, intervalMs);
    // `?heartbeat=0` keeps the stream silent between ticks: tests use it to show that the edge's
    // read timeout really cuts a stream that heartbeats would have kept alive.
    const heartbeat =
      query.get("heartbeat") === "0"
        ? undefined
        : setInterval(() => {
            if (!res.writableNeedDrain) res.write(": heartbeat\n\n");
          }, config.sseHeartbeatMs);

    let done = false;
    const cleanup = (): void => {
      if (done) return;
      done = true;
      clearInterval(tick);
      clearInterval(heartbeat);
      streams.delete(close);
      metrics.sseClients.dec();
    };
    const finish = (): void => {
      cleanup();
      res.end();
    };
    const close = (reason: string): void => {
      if (done) return;
      res.write(`event: shutdown\ndata: ${JSON.stringify({ reason })}\n\n`);
      finish();
    };
    streams.add(close);
    res.on("close", cleanup);
  };

  const routes: Route[] = [
    {
      path: "/health",
      handlers: {
        GET: (_req, res) =>
          isDraining()
            ? sendJson(res, 503, { status: "draining" }, { "Cache-Control": "no-store" })
            : sendJson(res, 200, { status: "ok" }, { "Cache-Control": "no-store" }),
      },
    },
    { path: "/version", handlers: { GET: (_req, res) => send(res, 200, JSON_TYPE, versionBody) } },
    { path: "/api/v1/config", handlers: { GET: (_req, res) => send(res, 200, JSON_TYPE, configBody) } },
    { path: "/api/tools", handlers: { GET: (_req, res) => send(res, 200, JSON_TYPE, toolsBody), POST: echo } },
    { path: "/api/echo", handlers: { POST: echo } },
    { path: "/api/v1/sse", handlers: { GET: sse }, streaming: true },
    {
      path: "/metrics",
      handlers: {
        GET: async (_req, res) => send(res, 200, metrics.contentType, await metrics.render(), { "Cache-Control": "no-store" }),
      },
    },
    {
      path: "/api/slow",
      handlers: {
        GET: (_req, res, query) => {
          const ms = intParam(query, "ms", 0, SLOW_MAX_MS);
          if (ms === null) return sendError(res, 400, "bad_request", `ms must be an integer between 0 and ${SLOW_MAX_MS}`);
          const waitMs = ms ?? SLOW_DEFAULT_MS;
          const timer = setTimeout(() => sendJson(res, 200, { sleptMs: waitMs }), waitMs);
          res.on("close", () => clearTimeout(timer));
        },
      },
    },
    {
      path: "/api/cacheable",
      handlers: {
        GET: (_req, res) => {
          cacheableHits += 1;
          sendJson(res, 200, { hits: cacheableHits, generatedAt: new Date().toISOString() }, { "Cache-Control": "public, max-age=60" });
        },
      },
    },
  ];
  const byPath = new Map(routes.map((r) => [r.path, r]));

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const start = process.hrtime.bigint();
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q === -1 ? "" : rawUrl.slice(q + 1));
    const route = byPath.get(path);
    const method = req.method ?? "GET";

    res.once("close", () => {
      const labels = {
        method: KNOWN_METHODS.has(method) ? method : "OTHER",
        route: route?.path ?? "unmatched",
        // Response never completed and nothing was sent: the client went away (nginx logs this as 499).
        status: !res.writableFinished && !res.headersSent ? "499" : String(res.statusCode),
      };
      metrics.httpRequestsTotal.inc(labels);
      if (!route?.streaming) {
        metrics.httpRequestDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      }
    });

    if (!route) {
      sendError(res, 404, "not_found", `no route for ${path}`);
      return;
    }
    const handler = method === "HEAD" ? route.handlers.GET : route.handlers[method as "GET" | "POST"];
    if (!handler) {
      const allow = Object.keys(route.handlers);
      if (route.handlers.GET) allow.push("HEAD");
      sendError(res, 405, "method_not_allowed", `${method} not allowed on ${path}`, { Allow: allow.join(", ") });
      return;
    }
    let result: void | Promise<void>;
    try {
      result = handler(req, res, query);
    } catch (err) {
      fail(res, err);
      return;
    }
    if (result) result.catch((err: unknown) => fail(res, err));
  }

  function fail(res: ServerResponse, err: unknown): void {
    if (!res.headersSent && !res.destroyed) {
      sendError(res, 500, "internal_error", err instanceof Error ? err.message : String(err));
    } else {
      res.destroy();
    }
  }

  return {
    handle,
    closeStreams(reason) {
      const open = [...streams];
      for (const close of open) close(reason);
      return open.length;
    },
    get openStreams() {
      return streams.size;
    },
  };
}
