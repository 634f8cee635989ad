import { subnetsPrivate } from '../../rules/subnets-private';
import { privateClustersSnapshot, resourceId, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import {
  all,
  subnet,
  table,
  withoutSection,
  type Json,
  type Mutation as Edit,
} from '../../testkit/snapshot-edits';
import { applyCommands, expectDetailsCoverOffenders, fixCommands } from '../fixes/apply-aws-cli';

const { ids } = privateClustersSnapshot(1);
const { vpcId, subnetIds, privateRouteTableId, mainRouteTableId } = ids[0]!;
const [subnetA, subnetB, subnetC] = subnetIds as [string, string, string];
const allSubnets = subnetIds.join(', ');
const IGW = 'igw-0123456789abcdef0';
const NAT = 'nat-0123456789abcdef0';
const EIGW = 'eigw-0123456789abcdef0';
/** A subnet of the VPC that no node group uses: only nodeSubnetIds makes it a node subnet. */
const EXTRA = resourceId('subnet', 0, 9);
const EXTRA_TABLE = resourceId('rtb', 0, 9);
/** A subnet id the snapshot does not hold. */
const UNKNOWN_SUBNET = resourceId('subnet', 0, 10);

type Mutation = (s: RawSnapshot) => void;
const addRoute =
  (tableId: string, route: Json): Mutation =>
  (s) =>
    (table(s, tableId).Routes as Json[]).push({ Origin: 'CreateRoute', State: 'active', ...route });
const publicIp =
  (id: string, value: boolean | undefined): Mutation =>
  (s) => {
    if (value === undefined) delete subnet(s, id).MapPublicIpOnLaunch;
    else subnet(s, id).MapPublicIpOnLaunch = value;
  };
/** Adds EXTRA, a private subnet with its own route table, to the cluster VPC. */
const addExtraSubnet =
  (overrides: Json = {}): Mutation =>
  (s) => {
    s.ec2.Subnets.push({
      ...structuredClone(subnet(s, subnetA)),
      SubnetId: EXTRA,
      CidrBlock: '10.0.128.0/24',
      ...overrides,
    });
    s.ec2.RouteTables.push({
      RouteTableId: EXTRA_TABLE,
      VpcId: vpcId,
      Associations: [{ Main: false, SubnetId: EXTRA, AssociationState: { State: 'associated' } }],
      Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' }],
    });
  };

const cases: RuleCase[] = [
  // Compliant
  {
    name: 'private subnets with only local and s3 gateway routes',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: [
      '3 node subnets: no public IPs at launch, no route to an internet, NAT or egress-only gateway',
    ],
  },
  {
    name: 'a blackhole internet gateway route is ignored',
    mutate: addRoute(privateRouteTableId, {
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: IGW,
      State: 'blackhole',
    }),
    expected: 'COMPLIANT',
    annotation: ['no route to an internet'],
  },
  {
    name: 'a transit gateway default route is not internet egress',
    mutate: addRoute(privateRouteTableId, {
      DestinationCidrBlock: '0.0.0.0/0',
      TransitGatewayId: 'tgw-0123456789abcdef0',
    }),
    expected: 'COMPLIANT',
    annotation: ['3 node subnets'],
  },
  {
    name: 'peering and NAT-instance routes are not internet egress',
    mutate: all(
      addRoute(privateRouteTableId, {
        DestinationCidrBlock: '172.16.0.0/12',
        VpcPeeringConnectionId: 'pcx-0123456789abcdef0',
      }),
      addRoute(privateRouteTableId, {
        DestinationCidrBlock: '0.0.0.0/0',
        InstanceId: 'i-0123456789abcdef0',
        NetworkInterfaceId: 'eni-0123456789abcdef0',
      }),
    ),
    expected: 'COMPLIANT',
    annotation: ['3 node subnets'],
  },
  {
    name: 'an internet gateway route in a table no node subnet uses',
    mutate: addRoute(mainRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW }),
    expected: 'COMPLIANT',
    annotation: ['3 node subnets'],
  },
  {
    name: 'egressMode=nat: NAT and egress-only gateway routes are allowed',
    params: { egressMode: 'nat' },
    mutate: all(
      addRoute(privateRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT }),
      addRoute(privateRouteTableId, { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: EIGW }),
    ),
    expected: 'COMPLIANT',
    annotation: ['3 node subnets: no public IPs at launch, no internet gateway route (NAT allowed)'],
  },
  {
    name: 'egressMode=any short cut, even with a public subnet and an internet route',
    params: { egressMode: 'any' },
    mutate: all(
      publicIp(subnetA, true),
      addRoute(privateRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW }),
    ),
    expected: 'COMPLIANT',
    annotation: ['egressMode=any'],
  },
  {
    name: 'egressMode=any short cut comes before the needed sections',
    params: { egressMode: 'ANY' },
    mutate: withoutSection('Subnets', 'RouteTables'),
    expected: 'COMPLIANT',
    annotation: ['egressMode=any'],
  },

  // Non-compliant
  {
    name: 'a node subnet maps public IPs at launch',
    mutate: publicIp(subnetB, true),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetB} assigns public IPv4 addresses at launch (MapPublicIpOnLaunch)`],
    offenders: [subnetB],
  },
  {
    name: 'egressMode=nat: public IPs are still a violation',
    params: { egressMode: 'nat' },
    mutate: publicIp(subnetC, true),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetC} assigns public IPv4 addresses`],
    offenders: [subnetC],
  },
  {
    name: 'a default route to an internet gateway',
    mutate: addRoute(privateRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW }),
    expected: 'NON_COMPLIANT',
    annotation: [
      `${allSubnets}: route table ${privateRouteTableId} sends 0.0.0.0/0 to internet gateway ${IGW}`,
    ],
    offenders: [subnetA, subnetB, subnetC, privateRouteTableId, IGW],
  },
  {
    name: 'an internet gateway route to a narrow destination counts too',
    mutate: addRoute(privateRouteTableId, { DestinationCidrBlock: '203.0.113.0/24', GatewayId: IGW }),
    expected: 'NON_COMPLIANT',
    annotation: [`sends 203.0.113.0/24 to internet gateway ${IGW}`],
  },
  {
    name: 'a prefix-list route to an internet gateway names the prefix list',
    mutate: addRoute(privateRouteTableId, { DestinationPrefixListId: 'pl-0123abcd', GatewayId: IGW }),
    expected: 'NON_COMPLIANT',
    annotation: [`sends pl-0123abcd to internet gateway ${IGW}`],
  },
  {
    name: 'an internet gateway route without State is taken as active',
    mutate: (s) =>
      (table(s, privateRouteTableId).Routes as Json[]).push({
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: IGW,
      }),
    expected: 'NON_COMPLIANT',
    annotation: [`to internet gateway ${IGW}`],
  },
  {
    name: 'route State is compared case-insensitively',
    mutate: addRoute(privateRouteTableId, {
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: IGW,
      State: 'Active',
    }),
    expected: 'NON_COMPLIANT',
    annotation: [`to internet gateway ${IGW}`],
  },
  {
    name: 'a route to a NAT gateway',
    mutate: addRoute(privateRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT }),
    expected: 'NON_COMPLIANT',
    annotation: [`route table ${privateRouteTableId} sends 0.0.0.0/0 to NAT gateway ${NAT}`],
    offenders: [subnetA, subnetB, subnetC, privateRouteTableId, NAT],
  },
  {
    name: 'a route to an egress-only internet gateway',
    mutate: addRoute(privateRouteTableId, {
      DestinationIpv6CidrBlock: '::/0',
      EgressOnlyInternetGatewayId: EIGW,
    }),
    expected: 'NON_COMPLIANT',
    annotation: [`sends ::/0 to egress-only internet gateway ${EIGW}`],
    offenders: [subnetA, subnetB, subnetC, privateRouteTableId, EIGW],
  },
  {
    name: 'egressMode=nat: an internet gateway route is still a violation',
    params: { egressMode: 'nat' },
    mutate: all(
      addRoute(privateRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT }),
      addRoute(privateRouteTableId, { DestinationIpv6CidrBlock: '::/0', GatewayId: IGW }),
    ),
    expected: 'NON_COMPLIANT',
    annotation: [`sends ::/0 to internet gateway ${IGW}`],
    offenders: [subnetA, subnetB, subnetC, privateRouteTableId, IGW],
  },
  {
    name: 'a subnet without association falls back to the main table',
    mutate: all(
      (s) => {
        const associations = table(s, privateRouteTableId).Associations as Json[];
        table(s, privateRouteTableId).Associations = associations.filter((a) => a.SubnetId !== subnetC);
      },
      addRoute(mainRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW }),
    ),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetC}: route table ${mainRouteTableId} sends 0.0.0.0/0 to internet gateway ${IGW}`],
    offenders: [subnetC, mainRouteTableId, IGW],
  },
  {
    name: 'a disassociated association is ignored (main table applies)',
    mutate: all(
      (s) => {
        for (const a of table(s, privateRouteTableId).Associations as Json[]) {
          if (a.SubnetId === subnetA) a.AssociationState = { State: 'disassociated' };
        }
      },
      addRoute(mainRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT }),
    ),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetA}: route table ${mainRouteTableId} sends 0.0.0.0/0 to NAT gateway ${NAT}`],
    offenders: [subnetA, mainRouteTableId, NAT],
  },
  {
    name: 'a Fargate profile subnet is a node subnet',
    mutate: all(addExtraSubnet({ MapPublicIpOnLaunch: true }), (s) => {
      s.eks.fargateProfiles = { 'prod-0': [{ fargateProfileName: 'default', subnets: [EXTRA] }] };
    }),
    expected: 'NON_COMPLIANT',
    annotation: [`${EXTRA} assigns public IPv4 addresses`],
    offenders: [EXTRA],
  },
  {
    name: 'a violation wins over an unknown',
    mutate: all(publicIp(subnetA, undefined), publicIp(subnetB, true)),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetB} assigns public IPv4 addresses`],
    offenders: [subnetB],
  },
  {
    name: 'a node subnet missing from ec2.Subnets is still judged by its associated table',
    mutate: all(
      (s) => (s.ec2.Subnets = s.ec2.Subnets.filter((x) => x.SubnetId !== subnetA)),
      addRoute(privateRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW }),
    ),
    expected: 'NON_COMPLIANT',
    annotation: [`route table ${privateRouteTableId} sends 0.0.0.0/0 to internet gateway ${IGW}`],
  },

  // Insufficient data
  {
    name: 'MapPublicIpOnLaunch absent',
    mutate: publicIp(subnetA, undefined),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${subnetA}: MapPublicIpOnLaunch is absent`],
    offenders: [subnetA],
  },
  {
    name: 'a node group subnet missing from ec2.Subnets, with no association',
    mutate: (s) => (s.eks.nodegroups['prod-0']![0]!.subnets as string[]).push(UNKNOWN_SUBNET),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${UNKNOWN_SUBNET} is not in ec2.Subnets`],
    offenders: [UNKNOWN_SUBNET],
  },
  {
    name: 'a node group without subnets',
    mutate: (s) => delete s.eks.nodegroups['prod-0']![0]!.subnets,
    expected: 'INSUFFICIENT_DATA',
    annotation: ['node group prod-0-general has no subnets'],
  },
  {
    name: 'no main route table for a subnet without association',
    mutate: (s) => {
      s.ec2.RouteTables = s.ec2.RouteTables.filter((t) => t.RouteTableId !== mainRouteTableId);
      const associations = table(s, privateRouteTableId).Associations as Json[];
      table(s, privateRouteTableId).Associations = associations.filter((a) => a.SubnetId !== subnetB);
    },
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${subnetB}: no main route table of ${vpcId} in ec2.RouteTables`],
    offenders: [subnetB],
  },
  {
    name: 'ec2.Subnets absent',
    mutate: withoutSection('Subnets'),
    expected: 'INSUFFICIENT_DATA',
    annotation: ['snapshot has no ec2.Subnets'],
  },
  {
    name: 'ec2.RouteTables absent',
    mutate: withoutSection('RouteTables'),
    expected: 'INSUFFICIENT_DATA',
    annotation: ['snapshot has no ec2.RouteTables'],
  },
  {
    name: 'no ec2 section at all',
    mutate: (s) => delete (s as Partial<RawSnapshot>).ec2,
    expected: 'INSUFFICIENT_DATA',
    annotation: ['snapshot has no ec2.Subnets, ec2.RouteTables'],
  },

  // Not applicable
  {
    name: 'cluster deleting',
    mutate: all((s) => (s.eks.clusters[0]!.status = 'DELETING'), publicIp(subnetA, true)),
    expected: 'NOT_APPLICABLE',
    annotation: ['being deleted'],
  },

  // nodeSubnetIds
  {
    name: 'nodeSubnetIds: a public subnet given by the parameter is checked',
    params: { nodeSubnetIds: EXTRA },
    mutate: addExtraSubnet({ MapPublicIpOnLaunch: true }),
    expected: 'NON_COMPLIANT',
    annotation: [`${EXTRA} assigns public IPv4 addresses`],
    offenders: [EXTRA],
  },
  {
    name: 'nodeSubnetIds: the same subnet is not a node subnet without the parameter',
    mutate: addExtraSubnet({ MapPublicIpOnLaunch: true }),
    expected: 'COMPLIANT',
    annotation: ['3 node subnets'],
  },
  {
    name: "nodeSubnetIds: the parameter subnet's own route table is checked",
    params: { nodeSubnetIds: EXTRA },
    mutate: all(
      addExtraSubnet(),
      addRoute(EXTRA_TABLE, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW }),
    ),
    expected: 'NON_COMPLIANT',
    annotation: [`${EXTRA}: route table ${EXTRA_TABLE} sends 0.0.0.0/0 to internet gateway ${IGW}`],
    offenders: [EXTRA, EXTRA_TABLE, IGW],
  },
  {
    name: 'nodeSubnetIds: a compliant parameter subnet is counted',
    params: { nodeSubnetIds: EXTRA },
    mutate: addExtraSubnet(),
    expected: 'COMPLIANT',
    annotation: ['4 node subnets'],
  },
  {
    name: 'nodeSubnetIds: an id the snapshot does not hold is unknown',
    params: { nodeSubnetIds: UNKNOWN_SUBNET },
    mutate: () => {},
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${UNKNOWN_SUBNET} is not in ec2.Subnets`],
    offenders: [UNKNOWN_SUBNET],
  },

  // Annotation and offenders
  {
    name: 'reports a shared table once, with every subnet using it and every offending route',
    mutate: all(
      addRoute(privateRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW }),
      addRoute(privateRouteTableId, { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: EIGW }),
    ),
    expected: 'NON_COMPLIANT',
    annotation: `${allSubnets}: route table ${privateRouteTableId} sends 0.0.0.0/0 to internet gateway ${IGW}, ::/0 to egress-only internet gateway ${EIGW}`,
    offenders: [subnetA, subnetB, subnetC, privateRouteTableId, IGW, EIGW],
  },
  {
    name: 'keeps the annotation within 256 characters when many subnets violate',
    mutate: all(
      ...subnetIds.map((id) => publicIp(id, true)),
      addRoute(privateRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW }),
    ),
    expected: 'NON_COMPLIANT',
    annotation: /\(\+\d+ more\)$/,
    offenders: [subnetA, subnetB, subnetC, privateRouteTableId, IGW],
  },
];

describeRule(subnetsPrivate, cases, () => {
  it('nodeSubnetIds: an id the snapshot shows in another VPC is ignored', () => {
    const { snapshot, ids: pair } = privateClustersSnapshot(2);
    const foreign = pair[1]!.subnetIds[0]!;
    subnet(snapshot, foreign).MapPublicIpOnLaunch = true;
    expect(runRule(subnetsPrivate, snapshot, { nodeSubnetIds: foreign }, 'prod-0')).toEqual({
      compliance: 'COMPLIANT',
      annotation:
        '3 node subnets: no public IPs at launch, no route to an internet, NAT or egress-only gateway',
      offenders: [],
      details: [],
    });
    // The same subnet is a violation for the cluster whose VPC holds it.
    expect(runRule(subnetsPrivate, snapshot, {}, 'prod-1').offenders).toEqual([foreign]);
  });
});

describe('SUBNETS_PRIVATE details', () => {
  const after = (mutate: Edit, params: Record<string, string> = {}, region = 'eu-west-1') => {
    const { snapshot, ids: every } = privateClustersSnapshot(1, { region });
    mutate(snapshot, every[0]!, every);
    return { snapshot, outcome: runRule(subnetsPrivate, snapshot, params) };
  };

  it('a table of node subnets alone: each route is deleted by its destination; public IPs stop (cn-north-1)', () => {
    const { snapshot, outcome } = after(
      all(
        publicIp(subnetA, true),
        addRoute(privateRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW }),
        addRoute(privateRouteTableId, {
          DestinationIpv6CidrBlock: '::/0',
          EgressOnlyInternetGatewayId: EIGW,
        }),
      ),
      {},
      'cn-north-1',
    );
    expectDetailsCoverOffenders(outcome);
    expect(outcome.details).toEqual([
      {
        resourceId: subnetA,
        resourceType: 'AWS::EC2::Subnet',
        problem: `${subnetA} gives every instance launched in it a public IPv4 address (MapPublicIpOnLaunch is true); instances already running keep theirs until they are replaced`,
        fix: {
          commands: [
            `aws ec2 modify-subnet-attribute --region cn-north-1 --subnet-id ${subnetA} --no-map-public-ip-on-launch`,
          ],
          documentation: 'https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html',
        },
      },
      {
        resourceId: privateRouteTableId,
        resourceType: 'AWS::EC2::RouteTable',
        problem: `route table ${privateRouteTableId} of node subnets ${allSubnets} sends 0.0.0.0/0 to internet gateway ${IGW}`,
        fix: {
          commands: [
            `aws ec2 delete-route --region cn-north-1 --route-table-id ${privateRouteTableId} --destination-cidr-block 0.0.0.0/0`,
          ],
          documentation: 'https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html',
        },
      },
      {
        resourceId: privateRouteTableId,
        resourceType: 'AWS::EC2::RouteTable',
        problem: `route table ${privateRouteTableId} of node subnets ${allSubnets} sends ::/0 to egress-only internet gateway ${EIGW} (egressMode=nat would accept it)`,
        fix: {
          commands: [
            `aws ec2 delete-route --region cn-north-1 --route-table-id ${privateRouteTableId} --destination-ipv6-cidr-block ::/0`,
          ],
          documentation: 'https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html',
        },
      },
    ]);
    const fixed = applyCommands(snapshot, fixCommands(outcome, { distinct: false }));
    expect(runRule(subnetsPrivate, fixed).compliance).toBe('COMPLIANT');
  });

  it('egressMode=nat: only the internet gateway route goes, by its prefix list', () => {
    const { snapshot, outcome } = after(
      all(
        addRoute(privateRouteTableId, { DestinationPrefixListId: 'pl-0123', GatewayId: IGW }),
        addRoute(privateRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT }),
      ),
      { egressMode: 'nat' },
    );
    expect(fixCommands(outcome, { distinct: false })).toEqual([
      `aws ec2 delete-route --region eu-west-1 --route-table-id ${privateRouteTableId} --destination-prefix-list-id pl-0123`,
    ]);
    const fixed = applyCommands(snapshot, fixCommands(outcome, { distinct: false }));
    expect(runRule(subnetsPrivate, fixed, { egressMode: 'nat' }).compliance).toBe('COMPLIANT');
  });

  it('a table that also serves another subnet: a decision naming it, with the command if they agree', () => {
    const { outcome } = after(
      all(
        addExtraSubnet(),
        (s) => {
          // EXTRA moves onto the node subnets' table.
          s.ec2.RouteTables = s.ec2.RouteTables.filter((t) => t.RouteTableId !== EXTRA_TABLE);
          (table(s, privateRouteTableId).Associations as Json[]).push({ SubnetId: EXTRA, Main: false });
        },
        addRoute(privateRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW }),
      ),
    );
    expectDetailsCoverOffenders(outcome);
    const [detail] = outcome.details;
    expect(detail!.fix.commands).toEqual([]);
    expect(detail!.fix.decide).toContain(
      `${privateRouteTableId} also serves ${EXTRA}, so deleting the route takes it from them too`,
    );
    expect(detail!.fix.decide).toContain(
      `If not, delete it: aws ec2 delete-route --region eu-west-1 --route-table-id ${privateRouteTableId} --destination-cidr-block 0.0.0.0/0.`,
    );
    expect(detail!.fix.decide).toContain(`give ${allSubnets} a route table of their own`);
  });

  it('the main table: a decision, since every subnet without a table of its own uses it', () => {
    const { outcome } = after(
      all(
        (s) => {
          const associations = table(s, privateRouteTableId).Associations as Json[];
          table(s, privateRouteTableId).Associations = associations.filter((a) => a.SubnetId !== subnetC);
        },
        addRoute(mainRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW }),
      ),
    );
    expectDetailsCoverOffenders(outcome);
    expect(outcome.details).toHaveLength(1);
    expect(outcome.details[0]!.fix.commands).toEqual([]);
    expect(outcome.details[0]!.fix.decide).toContain(
      `${mainRouteTableId} is the main route table of ${vpcId}, used by every subnet without a route table of its own, so`,
    );
  });

  it('the main table serving a subnet outside the cluster names it too', () => {
    const { outcome } = after(
      all(
        (s) => {
          const associations = table(s, privateRouteTableId).Associations as Json[];
          table(s, privateRouteTableId).Associations = associations.filter((a) => a.SubnetId !== subnetC);
          s.ec2.Subnets.push({
            ...structuredClone(subnet(s, subnetA)),
            SubnetId: EXTRA,
            CidrBlock: '10.0.128.0/24',
          });
        },
        addRoute(mainRouteTableId, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT }),
      ),
    );
    expect(outcome.details[0]!.fix.decide).toContain(`of its own and also serves ${EXTRA}, so`);
  });
});
