// examples/saas.yaml on the wire (issue 10): the SaaS edge in containers, with an echo server as
// its API backend and a small SPA build as the app's files. Each site answers its own names over
// SNI with its own certificate, any other name is refused, apex and www redirect to the app with
// path and query, the app is an SPA (deep links get the shell, hashed assets are immutable), the
// API is never the SPA and answers CORS at the edge, and no response carries a header twice.
import { connect, type PeerCertificate } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawReply } from "../support/raw-http.js";
import { repeated, type Scenario, startScenario, values } from "./support/scenario.js";

const PORTS = { http: 20100, https: 20101, prometheus: 20102 };
const APP = "https://app.example.com";
/** Where a redirect sends the client: the edge listens on the scenario's https port, so its URLs name it. */
const HTTPS_APP = `${APP}:${PORTS.https}`;
const SHELL = `<!doctype html><html><head><meta charset="utf-8"><title>SaaS app</title><script type="module" src="/assets/app-1a2b3c4d.js"></script></head><body><div id="root" data-shell="saas-spa"></div></body></html>\n`;
const ASSET = `document.getElementById("root").textContent = "app " + location.pathname;\n`;

let scn: Scenario;
/** Every reply of this file, with what was asked, for the closing no-header-twice check. */
const replies: { what: string; reply: RawReply }[] = [];

async function ask(name: string, method: string, path: string, headerLines: string[] = [], scheme: "https" | "http" = "https"): Promise<RawReply> {
  const reply = await scn.request(name, method, path, headerLines, "", scheme);
  replies.push({ what: `${method} ${scheme}://${name}${path}`, reply });
  return reply;
}

const header = (reply: RawReply, name: string) => values(reply, name.toLowerCase());
const corsLines = (reply: RawReply) => reply.lines.filter((l) => l.name.startsWith("access-control-"));

/** The certificate the edge presents for SNI `name` (optionally offering only RSA signatures). */
function servedCertificate(name: string, rsaOnly = false): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      port: PORTS.https,
      host: "127.0.0.1",
      servername: name,
      ca: scn.ca,
      ALPNProtocols: ["http/1.1"],
      ...(rsaOnly ? { sigalgs: "rsa_pss_rsae_sha256:rsa_pkcs1_sha256", maxVersion: "TLSv1.2" as const, ciphers: "ECDHE-RSA-AES128-GCM-SHA256" } : {}),
    });
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.once("error", reject);
  });
}

/** The DNS names of a certificate (its subjectAltName; the dev certificates also hold loopback addresses). */
const sans = (cert: PeerCertificate) =>
  (cert.subjectaltname ?? "")
    .split(", ")
    .filter((s) => s.startsWith("DNS:"))
    .map((s) => s.slice(4))
    .sort();

/** What a TLS handshake for SNI `name` ends in: "ok" or the error's code/message. */
function handshake(name: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port: PORTS.https, host: "127.0.0.1", ...(name ? { servername: name } : {}), ca: scn.ca, rejectUnauthorized: false });
    socket.once("secureConnect", () => {
      socket.end();
      resolve("ok");
    });
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(`${e.code ?? ""} ${e.message}`.trim()));
  });
}

beforeAll(async () => {
  scn = await startScenario({
    name: "saas",
    example: "examples/saas.yaml",
    ports: PORTS,
    // The example's own backend image stands for "your API"; an echo server answers in its place
    // at the same name and port, and reports what the edge sent it.
    edit: (spec) => spec.setIn(["backend", "enabled"], false),
    echo: [{ host: "backend", port: 3000 }],
    files: {
      "web/dist/index.html": SHELL,
      "web/dist/assets/app-1a2b3c4d.js": ASSET,
      "web/dist/robots.txt": "User-agent: *\nAllow: /\n",
    },
  });
});

afterAll(async () => {
  await scn?.down();
});

