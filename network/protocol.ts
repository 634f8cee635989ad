export type Protocol = 'tcp' | 'udp';

/** What a rule's or entry's protocol field stands for; `other` (icmp, 58, …) never carries tcp/udp. */
export type ProtocolKind = Protocol | 'all' | 'other';

const KINDS: ReadonlyMap<string, ProtocolKind> = new Map<string, ProtocolKind>([
  ['-1', 'all'],
  ['all', 'all'],
  ['6', 'tcp'],
  ['tcp', 'tcp'],
  ['17', 'udp'],
  ['udp', 'udp'],
]);

/**
 * Reads an `IpProtocol` (security groups) or `Protocol` (NACL entries) value: numbers and the
 * names `all`/`tcp`/`udp`, case-insensitive, as the EC2 API accepts them in both places.
 */
export function protocolKind(text: string): ProtocolKind {
  // The API's own spellings first, without trimming and lower-casing a copy of each.
  const exact = KINDS.get(text);
  return exact ?? KINDS.get(text.trim().toLowerCase()) ?? 'other';
}

export function carries(kind: ProtocolKind, protocol: Protocol): boolean {
  return kind === 'all' || kind === protocol;
}
