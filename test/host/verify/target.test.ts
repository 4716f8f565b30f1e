import { describe, expect, it } from "vitest";
import { makeTarget, TargetError } from "../../../src/verify/target.js";

describe("makeTarget", () => {
  it("derives the plain-HTTP port: 80 for 443, the spec's for the spec's https port, none otherwise", () => {
    expect(makeTarget("https://edge.example.com/api").httpOrigin?.href).toBe("http://edge.example.com/");
    expect(makeTarget("https://localhost:18443/x", { specPorts: { httpPort: 18080, httpsPort: 18443 } }).httpOrigin?.href).toBe("http://localhost:18080/");
    expect(makeTarget("https://localhost:8443/x").httpOrigin).toBeNull();
    expect(makeTarget("https://localhost:8443/x", { httpPort: 8080 }).httpOrigin?.href).toBe("http://localhost:8080/");
    expect(makeTarget("https://[::1]:8443/x", { httpPort: 8080 }).httpOrigin?.href).toBe("http://[::1]:8080/");
  });

  it("sends SNI for names, not for addresses; trusts --ca; --insecure turns verification off", () => {
    expect(makeTarget("https://edge.example.com/").tls).toEqual({ servername: "edge.example.com" });
    expect(makeTarget("https://127.0.0.1/").tls).toEqual({});
    expect(makeTarget("https://edge.example.com/", { ca: "PEM", insecure: true }).tls).toEqual({ ca: "PEM", rejectUnauthorized: false, servername: "edge.example.com" });
  });

  it("refuses plain http:// and non-URLs with a message that says what to pass", () => {
    expect(() => makeTarget("http://edge.example.com/")).toThrow(TargetError);
    expect(() => makeTarget("http://edge.example.com/")).toThrow(/https:\/\/ URL.*--http-port/);
    expect(() => makeTarget("edge.example.com")).toThrow(/not a URL/);
  });
});
