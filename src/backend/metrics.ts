/**
 * Prometheus metrics of the reference backend, on a private Registry
 * (never prom-client's global one, so several backends can live in one process).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Snapshot of the shared outgoing HTTP pool (see http-client.ts). */
export interface HttpClientPoolStats {
  /** Open sockets. */
  connected: number;
  /** Open sockets without an active request. */
  free: number;
  /** Requests currently being processed on a socket. */
  running: number;
  /** Requests waiting for a socket. */
  pending: number;
}

export interface MetricsOptions {
  /** Collect prom-client's default process/Node metrics (default true). */
  defaultMetrics?: boolean;
  /** Read at scrape time to expose the outgoing pool's state. */
  httpClientStats?: () => HttpClientPoolStats;
}

export interface BackendMetrics {
  readonly registry: Registry;
  readonly httpRequestsTotal: Counter<"method" | "route" | "status">;
  readonly httpRequestDuration: Histogram<"method" | "route" | "status">;
  /** Incremented on every accepted TCP connection: proves (or disproves) keep-alive reuse. */
  readonly tcpConnectionsAccepted: Counter;
  readonly tcpConnectionsOpen: Gauge;
  readonly sseClients: Gauge;
  /** Prometheus text exposition of the registry. */
  render(): Promise<string>;
  readonly contentType: string;
}

export function createMetrics(options: MetricsOptions = {}): BackendMetrics {
  const registry = new Registry();
  const registers = [registry];

  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const httpRequestsTotal = new Counter({
    name: "http_requests_total",
    help: "HTTP requests handled, by method, route template and status code.",
    labelNames: ["method", "route", "status"] as const,
    registers,
  });
  const httpRequestDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from request to end of response (SSE streams excluded).",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const tcpConnectionsAccepted = new Counter({
    name: "backend_tcp_connections_accepted_total",
    help: "TCP connections accepted by the HTTP server.",
    registers,
  });
  const tcpConnectionsOpen = new Gauge({
    name: "backend_tcp_connections_open",
    help: "TCP connections currently open on the HTTP server.",
    registers,
  });
  const sseClients = new Gauge({
    name: "backend_sse_clients",
    help: "Server-sent event streams currently open.",
    registers,
  });

  const poolStats = options.httpClientStats;
  if (poolStats) {
    const gauge = (name: string, help: string, pick: (s: HttpClientPoolStats) => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(pick(poolStats()));
        },
      });
    };
    gauge("backend_http_client_connections_open", "Open sockets in the shared outgoing HTTP pool.", (s) => s.connected);
    gauge("backend_http_client_connections_free", "Idle sockets in the shared outgoing HTTP pool.", (s) => s.free);
    gauge("backend_http_client_requests_running", "Outgoing requests in progress on a socket.", (s) => s.running);
    gauge("backend_http_client_requests_pending", "Outgoing requests waiting for a socket.", (s) => s.pending);
  }

  return {
    registry,
    httpRequestsTotal,
    httpRequestDuration,
    tcpConnectionsAccepted,
    tcpConnectionsOpen,
    sseClients,
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
