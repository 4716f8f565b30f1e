import { describe, expect, it } from "vitest";
import { serverTokens } from "../../../../src/lint/checks/server-tokens.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("server-tokens", () => {
  it("warns when http sets no server_tokens off (nginx's default is on)", () => {
    const findings = run(serverTokens, "events {}\nhttp {\n  server { listen 80; }\n}");
    expect(where(findings)).toEqual(["2:1 http"]);
  });

  it("warns on an explicit server_tokens on or build anywhere", () => {
    const findings = run(serverTokens, "http {\n  server_tokens off;\n  server { server_tokens build; }\n}");
    expect(where(findings)).toEqual(["3:12 http > server"]);
    expect(findings[0]!.message).toContain("server_tokens build");
  });

  it("is quiet with server_tokens off at http level, and for snippets without an http block", () => {
    expect(run(serverTokens, "http { server_tokens off; server {} }")).toEqual([]);
    expect(run(serverTokens, "server { listen 80; }")).toEqual([]);
  });
});
