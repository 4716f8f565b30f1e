// Broken specs through the real CLI: `generate` must exit 2, point at FILE:LINE:COL and the field
// path (formatDiagnostic's `spec.yaml:12:5  routes[2].path  message`), and leave an existing output
// directory exactly as it was.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { runCli, snapshotTree, tempDir, writeFile } from "../../../support/run-cli.js";

interface BadSpec {
  name: string;
  yaml: string;
  /** Field path exactly as printed, e.g. `routes[0].path`; `(spec)` for file-level problems. */
  path: string;
  line: number;
  /** Column, where the exact position is part of what is tested (YAML syntax errors). */
  column?: number;
  /** A fragment of the message that shows the right problem was found. Cases named `rule <id>: ...`
   * must also end with ` [<id>]`. */
  message: string;
}

const UP = "upstreams: {app: {servers: [{host: backend}]}}";
/** The same pool by address: on old nginx a name would add a warning (rule upstream-names-resolved-once). */
const UP_IP = "upstreams: {app: {servers: [{host: 10.0.0.5}]}}";

const CASES: BadSpec[] = [
  // --- wrong types
  {
    name: "port given as a string",
    yaml: `domain: app.example.com\nlisten:\n  httpPort: "eighty"\n${UP}\n`,
    path: "listen.httpPort",
    line: 3,
    message: 'expected number, got "eighty"',
  },
  {
    name: "workerConnections given as a boolean",
    yaml: `domain: app.example.com\nnginx:\n  workerConnections: true\n${UP}\n`,
    path: "nginx.workerConnections",
    line: 3,
    message: "expected number, got boolean true",
  },
  {
    name: "fractional port",
    yaml: `domain: app.example.com\n${UP}\nlisten: {httpPort: 80.5}\n`,
    path: "listen.httpPort",
    line: 3,
    message: "expected int, got number 80.5",
  },
  {
    name: "top level is a list, not a mapping",
    yaml: "- domain: app.example.com\n- upstreams: {}\n",
    path: "(spec)",
    line: 1,
    message: "expected object, got a list",
  },
  // --- unknown keys
  {
    name: "unknown top-level key",
    yaml: `domain: app.example.com\ncolour: blue\n${UP}\n`,
    path: "colour",
    line: 2,
    message: "unknown field 'colour'; allowed here: version, domain, aliases, sites, defaultServer, nginx, listen, tls,",
  },
  {
    name: "unknown nested key (wrong case)",
    yaml: `domain: app.example.com\ntls:\n  hsts:\n    maxage: 5\n${UP}\n`,
    path: "tls.hsts.maxage",
    line: 4,
    message: "unknown field 'maxage'; allowed here: enabled, maxAge, includeSubDomains, preload",
  },
  {
    name: "unknown key inside an upstream server",
    yaml: "domain: app.example.com\nupstreams:\n  app:\n    servers:\n      - host: backend\n        prot: 3000\n",
    path: "upstreams.app.servers[0].prot",
    line: 6,
    message: "unknown field 'prot'; allowed here: host, port, weight,",
  },
  {
    name: "unknown key inside a route (allowed keys of that kind)",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: api\n    path: /\n    timeout: 5s\n`,
    path: "routes[0].timeout",
    line: 6,
    message: "unknown field 'timeout'; allowed here: kind, path, match,",
  },
  // --- addresses and ports
  {
    name: "CIDR prefix too long",
    yaml: `domain: app.example.com\n${UP}\nrealIp:\n  enabled: true\n  from:\n    - 10.0.0.0/33\n`,
    path: "realIp.from[0]",
    line: 6,
    message: 'an IP address or CIDR block such as 10.0.0.0/8 or fd00::/8; got "10.0.0.0/33"',
  },
  {
    name: "access list entry that is not an IP",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: api\n    path: /\n    access:\n      allow: [not-an-ip]\n`,
    path: "routes[0].access.allow[0]",
    line: 7,
    message: 'got "not-an-ip"',
  },
  {
    name: "port above 65535",
    yaml: "domain: app.example.com\nupstreams:\n  app:\n    servers:\n      - host: backend\n        port: 70000\n",
    path: "upstreams.app.servers[0].port",
    line: 6,
    message: "must be at most 65535; got number 70000",
  },
  {
    name: "port 0",
    yaml: `domain: app.example.com\nlisten:\n  httpsPort: 0\n${UP}\n`,
    path: "listen.httpsPort",
    line: 3,
    message: "must be at least 1; got number 0",
  },
  // --- semantic rules
  {
    name: "rule route-path-unique: the same prefix path twice",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: api\n    path: /api/\n  - kind: api\n    path: /api/\n`,
    path: "routes[1].path",
    line: 7,
    message: "prefix path '/api/' is already used by routes[0]",
  },
  {
    name: "rule route-path-unique: a route on the metrics status path",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: api\n    path: /nginx_status\n    match: exact\n`,
    path: "routes[0].path",
    line: 5,
    message: "exact path '/nginx_status' is already used by metrics.statusPath",
  },
  {
    name: "unknown route field: the escape hatch is named",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: api\n    path: /\n    rewrite: "^/a /b"\n`,
    path: "routes[0].rewrite",
    line: 6,
    message: "edgekit has no such field; nginx directives it does not model go in raw (README: Escape hatch; Not yet supported)",
  },
  {
    name: "rule http3-needs-nginx-1-25: http3 without TLS",
    yaml: `domain: app.example.com\n${UP}\ntls:\n  enabled: false\n  http3: true\n  hsts: { enabled: false }\n`,
    path: "tls.http3",
    line: 5,
    message: "HTTP/3 needs TLS, and tls.enabled is false",
  },
  {
    name: "rule http3-needs-nginx-1-25: explicit nginx 1.22.1",
    yaml: `domain: app.example.com\n${UP_IP}\nnginx:\n  version: 1.22.1\ntls:\n  http3: true\n`,
    path: "tls.http3",
    line: 6,
    message: "HTTP/3 needs nginx 1.25.0 or later",
  },
  {
    name: "rule route-upstream-exists: route names an undefined upstream",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: api\n    path: /\n    upstream: missing\n`,
    path: "routes[0].upstream",
    line: 6,
    message: "upstream 'missing' is not defined",
  },
  {
    name: "rule route-upstream-exists: route names no upstream and there are two",
    yaml: "domain: app.example.com\nupstreams:\n  a: {servers: [{host: backend}]}\n  b: {servers: [{host: other}]}\nroutes:\n  - kind: api\n    path: /\n",
    path: "routes[0]",
    line: 6,
    message: "route '/' names no upstream and the spec has 2; fix: add upstream: one of a, b",
  },
  {
    name: "rule nginx-version-supported: nginx 1.20",
    yaml: `domain: app.example.com\n${UP_IP}\nnginx:\n  version: 1.20.2\n`,
    path: "nginx.version",
    line: 4,
    message: "nginx 1.20.2 is older than 1.22.0",
  },
  {
    name: "rule upstream-backup-balance: backup server with ip_hash",
    yaml: "domain: app.example.com\nupstreams:\n  app:\n    balance: ip_hash\n    servers:\n      - host: backend\n      - host: 192.0.2.10\n        backup: true\n",
    path: "upstreams.app.servers[1].backup",
    line: 8,
    message: "backup servers are not allowed with balance 'ip_hash'",
  },
  {
    name: "rule tls-files-one-dir: key outside the certificate's directory",
    yaml: `domain: app.example.com\n${UP}\ntls:\n  certificateKey: /etc/nginx/keys/privkey.pem\n`,
    path: "tls.certificateKey",
    line: 4,
    message: "the key is not in the certificate's directory (/etc/nginx/certs)",
  },
  // --- injection attempts: nothing that could break out of an nginx directive gets through
  {
    name: "injection: directive smuggled into domain",
    yaml: `domain: "a; include /etc/passwd"\n${UP}\n`,
    path: "domain",
    line: 1,
    message: 'got "a; include /etc/passwd"',
  },
  {
    name: "injection: nginx variable in a header value",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: api\n    path: /\n    headers:\n      X-Host: "$host"\n`,
    path: "routes[0].headers.X-Host",
    line: 7,
    message: "printable ASCII without '$' or control characters; got \"$host\"",
  },
  {
    name: "injection: newline in a header value",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: api\n    path: /\n    headers:\n      X-Evil: "ok\\n    add_header X-Pwned yes"\n`,
    path: "routes[0].headers.X-Evil",
    line: 7,
    message: "printable ASCII without '$' or control characters",
  },
  {
    name: "injection: brace in a route path",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: api\n    path: "/a{ return 200; }"\n`,
    path: "routes[0].path",
    line: 5,
    message: "a URL path starting with '/'",
  },
  {
    name: "injection: space in a route path",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: api\n    path: "/a b"\n`,
    path: "routes[0].path",
    line: 5,
    message: 'got "/a b"',
  },
  {
    name: "injection: ';' in a header name",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: api\n    path: /\n    headers:\n      "X-A;b": ok\n`,
    path: "routes[0].headers.X-A;b",
    line: 7,
    column: 7,
    message: "invalid name 'X-A;b': an HTTP header name",
  },
  {
    name: "injection: ';' in an upstream host",
    yaml: "domain: app.example.com\nupstreams:\n  app:\n    servers:\n      - host: \"backend;evil\"\n",
    path: "upstreams.app.servers[0].host",
    line: 5,
    message: 'a host name (such as backend or api.internal) or an IP address; got "backend;evil"',
  },
  {
    name: "text/event-stream in gzip types",
    yaml: `domain: app.example.com\n${UP}\ncompression:\n  gzip:\n    types:\n      - text/css\n      - text/event-stream\n`,
    path: "compression.gzip.types[1]",
    line: 7,
    message: "text/event-stream must never be compressed",
  },
  {
    name: "upper-case domain",
    yaml: `domain: App.Example.com\n${UP}\n`,
    path: "domain",
    line: 1,
    message: "a lower-case DNS name",
  },
  // --- YAML itself
  {
    name: "YAML: unclosed flow mapping (reported where the parser gives up)",
    yaml: "domain: app.example.com\nupstreams:\n  app: {servers: [{host: backend}]\nroutes: []\n",
    path: "(spec)",
    line: 4,
    column: 1,
    message: "Flow map in block collection must be sufficiently indented and end with a }",
  },
  {
    name: "YAML: duplicate key",
    yaml: `domain: app.example.com\n${UP}\ndomain: other.example.com\n`,
    path: "(spec)",
    line: 3,
    column: 1,
    message: "Map keys must be unique",
  },
  {
    name: "empty file",
    yaml: "",
    path: "(spec)",
    line: 1,
    column: 1,
    message: "the spec is empty; it needs at least `domain` and `upstreams`",
  },
  {
    name: "comments only",
    yaml: "# nothing here yet\n",
    path: "(spec)",
    line: 1,
    message: "the spec is empty",
  },
  // --- required fields and value formats
  {
    name: "missing upstreams",
    yaml: "domain: app.example.com\n",
    path: "upstreams",
    line: 1,
    message: "is required",
  },
  {
    name: "empty upstreams",
    yaml: "domain: app.example.com\nupstreams: {}\n",
    path: "upstreams",
    line: 2,
    message: "at least one upstream",
  },
  {
    name: "upstream with no servers",
    yaml: "domain: app.example.com\nupstreams: {app: {servers: []}}\n",
    path: "upstreams.app.servers",
    line: 2,
    message: "must be at least 1 item;",
  },
  {
    name: "duration with a word unit",
    yaml: `domain: app.example.com\n${UP}\nclient:\n  headerTimeout: 5 seconds\n`,
    path: "client.headerTimeout",
    line: 4,
    message: 'a duration such as 500ms, 30s, 5m, 1h or 1d; got "5 seconds"',
  },
  {
    name: "rate without r/",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: api\n    path: /\n    rateLimit:\n      rate: 10/s\n`,
    path: "routes[0].rateLimit.rate",
    line: 7,
    message: 'a rate such as 10r/s or 600r/m; got "10/s"',
  },
  {
    name: "lower-case backend env name",
    yaml: `domain: app.example.com\n${UP}\nbackend:\n  env:\n    lower: x\n`,
    path: "backend.env.lower",
    line: 5,
    column: 5,
    message: "invalid name 'lower': an upper-case environment variable name",
  },
  // --- timing rules
  {
    name: "rule backend-keepalive-outlives-nginx: upstream keeps sockets 70s, backend 65s",
    yaml: "domain: app.example.com\nupstreams:\n  app:\n    servers: [{host: backend}]\n    keepalive:\n      timeout: 70s\nbackend:\n  keepAliveTimeout: 65s\n",
    path: "upstreams.app.keepalive.timeout",
    line: 6,
    message: "nginx keeps idle connections to 'app' for 70s but the backend closes them after 65s",
  },
  {
    name: "rule backend-keepalive-outlives-nginx: headersTimeout below keepAliveTimeout",
    yaml: `domain: app.example.com\n${UP}\nbackend:\n  keepAliveTimeout: 65s\n  headersTimeout: 60s\n`,
    path: "backend.headersTimeout",
    line: 5,
    message: "headersTimeout (60s) must exceed keepAliveTimeout (65s)",
  },
  {
    name: "rule sse-read-timeout-exceeds-heartbeat: read 20s, heartbeat 15s",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: sse\n    path: /events/\n    timeouts:\n      read: 20s\nbackend:\n  sseHeartbeat: 15s\n`,
    path: "routes[0].timeouts.read",
    line: 7,
    message: "read timeout 20s is not at least twice the backend heartbeat (15s)",
  },
  {
    name: "rule static-path-shape: static path without trailing slash",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: static\n    path: /static\n`,
    path: "routes[0].path",
    line: 5,
    message: "static route '/static' must be a prefix path ending in '/'; fix: use '/static/' with match: prefix",
  },
  {
    name: "rule real-ip-trusted-proxies: realIp enabled without from",
    yaml: `domain: app.example.com\n${UP}\nrealIp:\n  enabled: true\n`,
    path: "realIp.from",
    line: 4,
    message: "realIp is enabled but lists no trusted proxies",
  },
  {
    name: "unknown route kind (message lists the kinds)",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - kind: grpc\n    path: /\n`,
    path: "routes[0].kind",
    line: 4,
    message: 'must be one of "api", "sse", "websocket", "static", "health", "metrics", "respond", "redirect"; got "grpc"',
  },
  {
    name: "route without a kind",
    yaml: `domain: app.example.com\n${UP}\nroutes:\n  - path: /\n`,
    path: "routes[0].kind",
    line: 4,
    message: 'must be one of "api", "sse", "websocket", "static", "health", "metrics", "respond", "redirect"; got nothing',
  },
];

const OLD_NGINX_CONF = "# Generated by edgekit from spec.yaml. Do not edit by hand:\n# an older render\nevents {}\n";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function expectRejected(c: BadSpec): Promise<void> {
  const dir = tempDir();
  writeFile(dir, "spec.yaml", c.yaml);
  writeFile(dir, "out/SENTINEL", "do not touch\n");
  writeFile(dir, "out/nginx/nginx.conf", OLD_NGINX_CONF);
  const before = snapshotTree(join(dir, "out"));

  const result = await runCli(["generate", "-s", "spec.yaml", "-o", "out"], { cwd: dir });

  expect(result.exitCode).toBe(2);
  expect(result.stdout).toBe("");
  // One diagnostic line: `spec.yaml:LINE:COL  path  message`, with the path as a whole token.
  const col = c.column === undefined ? "\\d+" : String(c.column);
  const lineRe = new RegExp(`^spec\\.yaml:${c.line}:${col}  ${escapeRegExp(c.path)}  (.*)$`, "m");
  const match = lineRe.exec(result.stderr);
  expect(match, `stderr was:\n${result.stderr}`).not.toBeNull();
  const message = match?.[1] ?? "";
  expect(message).toContain(c.message);
  // Rule findings end with the rule id (`[route-path-unique]`); schema and YAML problems do not.
  const rule = /^rule ([a-z0-9-]+):/.exec(c.name)?.[1];
  if (rule) expect(message.endsWith(` [${rule}]`), `ends with [${rule}]: ${message}`).toBe(true);
  else expect(message).not.toMatch(/ \[[a-z0-9-]+\]$/);
  expect(result.stderr).toMatch(/^1 error, 0 warnings$/m);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(snapshotTree(join(dir, "out"))).toEqual(before);
}

describe("generate rejects broken specs with exit 2, file:line and path, and writes nothing", () => {
  it("has a table of at least 24 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(24);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES)("$name  →  spec.yaml:$line  $path", async (c) => {
    await expectRejected(c);
  });

  it("reports every problem of one spec in one run, sorted by line, with an error count", async () => {
    const dir = tempDir();
    writeFile(
      dir,
      "spec.yaml",
      [
        "domain: app.example.com",
        "listen:",
        "  httpPort: eighty",
        "upstreams:",
        "  app:",
        "    servers:",
        "      - host: backend",
        "        port: 70000",
        "client:",
        "  headerTimeout: 5 seconds",
        "",
      ].join("\n"),
    );
    writeFile(dir, "out/SENTINEL", "x");
    const before = snapshotTree(dir);

    const result = await runCli(["generate", "-s", "spec.yaml", "-o", "out"], { cwd: dir });

    expect(result.exitCode).toBe(2);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^spec\.yaml:3:13  listen\.httpPort  expected number, got "eighty"$/);
    expect(lines[1]).toMatch(/^spec\.yaml:8:15  upstreams\.app\.servers\[0\]\.port  must be at most 65535/);
    expect(lines[2]).toMatch(/^spec\.yaml:10:18  client\.headerTimeout  a duration/);
    expect(lines[3]).toBe("3 errors, 0 warnings");
    expect(snapshotTree(dir)).toEqual(before);
  });

  it("names the spec file as given on the command line", async () => {
    const dir = tempDir();
    writeFile(dir, "conf/edge.yaml", `domain: app.example.com\n${UP}\nbogus: 1\n`);
    const result = await runCli(["generate", "-s", "conf/edge.yaml", "-o", "out"], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^conf\/edge\.yaml:3:1  bogus  unknown field 'bogus'/m);
  });

  it("exits 2 for a spec file that does not exist", async () => {
    const dir = tempDir();
    const result = await runCli(["generate", "-s", "nope.yaml"], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("nope.yaml  (spec)  cannot read the spec: no such file");
    expect(snapshotTree(dir)).toEqual({});
  });
});
