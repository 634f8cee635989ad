import fc from 'fast-check';
import {
  contains,
  coveredByUnion,
  formatAddress,
  parseAddress,
  parseCidr,
  vpcResolverAddress,
  type AddressRange,
} from '../../network/cidr';

const ip4 = (text: string) => parseAddress(text)!.value;

describe('parseCidr', () => {
  it.each([
    { text: '10.0.0.0/16', canonical: '10.0.0.0/16', start: '10.0.0.0', end: '10.0.255.255' },
    { text: '0.0.0.0/0', canonical: '0.0.0.0/0', start: '0.0.0.0', end: '255.255.255.255' },
    { text: '10.1.2.3/32', canonical: '10.1.2.3/32', start: '10.1.2.3', end: '10.1.2.3' },
    { text: ' 10.0.32.0/19 ', canonical: '10.0.32.0/19', start: '10.0.32.0', end: '10.0.63.255' },
  ])('reads IPv4 $text', ({ text, canonical, start, end }) => {
    const cidr = parseCidr(text)!;
    expect(cidr).toMatchObject({ family: 4, text: canonical, start: ip4(start), end: ip4(end) });
  });

  it.each([
    { text: '2001:db8::/32', canonical: '2001:db8::/32', prefix: 32 },
    { text: '2001:DB8:0:0::/64', canonical: '2001:db8::/64', prefix: 64 },
    { text: '::/0', canonical: '::/0', prefix: 0 },
    { text: 'fd00:ec2::253/128', canonical: 'fd00:ec2::253/128', prefix: 128 },
  ])('reads IPv6 $text as $canonical', ({ text, canonical, prefix }) => {
    const cidr = parseCidr(text)!;
    expect(cidr).toMatchObject({ family: 6, text: canonical, prefix });
    expect(cidr.end - cidr.start + 1n).toBe(1n << BigInt(128 - prefix));
  });

  it.each([
    { text: '10.0.0.1/8', lenient: '10.0.0.0/8' },
    { text: '10.0.33.7/19', lenient: '10.0.32.0/19' },
    { text: '2001:db8::1/64', lenient: '2001:db8::/64' },
  ])('$text has host bits: lenient masks them to $lenient, strict refuses', ({ text, lenient }) => {
    expect(parseCidr(text)?.text).toBe(lenient);
    expect(parseCidr(text, false)?.text).toBe(lenient);
    expect(parseCidr(text, true)).toBeUndefined();
  });

  it.each(['10.0.0.0/8', '::/0', '2001:db8::/32', '10.0.0.0/32'])('strict accepts canonical %s', (text) => {
    expect(parseCidr(text, true)?.text).toBe(text);
  });

  it.each([
    '10.0.0.0',
    '10.0.0.0/33',
    '2001:db8::/129',
    '10.0.0/8',
    '010.0.0.0/8',
    '1.2.3/24',
    '256.0.0.0/8',
    '10.0.0.0/-1',
    '10.0.0.0/8.5',
    '10.0.0.0/',
    '/8',
    'abc/8',
    '',
    '10.0.0.0/8/8',
  ])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
    expect(parseCidr(text, true)).toBeUndefined();
  });
});

describe('parseAddress and formatAddress', () => {
  it.each([
    { text: '10.0.0.2', family: 4, formatted: '10.0.0.2' },
    { text: '169.254.169.253', family: 4, formatted: '169.254.169.253' },
    { text: 'FD00:EC2:0::253', family: 6, formatted: 'fd00:ec2::253' },
  ])('$text round-trips as $formatted', ({ text, family, formatted }) => {
    const address = parseAddress(text)!;
    expect(address.family).toBe(family);
    expect(formatAddress(address.family, address.value)).toBe(formatted);
  });

  it.each(['1.2.3', '010.0.0.1', '10.0.0.256', 'AmazonProvidedDNS', '', '10.0.0.1/32'])(
    'refuses %j',
    (text) => {
      expect(parseAddress(text)).toBeUndefined();
    },
  );
});

