import { describe, expect, it } from "vitest";
import { resolverPublic } from "../../../../src/lint/checks/resolver-public.js";
import { run, where } from "../../../support/run-lint-check.js";

describe("resolver-public", () => {
  it("flags a resolver list with a public DNS server, at any level, with ports, IPv6 and options", () => {
    const text = `resolver 8.8.8.8;
http {
  resolver 1.1.1.1 9.9.9.9 valid=300s;
  server {
    resolver [2606:4700:4700::1111]:53 ipv6=on;
    location / { resolver 10.0.0.2 208.67.222.222:5353; }
  }
}`;
    const findings = run(resolverPublic, text);
    expect(where(findings)).toEqual(["1:1 main", "3:3 http", "5:5 http > server", "6:18 http > server > location /"]);
    expect(findings[1]!.message).toContain("resolver 1.1.1.1 9.9.9.9: a public DNS server");
    expect(findings[3]!.message).toContain("resolver 208.67.222.222:");
  });

  it("is quiet for local, private and Docker/Kubernetes resolvers and names", () => {
    const text = `http {
  resolver 127.0.0.11 valid=30s;
  server { resolver 10.96.0.10 172.16.0.2 192.168.1.1 [::1] [fd00::53] 100.64.0.10; }
  server { resolver kube-dns.kube-system.svc.cluster.local; }
}`;
    expect(run(resolverPublic, text)).toEqual([]);
  });
});