describe("saas: each site on its own names, over SNI", () => {
  it("serves every name with a certificate for that name; the API has its own (ECDSA, and RSA for an RSA-only client)", async () => {
    const app = await servedCertificate("app.example.com");
    const apex = await servedCertificate("example.com");
    const www = await servedCertificate("www.example.com");
    const api = await servedCertificate("api.example.com");
    const apiRsa = await servedCertificate("api.example.com", true);
    for (const [name, cert] of [["app.example.com", app], ["example.com", apex], ["www.example.com", www], ["api.example.com", api], ["api.example.com", apiRsa]] as const) {
      expect(sans(cert), name).toContain(name);
    }
    // The app's certificate is presented by the app and the apex site, the API's by the API alone.
    expect(sans(app)).not.toContain("api.example.com");
    for (const other of ["app.example.com", "example.com", "www.example.com"]) expect(sans(api)).not.toContain(other);
    expect(api.fingerprint256).not.toBe(app.fingerprint256);
    expect(api.asn1Curve, "the API's first certificate is ECDSA").toBeDefined();
    expect(apiRsa.bits, "an RSA-only client gets the API's RSA certificate").toBeGreaterThanOrEqual(2048);
    expect(apiRsa.fingerprint256).not.toBe(api.fingerprint256);
    console.log(`[figure] saas SNI: app.example.com, example.com, www.example.com -> cert [${sans(app).join(", ")}]; api.example.com -> ECDSA ${api.asn1Curve} [${sans(api).join(", ")}], RSA-only client -> RSA ${apiRsa.bits} bits`);
  });

  it("answers each name with its own site", async () => {
    const app = await ask("app.example.com", "GET", "/");
    const api = await ask("api.example.com", "GET", "/");
    expect(app.status).toBe(200);
    expect(app.body).toContain('data-shell="saas-spa"');
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body).server).toBe("backend");
  });

  it("refuses a name no site lists: the TLS handshake is rejected, plain HTTP is closed without an answer", async () => {
    const unknown = await handshake("unknown.example.com");
    const noSni = await handshake(undefined);
    expect(unknown).not.toBe("ok");
    expect(noSni).not.toBe("ok");
    // Plain HTTP: 444 closes the connection, so no status line comes back at all.
    const http = await scn.request("unknown.example.com", "GET", "/", [], "", "http").catch((e: Error) => e);
    const answered = !(http instanceof Error) && http.lines.length > 0;
    expect(answered, "plain HTTP for an unknown name got a response").toBe(false);
    console.log(`[figure] saas refuse: TLS SNI unknown.example.com -> ${unknown}; no SNI -> ${noSni}; plain HTTP Host unknown.example.com -> ${http instanceof Error ? http.message : `status ${http.status}, ${http.lines.length} header lines`}`);
  });
});

describe("saas: apex and www redirect to the app", () => {
  it.each(["example.com", "www.example.com"])("https://%s keeps path and query in a 301 to the app", async (name) => {
    const reply = await ask(name, "GET", "/pricing/teams?plan=pro&seats=12");
    expect(reply.status).toBe(301);
    expect(header(reply, "location")).toEqual([`${HTTPS_APP}/pricing/teams?plan=pro&seats=12`]);
    console.log(`[figure] saas redirect: https://${name}/pricing/teams?plan=pro&seats=12 -> ${reply.status} ${header(reply, "location")[0]}`);
  });

  it.each(["example.com", "www.example.com"])("http://%s goes to https on its own name first (308), then to the app", async (name) => {
    const first = await ask(name, "GET", "/pricing?plan=pro", [], "http");
    expect(first.status).toBe(308);
    expect(header(first, "location")).toEqual([`https://${name}:${PORTS.https}/pricing?plan=pro`]);
    const second = await ask(name, "GET", "/pricing?plan=pro");
    expect(second.status).toBe(301);
    expect(header(second, "location")).toEqual([`${HTTPS_APP}/pricing?plan=pro`]);
    console.log(`[figure] saas redirect: http://${name}/pricing?plan=pro -> ${first.status} ${header(first, "location")[0]} -> ${second.status} ${header(second, "location")[0]}`);
  });

  it("the app's and the API's plain HTTP go to https on the same name", async () => {
    for (const name of ["app.example.com", "api.example.com"]) {
      const reply = await ask(name, "GET", "/dashboard?tab=1", [], "http");
      expect(reply.status, name).toBe(308);
      expect(header(reply, "location"), name).toEqual([`https://${name}:${PORTS.https}/dashboard?tab=1`]);
    }
  });
});

