import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addressSetOf, allowedBy, cidrSet, countOf, coversEveryone, fullFamilies, ruleTargetSet, type AccessRule, type AddressSet } from "../../../src/spec/address-set.js";

const bit = (n: bigint, width: number) => n.toString(2).padStart(width, "0");

/** The oracle: a binary trie. A node (a bit prefix) is covered if a block is it or above it, or both its children are covered. */
function trieCovers(blocks: { bits: string }[], node = ""): boolean {
  if (blocks.some((b) => node.startsWith(b.bits))) return true;
  const below = blocks.filter((b) => b.bits.startsWith(node) && b.bits.length > node.length);
  if (below.length === 0) return false;
  return trieCovers(below, `${node}0`) && trieCovers(below, `${node}1`);
}

const v4Value = (a: string) => a.split(".").reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n);
const toV4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join(".");
const toV6 = (n: bigint) => Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(":");

/** A short-prefix block (so that random sets often cover everything), written with random host bits. */
const v4Block = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.bigInt({ min: 0n, max: (1n << 32n) - 1n })).map(([p, n]) => ({ cidr: `${toV4(n)}/${p}`, bits: bit(n, 32).slice(0, p) }));
const v6Block = fc.tuple(fc.integer({ min: 0, max: 6 }), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n })).map(([p, n]) => ({ cidr: `${toV6(n)}/${p}`, bits: bit(n, 128).slice(0, p) }));

function contains(set: AddressSet, family: "v4" | "v6", n: bigint): boolean {
  return set[family].some(([lo, hi]) => lo <= n && n <= hi);
}

