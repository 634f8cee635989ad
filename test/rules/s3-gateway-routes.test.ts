import { s3GatewayRoutes } from '../../rules/s3-gateway-routes';
import { privateClustersSnapshot, type ClusterIds, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { endpoint, table, type Json } from '../../testkit/snapshot-edits';
import { expectDetailsCoverOffenders, expectValidCommands, fixAndRerun } from '../fixes/apply-aws-cli';

const gateway = (s: RawSnapshot, ids: ClusterIds) => endpoint(s, ids.s3GatewayEndpointId);

const OWN_TABLE = 'rtb-0c0c0c0c0c0c0c0c0';
const EXTRA_SUBNET = 'subnet-0d0d0d0d0d0d0d0d0';
const SECOND_GATEWAY = 'vpce-0eeeeeeeeeeeeeeee';

/** Unassociates `subnetId` from the testkit's private table (it falls back to the main table). */
const unassociate = (s: RawSnapshot, ids: ClusterIds, subnetId: string) => {
  const privateTable = table(s, ids.privateRouteTableId);
  privateTable.Associations = (privateTable.Associations as Json[]).filter((a) => a.SubnetId !== subnetId);
};
/** Gives `subnetId` a route table of its own. */
const ownTable = (s: RawSnapshot, ids: ClusterIds, subnetId: string) => {
  unassociate(s, ids, subnetId);
  s.ec2.RouteTables.push({
    RouteTableId: OWN_TABLE,
    VpcId: ids.vpcId,
    Associations: [{ Main: false, SubnetId: subnetId, AssociationState: { State: 'associated' } }],
    Routes: [],
  });
};
const addSubnet = (s: RawSnapshot, ids: ClusterIds) => {
  s.ec2.Subnets.push({
    SubnetId: EXTRA_SUBNET,
    VpcId: ids.vpcId,
    CidrBlock: '10.0.96.0/19',
    AvailabilityZone: 'eu-west-1a',
  });
};
const addSecondGateway = (s: RawSnapshot, ids: ClusterIds, extra: Json) => {
  s.ec2.VpcEndpoints.push({
    ...structuredClone(gateway(s, ids)),
    VpcEndpointId: SECOND_GATEWAY,
    RouteTableIds: [OWN_TABLE],
    ...extra,
  });
};

const compliant: RuleCase[] = [
  {
    name: 'untouched snapshot',
    expected: 'COMPLIANT',
    annotation: (ids) =>
      `every node subnet's route table is attached to s3 Gateway endpoint ${ids.s3GatewayEndpointId}`,
  },
  { name: 'China Region', region: 'cn-northwest-1', expected: 'COMPLIANT', annotation: /every node subnet/ },
  {
    name: 'an unassociated node subnet whose main table is attached',
    mutate: (s, ids) => {
      unassociate(s, ids, ids.subnetIds[0]!);
      (gateway(s, ids).RouteTableIds as string[]).push(ids.mainRouteTableId);
    },
    expected: 'COMPLIANT',
    annotation: /every node subnet/,
  },
  {
    name: 'two s3 Gateway endpoints together attach every node table',
    mutate: (s, ids) => {
      ownTable(s, ids, ids.subnetIds[2]!);
      addSecondGateway(s, ids, {});
    },
    expected: 'COMPLIANT',
    annotation: (ids) =>
      `every node subnet's route table is attached to s3 Gateway endpoint ${ids.s3GatewayEndpointId}, ${SECOND_GATEWAY}`,
  },
  {
    name: 'a pendingAcceptance s3 Gateway (it exists) attaching every node table',
    mutate: (s, ids) => (gateway(s, ids).State = 'pendingAcceptance'),
    expected: 'COMPLIANT',
    annotation: /every node subnet/,
  },
  {
    name: 'nodeSubnetIds naming a subnet the snapshot lacks, associated with the attached table',
    mutate: (s, ids) =>
      (table(s, ids.privateRouteTableId).Associations as Json[]).push({
        SubnetId: EXTRA_SUBNET,
        Main: false,
      }),
    params: { nodeSubnetIds: EXTRA_SUBNET },
    expected: 'COMPLIANT',
    annotation: /every node subnet/,
  },
  {
    name: 'a non-node subnet with its own unattached table',
    mutate: (s, ids) => {
      addSubnet(s, ids);
      s.ec2.RouteTables.push({
        RouteTableId: OWN_TABLE,
        VpcId: ids.vpcId,
        Associations: [{ SubnetId: EXTRA_SUBNET }],
      });
    },
    expected: 'COMPLIANT',
    annotation: /every node subnet/,
  },
];

const nonCompliant: RuleCase[] = [
  {
    name: "a node subnet whose table is not in the Gateway's RouteTableIds",
    mutate: (s, ids) => ownTable(s, ids, ids.subnetIds[2]!),
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      `route table ${OWN_TABLE} of ${ids.subnetIds[2]} is not attached to s3 Gateway endpoint ${ids.s3GatewayEndpointId}`,
    offenders: (ids) => [ids.subnetIds[2]!, OWN_TABLE],
  },
  {
    name: 'the private table detached from the Gateway (all three subnets, one note)',
    mutate: (s, ids) => (gateway(s, ids).RouteTableIds = []),
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      `route table ${ids.privateRouteTableId} of ${ids.subnetIds.join(', ')} is not attached to s3 Gateway endpoint ${ids.s3GatewayEndpointId}`,
    offenders: (ids) => [...ids.subnetIds, ids.privateRouteTableId],
  },
  {
    name: 'nodeSubnetIds adds a subnet with its own table',
    mutate: (s, ids) => {
      addSubnet(s, ids);
      s.ec2.RouteTables.push({
        RouteTableId: OWN_TABLE,
        VpcId: ids.vpcId,
        Associations: [{ SubnetId: EXTRA_SUBNET }],
      });
    },
    params: { nodeSubnetIds: EXTRA_SUBNET },
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      `route table ${OWN_TABLE} of ${EXTRA_SUBNET} is not attached to s3 Gateway endpoint ${ids.s3GatewayEndpointId}`,
  },
  {
    name: 'nodeSubnetIds adds an unassociated subnet (main table, not attached)',
    mutate: (s, ids) => addSubnet(s, ids),
    params: { nodeSubnetIds: EXTRA_SUBNET },
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      `route table ${ids.mainRouteTableId} of ${EXTRA_SUBNET} is not attached to s3 Gateway endpoint ${ids.s3GatewayEndpointId}`,
  },
  {
    name: 'a disassociated association falls back to the main table',
    mutate: (s, ids) => {
      const association = (table(s, ids.privateRouteTableId).Associations as Json[])[0]!;
      association.AssociationState = { State: 'disassociated' };
    },
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      `route table ${ids.mainRouteTableId} of ${ids.subnetIds[0]} is not attached to s3 Gateway endpoint ${ids.s3GatewayEndpointId}`,
  },
  {
    name: 'a deleted second Gateway does not count',
    mutate: (s, ids) => {
      ownTable(s, ids, ids.subnetIds[2]!);
      addSecondGateway(s, ids, { State: 'deleted' });
    },
    expected: 'NON_COMPLIANT',
    annotation: /rtb-0c0c0c0c0c0c0c0c0 of subnet-\w+ is not attached/,
  },
  {
    name: 'a definite violation wins over an incomplete node-subnet set',
    mutate: (s, ids) => {
      ownTable(s, ids, ids.subnetIds[2]!);
      delete s.eks.nodegroups[ids.name]![0]!.subnets;
    },
    expected: 'NON_COMPLIANT',
    annotation: /rtb-0c0c0c0c0c0c0c0c0 of subnet-\w+ is not attached/,
  },
  {
    name: 'China Region, a node subnet with its own table',
    region: 'cn-northwest-1',
    mutate: (s, ids) => ownTable(s, ids, ids.subnetIds[0]!),
    expected: 'NON_COMPLIANT',
    annotation: /rtb-0c0c0c0c0c0c0c0c0 of subnet-\w+ is not attached/,
  },
];

const notApplicable: RuleCase[] = [
  {
    name: 'requiredServices= (no service)',
    mutate: (s, ids) => (gateway(s, ids).RouteTableIds = []),
    params: { requiredServices: '' },
    expected: 'NOT_APPLICABLE',
    annotation: /requiredServices is empty/,
  },
  {
    name: 's3 not required',
    mutate: (s, ids) => (gateway(s, ids).RouteTableIds = []),
    params: { requiredServices: 'ec2,ecr.api,ecr.dkr,sts' },
    expected: 'NOT_APPLICABLE',
    annotation: /s3 is not a required service/,
  },
  {
    name: 'no s3 Gateway endpoint',
    mutate: (s, ids) =>
      (s.ec2.VpcEndpoints = s.ec2.VpcEndpoints.filter((e) => e.VpcEndpointId !== ids.s3GatewayEndpointId)),
    expected: 'NOT_APPLICABLE',
    annotation: (ids) => `${ids.vpcId} has no existing s3 Gateway endpoint`,
  },
  {
    name: 'the s3 Gateway is deleting',
    mutate: (s, ids) => (gateway(s, ids).State = 'deleting'),
    expected: 'NOT_APPLICABLE',
    annotation: /has no existing s3 Gateway endpoint/,
  },
  {
    name: 'Interface-only s3',
    mutate: (s, ids) => Object.assign(gateway(s, ids), { VpcEndpointType: 'Interface', RouteTableIds: [] }),
    expected: 'NOT_APPLICABLE',
    annotation: /has no existing s3 Gateway endpoint/,
  },
];

const insufficientData: RuleCase[] = [
  {
    name: 'ec2.RouteTables absent',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).RouteTables,
    expected: 'INSUFFICIENT_DATA',
    annotation: /snapshot has no ec2\.RouteTables/,
  },
  {
    name: 'ec2.VpcEndpoints absent',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).VpcEndpoints,
    expected: 'INSUFFICIENT_DATA',
    annotation: /snapshot has no ec2\.VpcEndpoints/,
  },
  {
    name: 'the only s3 Gateway has no State (step 4 unknown)',
    mutate: (s, ids) => delete gateway(s, ids).State,
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) =>
      `cannot tell whether ${ids.vpcId} has an existing s3 Gateway endpoint: ${ids.s3GatewayEndpointId} has no State`,
    offenders: (ids) => [ids.s3GatewayEndpointId],
  },
  {
    name: 'the only s3 endpoint has no VpcEndpointType',
    mutate: (s, ids) => delete gateway(s, ids).VpcEndpointType,
    expected: 'INSUFFICIENT_DATA',
    annotation: /has an existing s3 Gateway endpoint: vpce-\w+ has no VpcEndpointType/,
  },
  {
    name: 'nodeSubnetIds naming a subnet the snapshot does not hold',
    params: { nodeSubnetIds: EXTRA_SUBNET },
    expected: 'INSUFFICIENT_DATA',
    annotation: () => `cannot tell the route table of ${EXTRA_SUBNET}: ${EXTRA_SUBNET} is not in ec2.Subnets`,
    offenders: () => [EXTRA_SUBNET],
  },
  {
    name: 'an unassociated node subnet and no main table',
    mutate: (s, ids) => {
      unassociate(s, ids, ids.subnetIds[1]!);
      s.ec2.RouteTables = s.ec2.RouteTables.filter((t) => t.RouteTableId !== ids.mainRouteTableId);
    },
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) =>
      `cannot tell the route table of ${ids.subnetIds[1]}: no main route table of ${ids.vpcId} in ec2.RouteTables`,
  },
  {
    name: 'node group without subnets (incomplete node-subnet set)',
    mutate: (s, ids) => delete s.eks.nodegroups[ids.name]![0]!.subnets,
    expected: 'INSUFFICIENT_DATA',
    annotation: () => 'node subnets incomplete: node group prod-0-general has no subnets',
  },
  {
    name: 'a node table attached only to an s3 Gateway of unknown State',
    mutate: (s, ids) => {
      ownTable(s, ids, ids.subnetIds[2]!);
      addSecondGateway(s, ids, { State: undefined });
    },
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) =>
      `${ids.subnetIds[2]} uses ${OWN_TABLE}, attached only to ${SECOND_GATEWAY}, which may not be an existing s3 Gateway endpoint`,
  },
];

