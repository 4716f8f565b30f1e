import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../../../src/backend/metrics.js";
import { metricValue } from "../../support/reference-backend.js";

describe("createMetrics", () => {
  it("registers the backend metrics on a private registry, with default Node metrics", async () => {
    const metrics = createMetrics();
    const text = await metrics.render();
    for (const name of [
      "http_requests_total",
      "http_request_duration_seconds",
      "backend_tcp_connections_accepted_total",
      "backend_tcp_connections_open",
      "backend_sse_clients",
      "process_cpu_user_seconds_total",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(metrics.contentType).toMatch(/^text\/plain/);
    expect(globalRegistry.getSingleMetric("backend_tcp_connections_accepted_total")).toBeUndefined();
  });

  it("gives each instance independent state", async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.tcpConnectionsAccepted.inc();
    a.tcpConnectionsAccepted.inc();
    a.httpRequestsTotal.inc({ method: "GET", route: "/health", status: "200" });
    expect(await metricValue(a, "backend_tcp_connections_accepted_total")).toBe(2);
    expect(await metricValue(b, "backend_tcp_connections_accepted_total")).toBe(0);
    expect(await a.render()).toContain('http_requests_total{method="GET",route="/health",status="200"} 1');
    expect(await b.render()).not.toContain('route="/health"');
  });

  it("can leave out default metrics", async () => {
    expect(await createMetrics({ defaultMetrics: false }).render()).not.toContain("process_cpu_user_seconds_total");
  });

  it("reads outgoing pool stats at scrape time", async () => {
    let stats = { connected: 0, free: 0, running: 0, pending: 0 };
    const metrics = createMetrics({ defaultMetrics: false, httpClientStats: () => stats });
    expect(await metrics.render()).toContain("backend_http_client_connections_open 0");
    stats = { connected: 3, free: 1, running: 2, pending: 7 };
    const text = await metrics.render();
    expect(text).toContain("backend_http_client_connections_open 3");
    expect(text).toContain("backend_http_client_connections_free 1");
    expect(text).toContain("backend_http_client_requests_running 2");
    expect(text).toContain("backend_http_client_requests_pending 7");
  });
});
