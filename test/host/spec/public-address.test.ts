import { describe, expect, it } from "vitest";
import { isPublicAddress } from "../../../src/spec/public-address.js";

describe("isPublicAddress", () => {
  it("public: the well-known DNS servers, IPv4 and IPv6, and an IPv4-mapped public address", () => {
    for (const a of ["1.1.1.1", "8.8.8.8", "9.9.9.9", "208.67.222.222", "2606:4700:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.4.4", "[2620:fe::fe]"]) expect(isPublicAddress(a), a).toBe(true);
  });

  it("not public: loopback, private, CGNAT, link-local, unique-local, documentation, Docker's embedded DNS, and non-addresses", () => {
    for (const a of ["127.0.0.1", "127.0.0.11", "10.96.0.10", "172.16.0.2", "172.31.255.255", "192.168.1.1", "100.64.0.10", "169.254.169.254", "192.0.2.1", "::1", "fd00::53", "fe80::1", "2001:db8::1", "::ffff:10.0.0.1", "dns.example", ""]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    // Just outside the private blocks.
    expect(isPublicAddress("172.32.0.1")).toBe(true);
    expect(isPublicAddress("100.128.0.1")).toBe(true);
  });
});
