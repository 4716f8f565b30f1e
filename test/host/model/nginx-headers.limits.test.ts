// Header names at the schema's limit (128 characters) in proxy_set_header and proxy_hide_header,
// through the real nginx -t: nginx hashes them in buckets of proxy_headers_hash_bucket_size (64 by
// default, which holds names of up to 46 characters), so edgekit sizes the bucket from the longest.
import { describe, expect, it } from "vitest";
import { installedNginxVersion, nginxTest } from "../../../src/nginx-check/nginx-test.js";
import { hostNginx } from "../../../src/nginx-check/runner.js";
import { proxyHeadersHashBucketSize } from "../../../src/model/nginx-headers.js";
import { spec } from "../../support/specs.js";

const installed = (await installedNginxVersion())!;
const base = { nginx: { version: installed }, tls: { enabled: false }, compression: { zstd: { enabled: false } } };
const name = (length: number, i = 0) => `X${String(i).padStart(3, "0")}${"a".repeat(length - 4)}`;

describe("proxy_headers_hash_bucket_size from the longest header name (real nginx -t)", () => {
  it("is left at nginx's 64 for the names edgekit writes itself", () => {
    expect(proxyHeadersHashBucketSize(["X-Forwarded-Proto", "Cross-Origin-Opener-Policy", name(46)])).toBeNull();
    expect([47, 110, 111, 128].map((n) => proxyHeadersHashBucketSize([name(n)]))).toEqual([128, 128, 256, 256]);
  });

  it.each([46, 47, 110, 111, 128])("a %i-character request and response header name load", async (length) => {
    const routes = [{ kind: "api" as const, path: "/", requestHeaders: { [name(length)]: "v" }, headers: { [name(length, 1)]: "v" } }];
    const result = await nginxTest(spec({ ...base, routes }), { runner: hostNginx() });
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
    // Without the directive, nginx -t says "could not build proxy_headers_hash" from 47 characters on.
    const bucket = proxyHeadersHashBucketSize([name(length)]);
    if (bucket === null) expect(result.config).not.toContain("proxy_headers_hash_bucket_size");
    else expect(result.config).toContain(`proxy_headers_hash_bucket_size ${bucket};`);
  });

  it("forty 128-character names on one route load", async () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [name(128, i), "v"]));
    const result = await nginxTest(spec({ ...base, routes: [{ kind: "api", path: "/", requestHeaders: many, headers: many }] }), { runner: hostNginx() });
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });
});