describe("address sets", () => {
  it("judges everyone on the union of the blocks, however it is split", () => {
    const everyone = [
      ["0.0.0.0/0"],
      ["10.1.2.3/0"],
      ["::/0"],
      ["0.0.0.0/1", "128.0.0.0/1"],
      ["128.0.0.0/1", "0.0.0.0/2", "64.0.0.0/2"],
      ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/3"],
      ["::/1", "8000::/1"],
      ["10.0.0.0/8", "0.0.0.0/1", "128.0.0.0/1"],
      ["127.0.0.1", "0.0.0.0/1", "255.0.0.0/8", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4", "240.0.0.0/5", "248.0.0.0/6", "252.0.0.0/7", "254.0.0.0/8"],
    ];
    for (const list of everyone) expect(coversEveryone(list), list.join(" ")).toBe(true);
    const notEveryone = [
      ["0.0.0.0/1"],
      ["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3"],
      ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.1", "::1", "fd00::/8"],
      ["8000::/1", "4000::/2"],
      ["::ffff:0:0/97"],
      // nginx judges IPv4 clients only by IPv4 blocks, IPv4-mapped ones included (address-set.live.test.ts).
      ["::ffff:0:0/96"],
      ["::ffff:0.0.0.0/97", "::ffff:128.0.0.0/97"],
      ["::/1"],
      ["0.0.0.0/1", "8000::/1"],
      ["255.255.255.255/32", "0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4", "240.0.0.0/5", "248.0.0.0/6", "252.0.0.0/7", "254.0.0.0/8"],
    ];
    for (const list of notEveryone) expect(coversEveryone(list), list.join(" ")).toBe(false);
    expect(fullFamilies(addressSetOf(["0.0.0.0/1", "128.0.0.0/1", "::/0"]))).toEqual(["IPv4", "IPv6"]);
  });

  it("a block covers exactly its addresses, host bits dropped, in its own family only", () => {
    expect(cidrSet("10.1.2.3/8")).toEqual({ v4: [[v4Value("10.0.0.0"), v4Value("10.255.255.255")]], v6: [] });
    expect(cidrSet("192.0.2.7")).toEqual({ v4: [[v4Value("192.0.2.7"), v4Value("192.0.2.7")]], v6: [] });
    expect(countOf(cidrSet("2001:db8::/32"))).toEqual({ v4: 0n, v6: 1n << 96n });
    expect(cidrSet("::ffff:10.0.0.0/104")).toEqual({ v4: [], v6: [[(0xffffn << 32n) + v4Value("10.0.0.0"), (0xffffn << 32n) + v4Value("10.255.255.255")]] });
    expect(cidrSet("::/0").v4).toEqual([]);
    expect(countOf(addressSetOf(["10.0.0.0/8", "10.128.0.0/9", "11.0.0.0/8"]))).toEqual({ v4: 2n << 24n, v6: 0n });
  });

  it("property: random IPv4 blocks cover everything iff a bit trie of them does", () => {
    fc.assert(fc.property(fc.array(v4Block, { minLength: 1, maxLength: 40 }), (blocks) => {
      expect(coversEveryone(blocks.map((b) => b.cidr))).toBe(trieCovers(blocks));
    }), { numRuns: 2000 });
  });

  it("property: random IPv6 blocks cover everything iff a bit trie of them does", () => {
    fc.assert(fc.property(fc.array(v6Block, { minLength: 1, maxLength: 40 }), (blocks) => {
      expect(fullFamilies(addressSetOf(blocks.map((b) => b.cidr)))).toEqual(trieCovers(blocks) ? ["IPv6"] : []);
    }), { numRuns: 2000 });
  });

  it("property: an address is in the union iff some block holds it", () => {
    fc.assert(fc.property(fc.array(v4Block, { maxLength: 10 }), fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), (blocks, n) => {
      const inSome = blocks.some((b) => bit(n, 32).startsWith(b.bits));
      expect(contains(addressSetOf(blocks.map((b) => b.cidr)), "v4", n)).toBe(inSome);
    }), { numRuns: 2000 });
  });

  it("property: an ordered allow/deny list lets in exactly whom the first matching rule allows (or no rule matches)", () => {
    const rule = fc.tuple(fc.constantFrom<AccessRule["action"]>("allow", "deny"), fc.oneof({ weight: 8, arbitrary: v4Block }, { weight: 1, arbitrary: fc.constant({ cidr: "all", bits: "" }) }));
    fc.assert(fc.property(fc.array(rule, { maxLength: 8 }), fc.array(fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), { minLength: 20, maxLength: 20 }), (list, probes) => {
      const rules = list.map(([action, b]) => ({ action, target: b.cidr }));
      const allowed = allowedBy(rules);
      for (const n of probes) {
        const first = list.find(([, b]) => bit(n, 32).startsWith(b.bits));
        expect(contains(allowed, "v4", n)).toBe(first === undefined || first[0] === "allow");
      }
    }), { numRuns: 1000 });
  });

  it("reads allow/deny lists in order: first match wins, and no match is allowed", () => {
    const rules = (...lines: string[]) => lines.map((l) => ({ action: l.split(" ")[0] as AccessRule["action"], target: l.split(" ")[1]! }));
    expect(fullFamilies(allowedBy(rules("allow all", "deny all")))).toEqual(["IPv4", "IPv6"]);
    expect(fullFamilies(allowedBy(rules("allow 0.0.0.0/1", "allow 128.0.0.0/1", "deny all")))).toEqual(["IPv4"]);
    expect(fullFamilies(allowedBy(rules("allow 10.0.0.0/8", "deny 0.0.0.0/0")))).toEqual(["IPv6"]);
    expect(fullFamilies(allowedBy(rules("allow 10.0.0.0/8")))).toEqual(["IPv4", "IPv6"]);
    expect(fullFamilies(allowedBy(rules("allow 10.0.0.0/8", "deny all")))).toEqual([]);
    expect(fullFamilies(allowedBy(rules("deny 10.0.0.0/8", "allow 0.0.0.0/0", "deny all")))).toEqual([]);
    expect(fullFamilies(allowedBy(rules("allow ::ffff:0:0/96", "deny all")))).toEqual([]);
    expect(fullFamilies(allowedBy(rules("allow ::ffff:0:0/96", "deny ::/0")))).toEqual(["IPv4"]);
  });

  it("ignores what is not an IP range in a hand-written list (unix:, variables, bad prefixes)", () => {
    for (const target of ["unix:", "$var", "10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0.0/8/8"]) expect(ruleTargetSet(target), target).toBeUndefined();
  });
});
