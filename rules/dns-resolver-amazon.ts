import type { Params } from '../engine/params';
import type { Rule } from '../engine/rule';
import type { Verdict } from '../engine/verdict';
import { formatAddress, parseAddress, vpcResolverAddress } from '../network/cidr';
import { or, type Tri } from '../network/tri';
import type { SnapshotView } from '../snapshot/view';
import type { DhcpOptionSet, Vpc } from '../snapshot/schema';
import { dhcpValues, judgeDhcpOptionSet } from './shared/dhcp-options';

const AMAZON_DNS_NAME = 'amazonprovideddns';
/** The Route 53 Resolver's link-local addresses, reachable from every Nitro instance. */
const AMAZON_DNS_ADDRESSES = ['169.254.169.253', 'fd00:ec2::253'].map((text) => parseAddress(text)!);

type Address = NonNullable<ReturnType<typeof parseAddress>>;

function sameAddress(a: Address, b: Address): boolean {
  return a.family === b.family && a.value === b.value;
}

/**
 * The VPC's own resolver (primary CIDR base + 2): undefined when it has none, null when the
 * snapshot leaves `CidrBlock` out (then that alternative is unknown).
 */
function vpcResolver(view: SnapshotView, vpc: Vpc): Address | undefined | null {
  if (vpc.CidrBlock === undefined) return null;
  const cidr = view.cidr(vpc.CidrBlock);
  const text = cidr && vpcResolverAddress(cidr);
  return text === undefined ? undefined : parseAddress(text);
}

/** Whether a `domain-name-servers` value is the Amazon DNS server; addresses compare parsed (fd00:ec2:0::253 matches). */
function isAmazonDns(server: string, resolver: Address | undefined | null): Tri {
  if (server.toLowerCase() === AMAZON_DNS_NAME) return true;
  const address = parseAddress(server);
  if (address === undefined) return false;
  if (AMAZON_DNS_ADDRESSES.some((amazon) => sameAddress(address, amazon))) return true;
  // The base + 2 resolver is an IPv4 address, so only an IPv4 server can be it.
  if (address.family !== 4 || resolver === undefined) return false;
  return resolver === null ? null : sameAddress(address, resolver);
}

function isAllowed(server: string, allowed: readonly string[] | undefined): boolean {
  const address = parseAddress(server);
  return (
    address !== undefined &&
    allowed !== undefined &&
    allowed.includes(formatAddress(address.family, address.value))
  );
}

function judgeServers(
  set: DhcpOptionSet,
  vpc: Vpc,
  verdict: Verdict,
  view: SnapshotView,
  params: Params,
): string {
  const label = `${set.DhcpOptionsId} (DHCP options of ${vpc.VpcId})`;
  const servers = dhcpValues(set, 'domain-name-servers');
  if (servers.length === 0) {
    verdict.fail(`${label} has no domain-name-servers`, set.DhcpOptionsId);
    return '';
  }
  const resolver = vpcResolver(view, vpc);
  const amazon = or(...servers.map((server) => isAmazonDns(server, resolver)));
  if (amazon === true) return `${label} uses the Amazon DNS server (${servers.join(', ')})`;

  const notAllowed = servers.filter((server) => !isAllowed(server, params.allowedDnsServers));
  if (notAllowed.length === 0) return `${label}: DNS servers ${servers.join(', ')} are in allowedDnsServers`;
  const list = notAllowed.join(', ');
  const allowedNote =
    params.allowedDnsServers === undefined ? 'allowedDnsServers is not set' : 'not in allowedDnsServers';
  if (amazon === false) {
    const base2 = resolver ? formatAddress(resolver.family, resolver.value) : 'VPC base + 2';
    verdict.fail(
      `${label}: DNS servers ${list} are not the Amazon DNS server (AmazonProvidedDNS, 169.254.169.253, ${base2}) and ${allowedNote}`,
      set.DhcpOptionsId,
      ...notAllowed,
    );
  } else {
    verdict.unknown(
      `${vpc.VpcId} has no CidrBlock, so cannot tell whether ${list} is its Amazon DNS server (base + 2); ${allowedNote}`,
      set.DhcpOptionsId,
      ...notAllowed,
    );
  }
  return '';
}

/** Endpoint private DNS and the private API server name only resolve through the Route 53 Resolver. */
export const dnsResolverAmazon: Rule = {
  meta: {
    id: 'DNS_RESOLVER_AMAZON',
    title: 'Cluster VPC resolves DNS through the Amazon DNS server',
    severity: 'high',
    rationale:
      'The private hosted zones behind interface endpoint private DNS and the private API server endpoint answer only through the Route 53 Resolver; nodes using other DNS servers resolve public addresses they cannot reach, so image pulls, STS and node registration fail.',
    remediation:
      'Associate a DHCP option set with domain-name-servers=AmazonProvidedDNS (aws ec2 create-dhcp-options ..., aws ec2 associate-dhcp-options --dhcp-options-id <dopt> --vpc-id <vpc>); or make the custom DNS servers forward to the Route 53 Resolver (VPC base + 2) and list them in allowedDnsServers',
    documentation: 'https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html',
    parameters: ['allowedDnsServers'],
    needs: ['Vpcs'],
    readsVpcObject: true,
  },
  evaluate(ctx, params) {
    return judgeDhcpOptionSet(
      ctx,
      `${ctx.vpcId} has no DHCP option set (DhcpOptionsId default), so no domain-name-servers`,
      (set, vpc, verdict) => judgeServers(set, vpc, verdict, ctx.view, params),
    );
  },
};
