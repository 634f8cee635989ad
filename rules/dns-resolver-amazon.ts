import type { ClusterContext } from '../engine/cluster-context';
import type { Detail } from '../engine/findings';
import type { Params } from '../engine/params';
import type { Rule } from '../engine/rule';
import type { Verdict } from '../engine/verdict';
import { formatAddress, parseAddress, vpcResolverAddress } from '../network/cidr';
import { or, type Tri } from '../network/tri';
import type { SnapshotView } from '../snapshot/view';
import type { DhcpOptionSet, Vpc } from '../snapshot/schema';
import { AMAZON_PROVIDED_DNS } from '../fixes/dhcp-option-set';
import { resourceTypeOf } from '../fixes/resource-types';
import { dhcpValues, judgeDhcpOptionSet, replaceSetDetail } from './shared/dhcp-options';

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

const DOCUMENTATION = 'https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html';

/**
 * Custom DNS servers are not replaced: the user may rely on them for their own names. Whether
 * they forward to the Route 53 Resolver, only the user can say.
 */
function customServersDetail(
  set: DhcpOptionSet,
  vpc: Vpc,
  notAllowed: readonly string[],
  base2: string | undefined,
): Detail {
  const list = notAllowed.join(', ');
  const resolver = base2 ? `169.254.169.253 or ${base2}` : '169.254.169.253 or the base of its CIDR plus two';
  return {
    resourceId: set.DhcpOptionsId,
    resourceType: resourceTypeOf(set.DhcpOptionsId),
    problem:
      `${set.DhcpOptionsId} (DHCP options of ${vpc.VpcId}) gives nodes the DNS servers ` +
      `${dhcpValues(set, 'domain-name-servers').join(', ')}, none of them the Amazon DNS server, and ${list} ` +
      `${notAllowed.length === 1 ? 'is' : 'are'} not in allowedDnsServers: unless they forward to the Route 53 ` +
      'Resolver, the private names of the VPC endpoints and of the EKS API server resolve to public addresses ' +
      'the nodes cannot reach',
    fix: {
      commands: [],
      decide:
        `Decide whether ${list} ${notAllowed.length === 1 ? 'stays' : 'stay'}. To keep them, make them forward every name they do not serve ` +
        `themselves to the Route 53 Resolver of ${vpc.VpcId} (from inside the VPC: ${resolver}; from outside ` +
        'it: through a Route 53 Resolver inbound endpoint), then list them in the parameter allowedDnsServers. ' +
        `Otherwise associate with ${vpc.VpcId} a new DHCP option set whose domain-name-servers is ` +
        `${AMAZON_PROVIDED_DNS} (aws ec2 create-dhcp-options, then aws ec2 associate-dhcp-options), keeping ` +
        `the other options of ${set.DhcpOptionsId}.`,
      documentation: DOCUMENTATION,
    },
  };
}

function judgeServers(
  ctx: ClusterContext,
  set: DhcpOptionSet,
  vpc: Vpc,
  verdict: Verdict,
  params: Params,
): string {
  const label = `${set.DhcpOptionsId} (DHCP options of ${vpc.VpcId})`;
  const servers = dhcpValues(set, 'domain-name-servers');
  if (servers.length === 0) {
    const problem = `${label} has no domain-name-servers`;
    verdict.fail(problem, set.DhcpOptionsId).because(replaceSetDetail(ctx, set, set.DhcpOptionsId, problem));
    return '';
  }
  const view = ctx.view;
  const resolver = vpcResolver(view, vpc);
  const amazon = or(...servers.map((server) => isAmazonDns(server, resolver)));
  if (amazon === true) return `${label} uses the Amazon DNS server (${servers.join(', ')})`;

  const notAllowed = servers.filter((server) => !isAllowed(server, params.allowedDnsServers));
  if (notAllowed.length === 0) return `${label}: DNS servers ${servers.join(', ')} are in allowedDnsServers`;
  const list = notAllowed.join(', ');
  const allowedNote =
    params.allowedDnsServers === undefined ? 'allowedDnsServers is not set' : 'not in allowedDnsServers';
  if (amazon === false) {
    const base2 = resolver ? formatAddress(resolver.family, resolver.value) : undefined;
    verdict
      .fail(
        `${label}: DNS servers ${list} are not the Amazon DNS server (AmazonProvidedDNS, 169.254.169.253, ${base2 ?? 'VPC base + 2'}) and ${allowedNote}`,
        set.DhcpOptionsId,
        ...notAllowed,
      )
      .because(customServersDetail(set, vpc, notAllowed, base2));
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
    documentation: DOCUMENTATION,
    parameters: ['allowedDnsServers'],
    needs: ['Vpcs'],
    readsVpcObject: true,
  },
  evaluate(ctx, params) {
    return judgeDhcpOptionSet(
      ctx,
      `${ctx.vpcId} has no DHCP option set (DhcpOptionsId default), so no domain-name-servers`,
      (set, vpc, verdict) => judgeServers(ctx, set, vpc, verdict, params),
    );
  },
};