describe("saas: app.example.com is a single-page app", () => {
  it("a deep link gets the shell (200, no-cache)", async () => {
    const reply = await ask("app.example.com", "GET", "/dashboard/settings");
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(SHELL);
    expect(header(reply, "content-type")[0]).toMatch(/^text\/html/);
    expect(header(reply, "cache-control")).toEqual(["no-cache"]);
    console.log(`[figure] saas SPA: GET /dashboard/settings -> ${reply.status} index.html (${reply.body.length} bytes), Cache-Control: ${header(reply, "cache-control").join(" | ")}`);
  });

  it("a hashed asset is cached for good (immutable); another file gets the route's expires", async () => {
    const asset = await ask("app.example.com", "GET", "/assets/app-1a2b3c4d.js");
    expect(asset.status).toBe(200);
    expect(asset.body).toBe(ASSET);
    expect(header(asset, "cache-control")).toEqual(["public, max-age=31536000, immutable"]);
    const robots = await ask("app.example.com", "GET", "/robots.txt");
    expect(robots.status).toBe(200);
    expect(header(robots, "cache-control")).toEqual(["public, max-age=3600"]);
    console.log(`[figure] saas SPA: /assets/app-1a2b3c4d.js -> Cache-Control: ${header(asset, "cache-control").join(" | ")}; /robots.txt -> ${header(robots, "cache-control").join(" | ")}`);
  });

  it("a missing asset is 404, never the shell, and carries no long-lived caching", async () => {
    const reply = await ask("app.example.com", "GET", "/assets/app-0badc0de99.js");
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain("saas-spa");
    expect(header(reply, "cache-control").join()).not.toMatch(/immutable|max-age/);
    console.log(`[figure] saas SPA: missing /assets/app-0badc0de99.js -> ${reply.status}, Cache-Control: ${header(reply, "cache-control").join(" | ") || "(none)"}`);
  });
});

