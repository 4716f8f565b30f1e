// Fixed sizes and argument limits in the rendered nginx.conf, on the real nginx -t: an upstream's
// shared memory zone must hold every peer, and the session-cookie regex is one argument.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installedNginxVersion, nginxTest } from "../../../src/nginx-check/nginx-test.js";
import { hostNginx } from "../../../src/nginx-check/runner.js";
import { renderNginxConf } from "../../../src/targets/nginx.js";
import { upstreamPeers, upstreamZoneKib } from "../../../src/model/nginx.js";
import { specSchema } from "../../../src/spec/schema.js";
import { spec } from "../../support/specs.js";

const installed = (await installedNginxVersion())!;
const base = { nginx: { version: installed }, tls: { enabled: false }, compression: { zstd: { enabled: false } } };

/** n servers written as full IPv6 text (the longest address text: the most zone memory a peer takes without DNS). */
const longServers = (n: number) => Array.from({ length: n }, (_, i) => ({ host: `2001:0db8:0000:0000:0000:0000:${(i >> 16).toString(16).padStart(4, "0")}:${(i & 0xffff).toString(16).padStart(4, "0")}`, port: 65535 }));

describe("upstream zone sized from its peers (real nginx -t)", () => {
  it.each([1, 16, 17, 56, 64, 200, 1000])("%i servers in one upstream load", async (n) => {
    const s = spec({ ...base, upstreams: { app: { servers: longServers(n) } } });
    const result = await nginxTest(s, { runner: hostNginx() });
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
    expect(result.config).toContain(`zone up_app ${upstreamZoneKib(n)}k;`);
  });

  it("a fixed 64k zone is what failed: 64 such servers do not fit in it", async () => {
    const s = spec({ ...base, upstreams: { app: { servers: longServers(64) } } });
    const rendered = (await nginxTest(s, { runner: hostNginx() })).config;
    // The rendered upstream block, its zone put back to the old fixed 64k, alone in a minimal config.
    const upstream = /^\s*upstream app \{[^}]*\}/m.exec(rendered)![0].replace(/zone up_app \d+k;/, "zone up_app 64k;");
    const dir = mkdtempSync(join(tmpdir(), "edgekit-zone-"));
    try {
      writeFileSync(join(dir, "nginx.conf"), `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n${upstream}\nserver { listen 127.0.0.1:1; location / { proxy_pass http://app; } }\n}\n`);
      const run = spawnSync("nginx", ["-t", "-q", "-p", `${dir}/`, "-c", join(dir, "nginx.conf")], { encoding: "utf8" });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('no memory in upstream zone "up_app"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts the compose backend's service name once per replica (each is an address nginx resolves)", () => {
    const s = spec({ backend: { replicas: 40 }, upstreams: { app: { servers: [{ host: "backend" }, { host: "10.0.0.1" }] } } });
    expect(upstreamPeers(s, s.upstreams.app!)).toBe(41);
    expect(renderNginxConf(s, { specName: "spec.yaml", specDirFromOutput: "." })).toContain(`zone up_app ${upstreamZoneKib(41)}k;`);
    expect(upstreamZoneKib(1)).toBe(64);
  });
});

describe("harmless cookies: one regex argument, the list twice (real nginx -t)", () => {
  // The worst name: 64 characters that the regex escapes and the quote doubles (3 bytes each).
  const worst = (n: number) => Array.from({ length: n }, (_, i) => `${String(i).padStart(2, "0")}${".-".repeat(31)}`);

  it("10 of the longest names load", async () => {
    const s = spec({ ...base, cache: { harmlessCookies: worst(10) }, routes: [{ kind: "api", path: "/", cache: {} }] });
    const result = await nginxTest(s, { runner: hostNginx() });
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  it("11 are refused by the schema, and nginx -t fails on them: too long parameter", async () => {
    const parsed = specSchema.safeParse({ domain: "app.example.com", upstreams: { app: { servers: [{ host: "backend" }] } }, cache: { harmlessCookies: worst(11) } });
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ["cache", "harmlessCookies"], message: expect.stringContaining("at most 10 cookie names") })]);
    const s = spec({ ...base, routes: [{ kind: "api", path: "/", cache: {} }] });
    s.cache.harmlessCookies = worst(11); // past the schema, to show what nginx does with it
    const result = await nginxTest(s, { runner: hostNginx() });
    expect(result.ok).toBe(false);
    expect(result.output).toContain("too long parameter");
  });
});

describe("the longest paths, names and lists the schema accepts load (real nginx -t)", () => {
  it("1,024-character route paths of every kind, a 1,024-character static root, 253-character names", async () => {
    const path = (c: string) => `/${c.repeat(1021)}/`;
    const label = "a".repeat(63);
    const name = (c: string) => `${c}${label.slice(1)}.${label}.${label}.${"b".repeat(61)}`;
    const s = spec({
      ...base,
      domain: name("x"),
      aliases: Array.from({ length: 200 }, (_, i) => `${i}${name("y").slice(String(i).length)}`),
      routes: [
        { kind: "api", path: path("a") },
        { kind: "sse", path: path("b"), match: "exact" },
        { kind: "websocket", path: path("c") },
        { kind: "static", path: path("d"), root: `/${"r".repeat(1023)}` },
        { kind: "health", path: path("e") },
        { kind: "metrics", path: path("f") },
      ],
    });
    expect(s.domain!.length).toBe(253);
    const result = await nginxTest(s, { runner: hostNginx() });
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });
});
