/**
 * HTTP server lifecycle: socket tracking, keep-alive/timeouts, graceful shutdown.
 */
import http from "node:http";
import type { Socket } from "node:net";
import type { BackendConfig } from "./config.js";
import { createHttpClient, type HttpClient } from "./http-client.js";
import { createMetrics, type BackendMetrics } from "./metrics.js";
import { createRouter } from "./routes.js";

export type LogFn = (entry: Record<string, unknown>) => void;

export interface StartOptions {
  /** Structured log sink (one object per event). Default: silent. */
  log?: LogFn;
}

export interface RunningBackend {
  server: http.Server;
  /** Actual listening port (useful with `port: 0`). */
  port: number;
  metrics: BackendMetrics;
  httpClient: HttpClient;
  /**
   * Graceful shutdown; idempotent (later calls return the same promise).
   * Resolves once every socket is closed and the outgoing pool is closed.
   */
  shutdown(reason?: string): Promise<void>;
}

/** The response Node currently has attached to a server socket (internal but long-stable field). */
function httpMessageOf(socket: Socket): http.ServerResponse | null | undefined {
  return (socket as Socket & { _httpMessage?: http.ServerResponse | null })._httpMessage;
}

/** How long a request may take to arrive in full (headers + body). Bodies are capped at 1 MiB. */
function requestTimeoutFor(config: BackendConfig): number {
  return Math.max(config.headersTimeoutMs, 60_000);
}

export async function startBackend(config: BackendConfig, options: StartOptions = {}): Promise<RunningBackend> {
  const log: LogFn = options.log ?? (() => {});
  const httpClient = createHttpClient(config.httpClient);
  const metrics = createMetrics({ httpClientStats: () => httpClient.stats() });
  let draining = false;
  const router = createRouter({ config, metrics, isDraining: () => draining });

  const sockets = new Set<Socket>();
  const inFlight = new Set<http.ServerResponse>();
  let onAllSocketsClosed: (() => void) | undefined;

  const server = http.createServer({
    keepAliveTimeout: config.keepAliveTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: requestTimeoutFor(config),
    // How often Node enforces headersTimeout/requestTimeout (default 30 s is coarse).
    connectionsCheckingInterval: Math.min(5_000, config.headersTimeoutMs),
  });

  server.on("connection", (socket: Socket) => {
    metrics.tcpConnectionsAccepted.inc();
    metrics.tcpConnectionsOpen.inc();
    sockets.add(socket);
    socket.once("close", () => {
      sockets.delete(socket);
      metrics.tcpConnectionsOpen.dec();
      if (sockets.size === 0) onAllSocketsClosed?.();
    });
  });

  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    // While draining, tell the client (nginx) not to reuse this connection.
    if (draining) res.setHeader("Connection", "close");
    inFlight.add(res);
    const socket = req.socket;
    res.once("close", () => {
      inFlight.delete(res);
      // A response whose headers went out before draining began (SSE, long downloads) still
      // said keep-alive: once it is done, end its socket, after flushing what is buffered.
      // Checked on the next turn, after Node has attached any pipelined follow-up response.
      if (draining) {
        setImmediate(() => {
          const next = httpMessageOf(socket);
          if (!socket.destroyed && (!next || next.writableFinished)) socket.destroySoon();
        });
      }
    });
    router.handle(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: config.port, host: config.host }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err) => log({ level: "error", msg: "server error", error: err.message }));

  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;

  let shutdownPromise: Promise<void> | undefined;

  const shutdown = (reason = "shutdown"): Promise<void> => {
    shutdownPromise ??= (async () => {
      const startedAt = Date.now();
      draining = true;
      log({ level: "info", msg: "shutdown started", reason, inFlight: inFlight.size, sockets: sockets.size, sseClients: router.openStreams });

      // Responses still being computed will close their connection when done.
      for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");

      // Stop accepting; since Node 19 this also runs server.closeIdleConnections(). Its callback
      // can run a tick before the last socket's own 'close' event, so wait for both.
      const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      const socketsClosed = new Promise<void>((resolve) => {
        if (sockets.size === 0) resolve();
        else onAllSocketsClosed = resolve;
      });
      const closed = Promise.all([listenerClosed, socketsClosed]);
      // server.close() left alone sockets that never sent a byte (e.g. browser pre-connects).
      for (const socket of sockets) {
        if (socket.bytesRead === 0 && !httpMessageOf(socket)) socket.destroy();
      }
      // Only now end SSE streams: server.close() destroys sockets whose response has ended,
      // possibly before the final event is flushed. These close gracefully (request handler).
      const streams = router.closeStreams(reason);

      let forced = 0;
      const deadline = setTimeout(() => {
        forced = sockets.size;
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }, config.shutdownTimeoutMs);
      await closed;
      clearTimeout(deadline);

      // Outgoing pool: let running calls finish within what is left of the grace period.
      const left = Math.max(0, config.shutdownTimeoutMs - (Date.now() - startedAt));
      let poolTimer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        poolTimer = setTimeout(() => resolve(true), left);
      });
      const poolForced = await Promise.race([httpClient.close().then(() => false), timedOut]);
      clearTimeout(poolTimer);
      if (poolForced) await httpClient.destroy();

      log({ level: "info", msg: "shutdown complete", reason, durationMs: Date.now() - startedAt, sseStreamsEnded: streams, forcedSockets: forced, poolForced });
    })();
    return shutdownPromise;
  };

  return { server, port, metrics, httpClient, shutdown };
}