describe('contains and vpcResolverAddress', () => {
  const c = (text: string) => parseCidr(text)!;
  it.each([
    { outer: '10.0.0.0/16', inner: '10.0.32.0/19', expected: true },
    { outer: '10.0.0.0/16', inner: '10.0.0.0/16', expected: true },
    { outer: '10.0.32.0/19', inner: '10.0.0.0/16', expected: false },
    { outer: '10.0.0.0/16', inner: '10.1.0.0/24', expected: false },
    { outer: '0.0.0.0/0', inner: '::/128', expected: false },
  ])('$outer contains $inner: $expected', ({ outer, inner, expected }) => {
    expect(contains(c(outer), c(inner))).toBe(expected);
  });

  it('puts the Amazon DNS server at the VPC base + 2, IPv4 only', () => {
    expect(vpcResolverAddress(c('10.20.0.0/16'))).toBe('10.20.0.2');
    expect(vpcResolverAddress(c('2001:db8::/56'))).toBeUndefined();
  });
});

describe('coveredByUnion', () => {
  const c = (text: string) => parseCidr(text)!;
  it.each([
    { target: '10.0.0.0/19', ranges: ['10.0.0.0/20', '10.0.16.0/20'], expected: true },
    { target: '10.0.0.0/19', ranges: ['10.0.16.0/20', '10.0.0.0/20'], expected: true },
    { target: '10.0.0.0/19', ranges: ['10.0.0.0/20'], expected: false },
    { target: '10.0.0.0/19', ranges: ['10.0.0.0/20', '10.0.17.0/24', '10.0.18.0/23'], expected: false },
    { target: '10.0.0.0/19', ranges: ['0.0.0.0/0'], expected: true },
    { target: '10.0.0.0/19', ranges: ['::/0'], expected: false },
    { target: '2001:db8::/64', ranges: ['0.0.0.0/0'], expected: false },
    { target: '2001:db8::/64', ranges: ['2001:db8::/65', '2001:db8:0:0:8000::/65'], expected: true },
    { target: '10.0.0.0/24', ranges: [], expected: false },
    { target: '10.0.0.0/24', ranges: ['10.0.0.0/25', '10.0.0.0/26', '10.0.0.128/25'], expected: true },
  ])('$target by $ranges: $expected', ({ target, ranges, expected }) => {
    expect(coveredByUnion(c(target), ranges.map(c))).toBe(expected);
  });

  // Small ranges inside 10.0.0.0/24 (256 addresses), so the oracle can enumerate every address.
  const BASE = ip4('10.0.0.0');
  const blockInBase = fc
    .record({ prefix: fc.integer({ min: 24, max: 32 }), offset: fc.integer({ min: 0, max: 255 }) })
    .map(({ prefix, offset }) => parseCidr(`${formatAddress(4, BASE + BigInt(offset))}/${prefix}`)!);
  const rangeInBase = fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
    .map(([a, b]): AddressRange => ({
      family: 4,
      start: BASE + BigInt(Math.min(a, b)),
      end: BASE + BigInt(Math.max(a, b)),
    }));
  const v6Decoy: AddressRange = { family: 6, start: BASE, end: BASE + 255n }; // same integers, other family

  function bruteForce(target: AddressRange, ranges: readonly AddressRange[]): boolean {
    for (let a = target.start; a <= target.end; a++) {
      if (!ranges.some((r) => r.family === target.family && r.start <= a && a <= r.end)) return false;
    }
    return true;
  }

  it('agrees with address enumeration for CIDR blocks split into random sub-blocks', () => {
    fc.assert(
      fc.property(blockInBase, fc.array(blockInBase, { maxLength: 8 }), (target, ranges) => {
        expect(coveredByUnion(target, ranges)).toBe(bruteForce(target, ranges));
      }),
      { numRuns: 400 },
    );
  });

  it('agrees with address enumeration for arbitrary ranges, ignoring the other family', () => {
    fc.assert(
      fc.property(
        rangeInBase,
        fc.array(rangeInBase, { maxLength: 6 }),
        fc.boolean(),
        (target, ranges, decoy) => {
          const all = decoy ? [...ranges, v6Decoy] : ranges;
          expect(coveredByUnion(target, all)).toBe(bruteForce(target, ranges));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('covers a block exactly split into its two halves, recursively', () => {
    fc.assert(
      fc.property(blockInBase, fc.integer({ min: 0, max: 3 }), (target, depth) => {
        const split = (r: AddressRange, d: number): AddressRange[] => {
          if (d === 0 || r.start === r.end) return [r];
          const mid = r.start + (r.end - r.start + 1n) / 2n;
          return [...split({ ...r, end: mid - 1n }, d - 1), ...split({ ...r, start: mid }, d - 1)];
        };
        const pieces = split(target, depth);
        expect(coveredByUnion(target, pieces.reverse())).toBe(true);
        if (pieces.length > 1) expect(coveredByUnion(target, pieces.slice(1))).toBe(false);
      }),
    );
  });
});
