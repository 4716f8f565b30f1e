// nginx's own session affinity (`sticky cookie`, open-source nginx from the release the feature
// table names) on each tested release that has it, in edgekit's image: the first answer binds the
// client to one server with an HttpOnly, SameSite=Lax, Secure cookie, and 50 requests carrying it
// all reach that server while clients without it are balanced over both. Releases without it are
// refused by rule sticky-needs-nginx.
import http from "node:http";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNginxImage } from "../../../src/nginx-check/images.js";
import { releaseNginx } from "../../../src/nginx-check/runner.js";
import { hasFeature, TESTED_RELEASES } from "../../../src/nginx-features/index.js";
import { runRules } from "../../../src/rules/index.js";
import { nginxTest } from "../../../src/nginx-check/nginx-test.js";
import { compileSpecText } from "../../../src/pipeline.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "../../support/http.js";
import { startNginx, type RunningNginx } from "../../support/nginx-harness.js";
import { REPO, spec, specTextForVersion } from "../../support/specs.js";

const dockerUp = (await execa("docker", ["info"], { reject: false })).exitCode === 0;
const withSticky = TESTED_RELEASES.filter((r) => hasFeature(r.version, "sticky"));
const withoutSticky = TESTED_RELEASES.filter((r) => !hasFeature(r.version, "sticky"));

const stickySpec = (version: string, ports: number[]) =>
  spec({
    nginx: { version, workerProcesses: 1 },
    upstreams: { app: { servers: ports.map((port) => ({ host: "127.0.0.1", port })), balance: "round_robin", sticky: { cookie: "srv", expires: "1h" } } },
    routes: [{ kind: "api", path: "/" }],
  });

it.each(withoutSticky.map((r) => r.version))("nginx %s has no sticky: the spec is refused", (version) => {
  const findings = runRules(stickySpec(version, [1, 2]), () => undefined).filter((d) => d.code === "sticky-needs-nginx");
  expect(findings.map((d) => d.path)).toEqual([["upstreams", "app", "sticky"]]);
});

describe.skipIf(!dockerUp || withSticky.length === 0).each(withSticky)("sticky cookie on nginx $version", (release) => {
  const servers: http.Server[] = [];
  const ports: number[] = [];
  let nginx: RunningNginx;

  beforeAll(async () => {
    await ensureNginxImage(release);
    for (const name of ["one", "two"]) {
      const server = http.createServer((_, res) => res.writeHead(200, { "Content-Type": "text/plain" }).end(name));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      servers.push(server);
      ports.push((server.address() as { port: number }).port);
    }
    nginx = await startNginx(stickySpec(release.version, ports), { runner: releaseNginx(release) });
  }, 600_000);

  afterAll(async () => {
    await nginx?.stop();
    for (const s of servers) await new Promise((r) => s.close(r));
  });

  it("examples/canary.yaml, rendered for this release, passes its nginx -t", async () => {
    const compiled = compileSpecText(specTextForVersion(readFileSync(join(REPO, "examples/canary.yaml"), "utf8"), release.version), "canary.yaml", { specName: "canary.yaml", specDirFromOutput: "." });
    expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const result = await nginxTest(compiled.spec!, { runner: releaseNginx(release) });
    expect([result.ok, result.output]).toEqual([true, expect.any(String)]);
  });

  const get = (headers: Record<string, string> = {}) => request(`https://127.0.0.1:${nginx.httpsPort}/`, { ca: nginx.caCert, headers });

  it("binds a client to one server for 50 requests; clients without the cookie are balanced", async () => {
    const first = await get();
    const setCookie = first.headers["set-cookie"]?.[0] ?? "";
    const [pair, ...attributes] = setCookie.split("; ");
    expect(pair).toMatch(/^srv=[0-9a-f]{32}$/);
    expect(attributes.filter((a) => !a.startsWith("expires=")).sort()).toEqual(["httponly", "max-age=3600", "path=/", "samesite=lax", "secure"]);
    const cookie = setCookie.split(";")[0]!;
    const bound: string[] = [];
    for (let i = 0; i < 50; i++) bound.push((await get({ cookie })).text);
    expect(bound).toEqual(Array(50).fill(first.text));
    const fresh: string[] = [];
    for (let i = 0; i < 10; i++) fresh.push((await get()).text);
    expect(new Set(fresh)).toEqual(new Set(["one", "two"]));
  });
});
