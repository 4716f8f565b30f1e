// HAProxy and Caddy configured like the spec's edge, as reference points for the benchmark only:
// TLS with the same certificate and protocol versions, HTTP/2, gzip at the spec's level, a
// keep-alive pool to the backend, the same security headers and as many worker threads as nginx
// has worker processes. Pure text builders; host-stack.ts runs them.
import { buildNginxModel } from "../model/nginx.js";
import { securityHeaderValues } from "../model/security-headers.js";
import { isJsonLoadRoute } from "../spec/route-kinds.js";
import type { Spec } from "../spec/schema.js";
import { durationMs } from "../spec/values.js";

export interface ReferenceProxyOptions {
  /** Port to listen on (127.0.0.1, TLS). */
  port: number;
  backendPort: number;
  /** HAProxy: one PEM with the chain and the key. */
  combinedPem: string;
  /** Caddy: chain and key files. */
  cert: string;
  key: string;
  workers: number;
  /** A directory the proxy may write state to (Caddy's storage). */
  dataDir: string;
}

/** The security headers the edge sends on HTTPS responses, as plain name/value pairs. */
export function plainSecurityHeaders(spec: Spec): { name: string; value: string }[] {
  return securityHeaderValues(spec, { https: true });
}

function seconds(d: string): string {
  return `${Math.max(1, Math.round(durationMs(d) / 1000))}s`;
}

/** The upstream read timeout of the first route that can carry the JSON load, else 60 s. */
function readTimeout(spec: Spec): string {
  return spec.routes.find(isJsonLoadRoute)?.timeouts.read ?? "60s";
}

function poolSize(spec: Spec): number {
  return Math.max(1, ...Object.values(spec.upstreams).map((u) => u.keepalive.connections));
}

function tls(spec: Spec) {
  const model = buildNginxModel(spec, { specName: "spec.yaml", specDirFromOutput: "." }).http.tls;
  return { protocols: model?.protocols ?? "TLSv1.2 TLSv1.3", ciphers: model?.ciphers ?? null, curves: model?.ecdhCurve ?? "X25519:prime256v1:secp384r1" };
}

const haproxyQuote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%")}"`;

export function haproxyConfig(spec: Spec, o: ReferenceProxyOptions): string {
  const t = tls(spec);
  const minVersion = t.protocols.split(" ")[0] ?? "TLSv1.2";
  const gzip = spec.compression.gzip;
  const lines = [
    "# Written by `edgekit bench` from the spec: a reference point for the benchmark, not a supported edge.",
    "global",
    `    nbthread ${o.workers}`,
    `    maxconn ${spec.nginx.workerConnections * o.workers}`,
    ...(t.ciphers ? [`    ssl-default-bind-ciphers ${t.ciphers}`] : []),
    `    ssl-default-bind-options ssl-min-ver ${minVersion}${spec.tls.sessionTickets ? "" : " no-tls-tickets"}`,
    "",
    "defaults",
    "    mode http",
    "    option http-keep-alive",
    `    timeout connect ${seconds("5s")}`,
    `    timeout client ${seconds(spec.client.keepalive.timeout)}`,
    `    timeout http-keep-alive ${seconds(spec.client.keepalive.timeout)}`,
    `    timeout http-request ${seconds(spec.client.headerTimeout)}`,
    `    timeout server ${seconds(readTimeout(spec))}`,
    "",
    "frontend edge",
    `    bind 127.0.0.1:${o.port} ssl crt ${o.combinedPem} alpn ${spec.http2.enabled ? "h2,http/1.1" : "http/1.1"} curves ${t.curves.replace("prime256v1", "P-256").replace("secp384r1", "P-384")}`,
    ...(gzip.enabled ? ["    compression algo gzip", `    compression type ${gzip.types.join(" ")}`] : []),
    // The request headers nginx's proxied locations set: client address, scheme and a request id.
    "    option forwardfor",
    "    http-request set-header X-Real-IP %[src]",
    "    http-request set-header X-Forwarded-Proto https",
    "    unique-id-format %{+X}o%[rand,hex]%[rand,hex]",
    "    http-request set-header X-Request-ID %[unique-id]",
    ...plainSecurityHeaders(spec).map((h) => `    http-response set-header ${h.name} ${haproxyQuote(h.value)}`),
    "    default_backend app",
    "",
    "backend app",
    "    balance leastconn",
    "    http-reuse always",
    `    server app1 127.0.0.1:${o.backendPort}`,
    "",
  ];
  return lines.join("\n");
}

const caddyQuote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

export function caddyfile(spec: Spec, o: ReferenceProxyOptions): string {
  const t = tls(spec);
  const protocols = t.protocols.split(" ").map((p) => p.replace("TLSv", "tls"));
  const curves = t.curves.split(":").map((c) => ({ X25519: "x25519", prime256v1: "secp256r1", secp384r1: "secp384r1" })[c] ?? c.toLowerCase());
  const gzip = spec.compression.gzip;
  const pool = poolSize(spec) * o.workers;
  // Placeholders ({...}) would be expanded by Caddy: such header values are left out.
  const headers = plainSecurityHeaders(spec).filter((h) => !/[{}]/.test(h.value));
  const lines = [
    "# Written by `edgekit bench` from the spec: a reference point for the benchmark, not a supported edge.",
    "{",
    "    admin off",
    "    auto_https off",
    `    storage file_system ${o.dataDir}`,
    "    default_sni localhost",
    "    servers {",
    `        protocols h1${spec.http2.enabled ? " h2" : ""}`,
    "    }",
    "}",
    "",
    `https://127.0.0.1:${o.port}, https://localhost:${o.port} {`,
    "    bind 127.0.0.1",
    `    tls ${o.cert} ${o.key} {`,
    `        protocols ${protocols[0]} ${protocols[protocols.length - 1]}`,
    `        curves ${curves.join(" ")}`,
    "    }",
    ...(gzip.enabled
      ? [
          "    encode {",
          `        gzip ${gzip.level}`,
          `        minimum_length ${gzip.minLength}`,
          "        match {",
          // One line per type: Caddy ORs repeated header matchers (several values on one line don't match).
          ...gzip.types.map((ty) => `            header Content-Type ${ty}*`),
          "        }",
          "    }",
        ]
      : []),
    "    header {",
    ...headers.map((h) => `        ${h.name} ${caddyQuote(h.value)}`),
    "    }",
    `    reverse_proxy 127.0.0.1:${o.backendPort} {`,
    "        lb_policy least_conn",
    "        transport http {",
    `            keepalive ${seconds(Object.values(spec.upstreams)[0]?.keepalive.timeout ?? "60s")}`,
    `            keepalive_idle_conns ${pool}`,
    `            keepalive_idle_conns_per_host ${pool}`,
    "        }",
    "    }",
    "}",
    "",
  ];
  return lines.join("\n");
}
