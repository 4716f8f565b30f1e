// Whether an IP address is on the public internet: not loopback, private, shared (CGNAT),
// link-local, unique-local, documentation or Docker's embedded DNS. Used where trusting a remote
// host over plain UDP would be a risk (DNS resolvers).
import { BlockList, isIP } from "node:net";

const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
] as const) NOT_PUBLIC.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::1", 128],
  ["::", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["2001:db8::", 32],
] as const) NOT_PUBLIC.addSubnet(net, prefix, "ipv6");

/** True for an address reachable across the internet; false for local, private and reserved ones (and non-addresses). */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return !NOT_PUBLIC.check(mapped[1], "ipv4");
  return !NOT_PUBLIC.check(bare, family === 4 ? "ipv4" : "ipv6");
}
