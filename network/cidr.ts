import ipaddr from 'ipaddr.js';

/** An address family and an inclusive range of addresses, as integers. */
export interface AddressRange {
  family: 4 | 6;
  start: bigint;
  end: bigint;
}

/** A parsed CIDR block; `text` is the canonical network/prefix form. */
export interface Cidr extends AddressRange {
  text: string;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function toBigInt(bytes: number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Parses one IP address (dotted-quad IPv4 only: `1.2.3` and `010.0.0.1` are ambiguous and refused). */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | undefined {
  const trimmed = text.trim();
  if (ipaddr.IPv4.isValidFourPartDecimal(trimmed)) {
    return { family: 4, value: toBigInt(ipaddr.IPv4.parse(trimmed).toByteArray()) };
  }
  // A zone id (`fe80::1%eth0`) names an interface, not an address EC2 would accept.
  if (trimmed.includes(':') && !trimmed.includes('%') && ipaddr.IPv6.isValid(trimmed)) {
    return { family: 6, value: toBigInt(ipaddr.IPv6.parse(trimmed).toByteArray()) };
  }
  return undefined;
}

/**
 * Parses a CIDR block. `strict` refuses host bits set (`10.0.0.1/8`), as EC2 does for the
 * CIDRs users type; AWS API responses are already canonical, so snapshots are read leniently.
 */
export function parseCidr(text: string, strict = false): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1).trim();
  if (!address || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = BITS[address.family];
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const hostMask = (1n << hostBits) - 1n;
  if (strict && (address.value & hostMask) !== 0n) return undefined;
  const start = address.value & ~hostMask;
  const end = start | hostMask;
  return {
    family: address.family,
    start,
    end,
    prefix,
    text: `${formatAddress(address.family, start)}/${prefix}`,
  };
}

const snapshotCidrs = new Map<string, Cidr | null>();

/**
 * parseCidr of a CIDR text read from a snapshot, remembered: a snapshot repeats the same
 * blocks (10,000 generated clusters: 322,000 CIDR fields, 1,028 distinct texts), and the
 * loader, the view and the NACL rule all read them. The result is frozen, since every caller
 * shares it; the memo is bounded, for long-lived Lambda containers.
 */
export function snapshotCidr(text: string): Cidr | undefined {
  let cidr = snapshotCidrs.get(text);
  if (cidr === undefined) {
    if (snapshotCidrs.size >= 100_000) snapshotCidrs.clear();
    const parsed = parseCidr(text);
    cidr = parsed ? Object.freeze(parsed) : null;
    snapshotCidrs.set(text, cidr);
  }
  return cidr ?? undefined;
}

export function formatAddress(family: 4 | 6, value: bigint): string {
  const byteCount = family === 4 ? 4 : 16;
  const bytes: number[] = [];
  for (let i = byteCount - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

export function contains(outer: AddressRange, inner: AddressRange): boolean {
  return outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end;
}

/**
 * True when the union of `ranges` covers every address of `target`. Ranges of the other
 * family never count (IPv6 rules never match IPv4 traffic, and the reverse).
 */
export function coveredByUnion(target: AddressRange, ranges: readonly AddressRange[]): boolean {
  const relevant = ranges
    .filter((r) => r.family === target.family && r.end >= target.start && r.start <= target.end)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let next = target.start; // first address not yet known to be covered
  for (const range of relevant) {
    if (range.start > next) return false;
    if (range.end >= next) {
      if (range.end >= target.end) return true;
      next = range.end + 1n;
    }
  }
  return false;
}

/** The address EC2 reserves for the Amazon DNS server: the VPC CIDR's base plus two. */
export function vpcResolverAddress(vpcCidr: Cidr): string | undefined {
  return vpcCidr.family === 4 ? formatAddress(4, vpcCidr.start + 2n) : undefined;
}
