import { describe, expect, it } from "vitest";
import { sslStaplingResolver } from "../../../../src/lint/checks/ssl-stapling-resolver.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("ssl-stapling-resolver", () => {
  it("warns once per ssl_stapling on that no resolver reaches", () => {
    const findings = run(sslStaplingResolver, "http {\n  ssl_stapling on;\n  server { listen 443 ssl; }\n  server { listen 8443 ssl; }\n}");
    expect(where(findings)).toEqual(["2:3 http > server"]);
  });

  it("is quiet with a resolver at http or server level, a stapling file, or stapling off", () => {
    expect(run(sslStaplingResolver, "http { resolver 1.1.1.1; server { ssl_stapling on; } }")).toEqual([]);
    expect(run(sslStaplingResolver, "http { server { ssl_stapling on; resolver 1.1.1.1 valid=300s; } }")).toEqual([]);
    expect(run(sslStaplingResolver, "http { server { ssl_stapling on; ssl_stapling_file /etc/ocsp.der; } }")).toEqual([]);
    expect(run(sslStaplingResolver, "http { server { ssl_stapling off; } }")).toEqual([]);
  });
});
