// Which client addresses a set of CIDR blocks, or an ordered allow/deny list, lets in.
// Interval arithmetic over the IPv4 (32-bit) and IPv6 (128-bit) spaces with bigint, so that
// "everyone" is judged on the union of the ranges: 0.0.0.0/1 + 128.0.0.0/1 is everyone, as is
// ::/1 + 8000::/1. Each family stands alone, as in nginx: an IPv4 client, even one that reaches a
// dual-stack listener as ::ffff:a.b.c.d, is judged only by IPv4 blocks (allow/deny compare it with
// the IPv4 rules, set_real_ip_from as an IPv4 address), so ::ffff:0:0/96 lets no IPv4 client in
// (test/host/spec/address-set.live.test.ts shows it on the real nginx).
import { isIP } from "node:net";

/** An inclusive range of addresses [first, last] as integers. */
export type Interval = readonly [bigint, bigint];

/** Addresses of both families, each a sorted list of disjoint, non-adjacent intervals. */
export interface AddressSet {
  readonly v4: readonly Interval[];
  readonly v6: readonly Interval[];
}

export type Family = "IPv4" | "IPv6";

const BITS = { v4: 32n, v6: 128n } as const;
const FULL = { v4: [0n, (1n << 32n) - 1n] as Interval, v6: [0n, (1n << 128n) - 1n] as Interval };

export const EMPTY: AddressSet = { v4: [], v6: [] };
export const EVERYONE: AddressSet = { v4: [FULL.v4], v6: [FULL.v6] };

/** Sorts and merges overlapping or adjacent intervals. */
export function normalize(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1n) last[1] = hi > last[1] ? hi : last[1];
    else out.push([lo, hi]);
  }
  return out;
}

/** The intervals of `a` that are not in `b` (both normalized). */
export function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [lo, hi] of a) {
    let start = lo;
    for (const [blo, bhi] of b) {
      if (bhi < start || blo > hi) continue;
      if (blo > start) out.push([start, blo - 1n]);
      start = bhi + 1n;
      if (start > hi) break;
    }
    if (start <= hi) out.push([start, hi]);
  }
  return out;
}

export function union(a: AddressSet, b: AddressSet): AddressSet {
  return { v4: normalize([...a.v4, ...b.v4]), v6: normalize([...a.v6, ...b.v6]) };
}

export function difference(a: AddressSet, b: AddressSet): AddressSet {
  return { v4: subtract(a.v4, b.v4), v6: subtract(a.v6, b.v6) };
}

/** How many addresses of each family the set holds. */
export function countOf(set: AddressSet): { v4: bigint; v6: bigint } {
  const sum = (list: readonly Interval[]) => list.reduce((n, [lo, hi]) => n + hi - lo + 1n, 0n);
  return { v4: sum(set.v4), v6: sum(set.v6) };
}

function addressValue(address: string): bigint {
  if (isIP(address) === 4) return address.split(".").reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = addressValue(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/**
 * The addresses one CIDR block (or plain address) covers. Host bits below the prefix are dropped,
 * as nginx does (it warns "low address bits are meaningless"). Throws on a value that is not a CIDR block.
 */
export function cidrSet(value: string): AddressSet {
  const [address = "", prefixText] = value.split("/");
  const family = isIP(address);
  if (family === 0) throw new Error(`not an IP address or CIDR block: ${value}`);
  const key = family === 4 ? "v4" : "v6";
  const bits = BITS[key];
  const prefix = prefixText === undefined ? bits : BigInt(Number(prefixText));
  if (prefix < 0n || prefix > bits) throw new Error(`prefix out of range: ${value}`);
  const hostBits = bits - prefix;
  const lo = (addressValue(address) >> hostBits) << hostBits;
  const range: Interval = [lo, lo + (1n << hostBits) - 1n];
  return key === "v4" ? { v4: [range], v6: [] } : { v4: [], v6: [range] };
}

/** The union of CIDR blocks (allow lists that end in "deny all", set_real_ip_from lists). */
export function addressSetOf(cidrs: readonly string[]): AddressSet {
  return cidrs.map(cidrSet).reduce(union, EMPTY);
}

/** The families a set covers entirely: [] when no family is wholly inside it. */
export function fullFamilies(set: AddressSet): Family[] {
  const full = (list: readonly Interval[], whole: Interval) => list.length === 1 && list[0]![0] === whole[0] && list[0]![1] === whole[1];
  return [...(full(set.v4, FULL.v4) ? (["IPv4"] as const) : []), ...(full(set.v6, FULL.v6) ? (["IPv6"] as const) : [])];
}

/** True when the CIDR blocks together cover every IPv4 or every IPv6 address. */
export function coversEveryone(cidrs: readonly string[]): boolean {
  return fullFamilies(addressSetOf(cidrs)).length > 0;
}

/** One allow or deny line: `all`, a CIDR block or an address (`unix:` matches no IP client and is skipped). */
export interface AccessRule {
  readonly action: "allow" | "deny";
  readonly target: string;
}

/** The addresses one allow/deny argument matches; undefined for what is not an IP range (unix:). */
export function ruleTargetSet(target: string): AddressSet | undefined {
  if (target === "all") return EVERYONE;
  const [address = "", prefix, ...rest] = target.split("/");
  const bits = isIP(address) === 4 ? 32 : 128;
  if (isIP(address) === 0 || rest.length > 0) return undefined;
  if (prefix !== undefined && !(/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= bits)) return undefined;
  return cidrSet(target);
}

/**
 * The addresses an ordered allow/deny list lets in, as nginx's access module judges them: the first
 * rule that matches a client decides; a client no rule matches is allowed.
 */
export function allowedBy(rules: readonly AccessRule[]): AddressSet {
  let decided = EMPTY;
  let allowed = EMPTY;
  for (const rule of rules) {
    const range = ruleTargetSet(rule.target);
    if (!range) continue;
    if (rule.action === "allow") allowed = union(allowed, difference(range, decided));
    decided = union(decided, range);
  }
  return union(allowed, difference(EVERYONE, decided));
}
