import { describe, expect, it } from "vitest";
import { sslLegacyProtocols } from "../../../../src/lint/checks/ssl-legacy-protocols.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("ssl-legacy-protocols", () => {
  it("flags SSLv3, TLSv1 and TLSv1.1, in http and stream alike", () => {
    const findings = run(sslLegacyProtocols, "http {\n  ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n}\nstream { server { ssl_protocols SSLv3 TLSv1.2; } }");
    expect(where(findings)).toEqual(["2:3 http", "4:19 stream > server"]);
    expect(findings[0]!.message).toContain("enables TLSv1, TLSv1.1");
  });

  it("is quiet for TLSv1.2 and TLSv1.3", () => {
    expect(run(sslLegacyProtocols, "http { ssl_protocols TLSv1.2 TLSv1.3; server { ssl_protocols TLSv1.3; } }")).toEqual([]);
  });
});