describe("saas: api.example.com is the API, with CORS for the app answered at the edge", () => {
  it("never serves the SPA: / and a deep link reach the backend", async () => {
    for (const path of ["/", "/dashboard/settings", "/index.html"]) {
      const reply = await ask("api.example.com", "GET", path);
      expect(reply.status, path).toBe(200);
      expect(header(reply, "content-type"), path).toEqual(["application/json"]);
      expect(reply.body, path).not.toContain("saas-spa");
      expect(JSON.parse(reply.body).url, path).toBe(path);
    }
  });

  it("tells the backend the client came over https, once, with one client address", async () => {
    const reply = await ask("api.example.com", "GET", "/whoami", ["X-Forwarded-Proto: http", "X-Forwarded-For: 203.0.113.9"]);
    const seen = JSON.parse(reply.body) as { headers: Record<string, string>; raw: string[] };
    const rawNames = seen.raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(rawNames.filter((n) => n === "x-forwarded-proto")).toHaveLength(1);
    expect(rawNames.filter((n) => n === "x-forwarded-for")).toHaveLength(1);
    expect(seen.headers["x-forwarded-proto"]).toBe("https");
    // The client is not a trusted proxy: its forged X-Forwarded-For is dropped, not passed on.
    expect(seen.headers["x-forwarded-for"]).toMatch(/^[0-9.]+$/);
    expect(seen.headers["x-forwarded-for"]).not.toContain("203.0.113.9");
    console.log(`[figure] saas API backend saw: X-Forwarded-Proto: ${seen.headers["x-forwarded-proto"]}, X-Forwarded-For: ${seen.headers["x-forwarded-for"]} (client forged http / 203.0.113.9)`);
  });

  it("an allowed origin gets Access-Control-Allow-Origin with its own value, credentials and Vary: Origin", async () => {
    const reply = await ask("api.example.com", "GET", "/projects", [`Origin: ${APP}`]);
    expect(reply.status).toBe(200);
    expect(header(reply, "access-control-allow-origin")).toEqual([APP]);
    expect(header(reply, "access-control-allow-credentials")).toEqual(["true"]);
    expect(header(reply, "access-control-expose-headers")).toEqual(["X-Request-Id"]);
    // The route compresses: its Vary names Accept-Encoding too, in the one line (no second Vary from gzip).
    expect(header(reply, "vary")).toEqual(["Origin, Accept-Encoding"]);
    console.log(`[figure] saas CORS: GET Origin ${APP} -> ${corsLines(reply).map((l) => `${l.name}: ${l.value}`).join("; ")}; vary: ${header(reply, "vary").join(" | ")}`);
  });

  it("a disallowed origin gets no CORS header at all", async () => {
    for (const origin of ["https://evil.example.net", "https://example.com", "http://app.example.com", "https://app.example.com.evil.net"]) {
      const reply = await ask("api.example.com", "GET", "/projects", [`Origin: ${origin}`]);
      expect(reply.status, origin).toBe(200);
      expect(corsLines(reply), origin).toEqual([]);
    }
  });

  it("a preflight gets 204 at the edge with the allowed methods and headers; the backend never sees it", async () => {
    const before = (await scn.seen("backend")).length;
    const allowed = await ask("api.example.com", "OPTIONS", "/projects/42", [`Origin: ${APP}`, "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: content-type, authorization"]);
    const refused = await ask("api.example.com", "OPTIONS", "/projects/42", ["Origin: https://evil.example.net", "Access-Control-Request-Method: PUT"]);
    expect(allowed.status).toBe(204);
    expect(header(allowed, "access-control-allow-origin")).toEqual([APP]);
    expect(header(allowed, "access-control-allow-methods")).toEqual(["GET, HEAD, POST, PUT, PATCH, DELETE"]);
    expect(header(allowed, "access-control-allow-headers")).toEqual(["Content-Type, Authorization"]);
    expect(header(allowed, "access-control-max-age")).toEqual(["600"]);
    expect(refused.status).toBe(204);
    expect(corsLines(refused)).toEqual([]);
    // A request the backend does see, after them: its log line proves the log is read up to here.
    await ask("api.example.com", "GET", "/after-preflight");
    let log: { method: string; url: string }[] = [];
    for (let i = 0; i < 20 && !log.some((e) => e.url === "/after-preflight"); i++) {
      await new Promise((r) => setTimeout(r, 250));
      log = (await scn.seen("backend")).slice(before);
    }
    expect(log.map((e) => e.url)).toContain("/after-preflight");
    expect(log.filter((e) => e.method === "OPTIONS")).toEqual([]);
    console.log(`[figure] saas CORS: preflight from ${APP} -> ${allowed.status} (${corsLines(allowed).length} Access-Control-* headers), from https://evil.example.net -> ${refused.status} (${corsLines(refused).length}); backend log after them: ${log.map((e) => `${e.method} ${e.url}`).join(", ")}`);
  });

  it("a compressed CORS answer still says Vary once", async () => {
    // The echo's answer repeats the request's headers: a long one makes it larger than gzip_min_length.
    const reply = await ask("api.example.com", "GET", "/projects?big=1", [`Origin: ${APP}`, "Accept-Encoding: gzip", `X-Pad: ${"p".repeat(1500)}`]);
    expect(reply.status).toBe(200);
    expect(header(reply, "content-encoding")).toEqual(["gzip"]);
    expect(header(reply, "vary"), "one Vary line naming both").toHaveLength(1);
    expect(header(reply, "vary")[0]).toMatch(/Origin/);
    expect(header(reply, "vary")[0]).toMatch(/Accept-Encoding/);
    console.log(`[figure] saas CORS + gzip: Vary lines: ${header(reply, "vary").map((v) => `"${v}"`).join(", ")}`);
  });
});

describe("saas: no header twice", () => {
  it("no reply of this file carries any header twice", () => {
    expect(replies.length).toBeGreaterThan(20);
    const twice = replies.map(({ what, reply }) => ({ what, twice: repeated(reply) })).filter((r) => r.twice.length > 0);
    console.log(`[figure] saas: ${replies.length} replies, ${twice.length} with a header twice${twice.length ? `: ${twice.map((t) => `${t.what} (${t.twice.join(", ")})`).join("; ")}` : ""}`);
    expect(twice).toEqual([]);
  });
});