describeRule(s3GatewayRoutes, [...compliant, ...nonCompliant, ...notApplicable, ...insufficientData], () => {
  it('declares the SPEC row: critical, needs VpcEndpoints and RouteTables, honours nodeSubnetIds', () => {
    expect(s3GatewayRoutes.meta).toMatchObject({
      id: 'S3_GATEWAY_ROUTES',
      severity: 'critical',
      needs: ['VpcEndpoints', 'RouteTables'],
      parameters: ['requiredServices', 'nodeSubnetIds'],
    });
  });
});

describe('S3_GATEWAY_ROUTES details', () => {
  const setUp = (region: string) => {
    const { snapshot, ids } = privateClustersSnapshot(1, { region });
    return { snapshot, ids: ids[0]! };
  };
  const DOCS = 'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html';
  const attach = (region: string, gatewayId: string, tableId: string) =>
    `aws ec2 modify-vpc-endpoint --region ${region} --vpc-endpoint-id ${gatewayId} --add-route-table-ids ${tableId}`;

  it('the private table detached: one detail per node subnet, each attaching the table (run once)', () => {
    const { snapshot, ids } = setUp('eu-west-1');
    gateway(snapshot, ids).RouteTableIds = [];
    const outcome = runRule(s3GatewayRoutes, snapshot);
    expect(outcome.details).toEqual(
      ids.subnetIds.map((subnetId) => ({
        resourceId: subnetId,
        resourceType: 'AWS::EC2::Subnet',
        problem: `node subnet ${subnetId} uses route table ${ids.privateRouteTableId}, which has no route to S3 through s3 Gateway endpoint ${ids.s3GatewayEndpointId}: its nodes cannot pull image layers from S3`,
        fix: {
          commands: [attach('eu-west-1', ids.s3GatewayEndpointId, ids.privateRouteTableId)],
          documentation: DOCS,
        },
      })),
    );
    // The table is an offender too: every detail names it.
    expect(outcome.offenders).toContain(ids.privateRouteTableId);
    expectDetailsCoverOffenders(outcome);
    expectValidCommands(outcome);
    expect(fixAndRerun(s3GatewayRoutes, snapshot, outcome).outcome.compliance).toBe('COMPLIANT');
  });

  it('China, two unattached tables: each subnet gets its own table attached', () => {
    const { snapshot, ids } = setUp('cn-north-1');
    ownTable(snapshot, ids, ids.subnetIds[2]!);
    unassociate(snapshot, ids, ids.subnetIds[0]!);
    const outcome = runRule(s3GatewayRoutes, snapshot);
    expect(outcome.details.map((d) => [d.resourceId, d.fix.commands])).toEqual([
      [ids.subnetIds[0], [attach('cn-north-1', ids.s3GatewayEndpointId, ids.mainRouteTableId)]],
      [ids.subnetIds[2], [attach('cn-north-1', ids.s3GatewayEndpointId, OWN_TABLE)]],
    ]);
    expectDetailsCoverOffenders(outcome);
    expectValidCommands(outcome);
    expect(fixAndRerun(s3GatewayRoutes, snapshot, outcome).outcome.compliance).toBe('COMPLIANT');
  });

  it('GovCloud, two Gateway endpoints: the table goes to the first', () => {
    const { snapshot, ids } = setUp('us-gov-west-1');
    addSecondGateway(snapshot, ids, { RouteTableIds: [] });
    ownTable(snapshot, ids, ids.subnetIds[1]!);
    const outcome = runRule(s3GatewayRoutes, snapshot);
    expect(outcome.details).toEqual([
      expect.objectContaining({
        resourceId: ids.subnetIds[1],
        problem: expect.stringContaining(
          `through s3 Gateway endpoint ${ids.s3GatewayEndpointId}, ${SECOND_GATEWAY}:`,
        ),
        fix: { commands: [attach('us-gov-west-1', ids.s3GatewayEndpointId, OWN_TABLE)], documentation: DOCS },
      }),
    ]);
    expectDetailsCoverOffenders(outcome);
    expect(fixAndRerun(s3GatewayRoutes, snapshot, outcome).outcome.compliance).toBe('COMPLIANT');
  });

  it('a node subnet whose table the snapshot does not show gets no guessed command', () => {
    const { snapshot, ids } = setUp('eu-west-1');
    gateway(snapshot, ids).RouteTableIds = [];
    const params = { nodeSubnetIds: 'subnet-0ffffffffffffffff' };
    const outcome = runRule(s3GatewayRoutes, snapshot, params);
    expect(outcome.compliance).toBe('NON_COMPLIANT');
    expect(outcome.details.map((d) => d.resourceId)).toEqual(ids.subnetIds);
  });
});
