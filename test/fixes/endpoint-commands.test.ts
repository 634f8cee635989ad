import { buildClusterContext, type ClusterContext } from '../../engine/cluster-context';
import { parseParams } from '../../engine/params';
import {
  addRouteTablesFix,
  addSubnetFix,
  createEndpointFix,
  enablePrivateDnsFix,
  endpointGroupVariable,
  ENDPOINT_DOCS,
  nodeSubnetsByZone,
} from '../../fixes/endpoint-commands';
import type { VpcEndpoint } from '../../snapshot/schema';
import { privateClustersSnapshot, type ClusterIds, type RawSnapshot } from '../../testkit/private-cluster';
import { endpoint, group, iface, permission, subnet, vpcConfig } from '../../testkit/snapshot-edits';
import { viewOf } from '../../testkit/view';
import { applyCommands } from './apply-aws-cli';
import { checkAgainstModel, checkLines } from './aws-cli-model';

function setUp(region = 'eu-west-1', clusters = 1): { snapshot: RawSnapshot; ids: ClusterIds } {
  const { snapshot, ids } = privateClustersSnapshot(clusters, { region });
  return { snapshot, ids: ids[0]! };
}

function contextOf(snapshot: RawSnapshot, params: Record<string, string> = {}): ClusterContext {
  const view = viewOf(snapshot);
  return buildClusterContext(view, view.clusters[0]!, parseParams(params));
}

function endpointOf(ctx: ClusterContext, id: string): VpcEndpoint {
  return ctx.view.endpoint(id)!;
}

/** Only the s3 Gateway endpoint is left: no Interface endpoint whose groups could be reused. */
const onlyGateway = (s: RawSnapshot, ids: ClusterIds) => {
  s.ec2.VpcEndpoints = s.ec2.VpcEndpoints.filter((e) => e.VpcEndpointId === ids.s3GatewayEndpointId);
};

const createLine = (ids: ClusterIds, region: string, name: string, groups: string) =>
  `aws ec2 create-vpc-endpoint --region ${region} --vpc-id ${ids.vpcId} --vpc-endpoint-type Interface ` +
  `--service-name ${name} --subnet-ids ${ids.subnetIds.join(' ')} --security-group-ids ${groups} --private-dns-enabled`;

describe('createEndpointFix (Interface)', () => {
  it('reuses the groups of an available Interface endpoint that admit the nodes, one node subnet per zone', () => {
    const { snapshot, ids } = setUp();
    const fix = createEndpointFix(contextOf(snapshot), 'logs');
    expect(fix).toEqual({
      commands: [createLine(ids, 'eu-west-1', 'com.amazonaws.eu-west-1.logs', ids.endpointSecurityGroupId)],
      documentation: ENDPOINT_DOCS.createInterface,
    });
  });

  it('without a reusable endpoint, creates the security group first and the endpoint after it', () => {
    const { snapshot, ids } = setUp('us-gov-west-1');
    onlyGateway(snapshot, ids);
    const variable = endpointGroupVariable(ids.vpcId);
    expect(variable).toMatch(/^ENDPOINT_SG_[0-9A-F]+$/);
    const fix = createEndpointFix(contextOf(snapshot), 'sts');
    expect(fix.commands).toEqual([
      `${variable}=$(aws ec2 create-security-group --region us-gov-west-1 --group-name private-eks-vpc-endpoints ` +
        `--description 'HTTPS from EKS nodes to VPC interface endpoints' --vpc-id ${ids.vpcId} --query GroupId --output text)`,
      `aws ec2 authorize-security-group-ingress --region us-gov-west-1 --group-id "$${variable}" --ip-permissions ` +
        `'[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"UserIdGroupPairs":[{"GroupId":"${ids.clusterSecurityGroupId}"}]}]'`,
      createLine(ids, 'us-gov-west-1', 'com.amazonaws.us-gov-west-1.sts', `"$${variable}"`),
    ]);
    expect(fix.decide).toBeUndefined();
  });

  it('skips groups that definitely do not admit the nodes, and makes one that does', () => {
    const { snapshot, ids } = setUp();
    group(snapshot, ids.endpointSecurityGroupId).IpPermissions = [
      permission({ from: 443, cidrs: ['192.168.0.0/24'] }),
    ];
    const fix = createEndpointFix(contextOf(snapshot), 'logs');
    expect(fix.commands).toHaveLength(3);
    expect(fix.commands[0]).toMatch(/create-security-group/);
  });

  it('prefers an endpoint whose groups admit the nodes over an earlier one whose groups do not', () => {
    const { snapshot, ids } = setUp();
    const closed = 'sg-0c0c0c0c0c0c0c0c0';
    snapshot.ec2.SecurityGroups.push({
      GroupId: closed,
      GroupName: 'closed',
      VpcId: ids.vpcId,
      IpPermissions: [],
      IpPermissionsEgress: [],
      Tags: [],
    });
    endpoint(snapshot, iface(ids, 'ec2')).Groups = [{ GroupId: closed }];
    const fix = createEndpointFix(contextOf(snapshot), 'logs');
    expect(fix.commands).toEqual([
      createLine(ids, 'eu-west-1', 'com.amazonaws.eu-west-1.logs', ids.endpointSecurityGroupId),
    ]);
  });

  it('picks a group name the VPC does not use yet', () => {
    const { snapshot, ids } = setUp();
    onlyGateway(snapshot, ids);
    group(snapshot, ids.nodeSecurityGroupId).GroupName = 'private-eks-vpc-endpoints';
    group(snapshot, ids.controlPlaneSecurityGroupId).GroupName = 'private-eks-vpc-endpoints-2';
    const [create] = createEndpointFix(contextOf(snapshot), 'sts').commands;
    expect(create).toContain('--group-name private-eks-vpc-endpoints-3 ');
  });

  it('admits the node security groups when the cluster security group is unknown', () => {
    const { snapshot, ids } = setUp();
    onlyGateway(snapshot, ids);
    delete vpcConfig(snapshot).clusterSecurityGroupId;
    // The EKS-made group carries the cluster tag as well: untagged, only the node group is left.
    group(snapshot, ids.clusterSecurityGroupId).Tags = [];
    const fix = createEndpointFix(contextOf(snapshot), 'sts');
    expect(fix.commands[1]).toContain(`"UserIdGroupPairs":[{"GroupId":"${ids.nodeSecurityGroupId}"}]`);
  });

  it('asks for a decision when no security group is known at all', () => {
    const { snapshot, ids } = setUp();
    onlyGateway(snapshot, ids);
    delete vpcConfig(snapshot).clusterSecurityGroupId;
    group(snapshot, ids.clusterSecurityGroupId).Tags = [];
    group(snapshot, ids.nodeSecurityGroupId).Tags = [];
    const fix = createEndpointFix(contextOf(snapshot), 'sts');
    expect(fix.commands).toEqual([]);
    expect(fix.decide).toMatch(/Choose or create a security group that allows tcp\/443 from the nodes/);
  });

  it('turns the VPC DNS attributes on first where the snapshot shows them off', () => {
    const { snapshot, ids } = setUp();
    snapshot.ec2.VpcAttributes[ids.vpcId] = {
      EnableDnsSupport: { Value: false },
      EnableDnsHostnames: { Value: false },
    };
    const fix = createEndpointFix(contextOf(snapshot), 'logs');
    expect(fix.commands.slice(0, 2)).toEqual([
      `aws ec2 modify-vpc-attribute --region eu-west-1 --vpc-id ${ids.vpcId} --enable-dns-support`,
      `aws ec2 modify-vpc-attribute --region eu-west-1 --vpc-id ${ids.vpcId} --enable-dns-hostnames`,
    ]);
    expect(fix.commands[2]).toMatch(/^aws ec2 create-vpc-endpoint /);
  });

  it('orders the new group and its rule, then the VPC DNS, then the endpoint', () => {
    const { snapshot, ids } = setUp();
    onlyGateway(snapshot, ids);
    snapshot.ec2.VpcAttributes[ids.vpcId] = {
      EnableDnsSupport: { Value: false },
      EnableDnsHostnames: { Value: false },
    };
    const operations = createEndpointFix(contextOf(snapshot), 'sts').commands.map(
      (line) => /aws ec2 ([a-z-]+)/.exec(line)![1],
    );
    expect(operations).toEqual([
      'create-security-group',
      'authorize-security-group-ingress',
      'modify-vpc-attribute',
      'modify-vpc-attribute',
      'create-vpc-endpoint',
    ]);
  });

  it('writes the China name the snapshot confirms, or looks it up', () => {
    const { snapshot } = setUp('cn-north-1');
    const ctx = contextOf(snapshot);
    expect(createEndpointFix(ctx, 'ecr.dkr').commands[0]).toContain(
      ' --service-name cn.com.amazonaws.cn-north-1.ecr.dkr ',
    );
    expect(createEndpointFix(ctx, 'kms').commands[0]).toContain(
      ` --service-name "$(aws ec2 describe-vpc-endpoint-services --region cn-north-1 --filters `,
    );
  });

  it('uses the zones the snapshot shows and says which node subnets it could not place', () => {
    const { snapshot, ids } = setUp();
    delete subnet(snapshot, ids.subnetIds[2]!).AvailabilityZone;
    const fix = createEndpointFix(contextOf(snapshot), 'logs');
    expect(fix.commands[0]).toContain(`--subnet-ids ${ids.subnetIds[0]} ${ids.subnetIds[1]} --`);
    expect(fix.decide).toContain(`no Availability Zone of node subnet ${ids.subnetIds[2]}: `);
  });

  it('asks for a decision when no node subnet has a known zone', () => {
    const { snapshot } = setUp();
    delete (snapshot.ec2 as Partial<RawSnapshot['ec2']>).Subnets;
    const fix = createEndpointFix(contextOf(snapshot), 'logs');
    expect(fix.commands).toEqual([]);
    expect(fix.decide).toMatch(/^The snapshot shows no Availability Zone of the node subnets \(subnet-/);
  });

  it('takes one node subnet per zone, zones in name order', () => {
    const { snapshot, ids } = setUp();
    const extra = 'subnet-0e0e0e0e0e0e0e0e0';
    snapshot.ec2.Subnets.push({
      SubnetId: extra,
      VpcId: ids.vpcId,
      CidrBlock: '10.0.96.0/19',
      AvailabilityZone: 'eu-west-1a',
    });
    subnet(snapshot, ids.subnetIds[0]!).AvailabilityZone = 'eu-west-1c';
    subnet(snapshot, ids.subnetIds[2]!).AvailabilityZone = 'eu-west-1a';
    const placement = nodeSubnetsByZone(contextOf(snapshot, { nodeSubnetIds: extra }));
    expect([...placement.byZone]).toEqual([
      ['eu-west-1a', ids.subnetIds[2]],
      ['eu-west-1b', ids.subnetIds[1]],
      ['eu-west-1c', ids.subnetIds[0]],
    ]);
  });
});

describe('createEndpointFix (s3 Gateway)', () => {
  it("attaches the node subnets' effective route tables, each once", () => {
    const { snapshot, ids } = setUp();
    expect(createEndpointFix(contextOf(snapshot), 's3')).toEqual({
      commands: [
        `aws ec2 create-vpc-endpoint --region eu-west-1 --vpc-id ${ids.vpcId} --vpc-endpoint-type Gateway ` +
          `--service-name com.amazonaws.eu-west-1.s3 --route-table-ids ${ids.privateRouteTableId}`,
      ],
      documentation: ENDPOINT_DOCS.s3Gateway,
    });
  });

  it('adds the main table for a subnet without an association', () => {
    const { snapshot, ids } = setUp();
    const table = snapshot.ec2.RouteTables.find((t) => t.RouteTableId === ids.privateRouteTableId)!;
    table.Associations = (table.Associations as { SubnetId?: string }[]).filter(
      (a) => a.SubnetId !== ids.subnetIds[1],
    );
    const [line] = createEndpointFix(contextOf(snapshot), 's3').commands;
    expect(line).toMatch(new RegExp(`--route-table-ids ${ids.privateRouteTableId} ${ids.mainRouteTableId}$`));
  });

  it('says which tables it could not see', () => {
    const { snapshot } = setUp();
    delete (snapshot.ec2 as Partial<RawSnapshot['ec2']>).RouteTables;
    const fix = createEndpointFix(contextOf(snapshot), 's3');
    expect(fix.commands).toEqual([]);
    expect(fix.decide).toMatch(
      /does not show the route table of subnet-\w+ \(snapshot has no ec2\.RouteTables\)/,
    );
  });
});

describe('enablePrivateDnsFix', () => {
  it('modifies the endpoint', () => {
    const { snapshot, ids } = setUp();
    const ctx = contextOf(snapshot);
    const id = iface(ids, 'sts');
    expect(enablePrivateDnsFix(ctx, endpointOf(ctx, id), 'sts')).toEqual({
      commands: [
        `aws ec2 modify-vpc-endpoint --region eu-west-1 --vpc-endpoint-id ${id} --private-dns-enabled`,
      ],
      documentation: ENDPOINT_DOCS.privateDns,
    });
  });

  it('asks for standard private DNS on an s3 Interface endpoint', () => {
    const { snapshot, ids } = setUp('cn-north-1');
    const ctx = contextOf(snapshot);
    const [line] = enablePrivateDnsFix(ctx, endpointOf(ctx, ids.s3GatewayEndpointId), 's3').commands;
    expect(line).toBe(
      `aws ec2 modify-vpc-endpoint --region cn-north-1 --vpc-endpoint-id ${ids.s3GatewayEndpointId} ` +
        `--dns-options '{"PrivateDnsOnlyForInboundResolverEndpoint":false}' --private-dns-enabled`,
    );
  });

  it('asks for a decision while another endpoint of the service holds the private DNS name', () => {
    const { snapshot, ids } = setUp();
    const copy = 'vpce-0dddddddddddddddd';
    snapshot.ec2.VpcEndpoints.push({
      ...structuredClone(endpoint(snapshot, iface(ids, 'sts'))),
      VpcEndpointId: copy,
      PrivateDnsEnabled: false,
    });
    const ctx = contextOf(snapshot);
    const fix = enablePrivateDnsFix(ctx, endpointOf(ctx, copy), 'sts');
    expect(fix.commands).toEqual([]);
    expect(fix.decide).toContain(`${iface(ids, 'sts')} already has private DNS for sts`);
  });
});

describe('addSubnetFix and addRouteTablesFix', () => {
  it('write one modify-vpc-endpoint each', () => {
    const { snapshot, ids } = setUp('us-gov-west-1');
    const ctx = contextOf(snapshot);
    expect(addSubnetFix(ctx, 'vpce-01', ids.subnetIds[0]!).commands).toEqual([
      `aws ec2 modify-vpc-endpoint --region us-gov-west-1 --vpc-endpoint-id vpce-01 --add-subnet-ids ${ids.subnetIds[0]}`,
    ]);
    expect(addRouteTablesFix(ctx, 'vpce-02', ['rtb-1', 'rtb-2']).commands).toEqual([
      'aws ec2 modify-vpc-endpoint --region us-gov-west-1 --vpc-endpoint-id vpce-02 --add-route-table-ids rtb-1 rtb-2',
    ]);
  });
});

describe('every command line', () => {
  it('names operations and parameters of the EC2 API model, with JSON of its member names', () => {
    const { snapshot, ids } = setUp('cn-north-1');
    onlyGateway(snapshot, ids);
    snapshot.ec2.VpcAttributes[ids.vpcId] = {
      EnableDnsSupport: { Value: false },
      EnableDnsHostnames: { Value: false },
    };
    const ctx = contextOf(snapshot);
    const lines = [
      ...createEndpointFix(ctx, 'sts').commands,
      ...createEndpointFix(ctx, 's3', 'Interface').commands,
      ...createEndpointFix(ctx, 's3').commands,
      ...enablePrivateDnsFix(ctx, endpointOf(ctx, ids.s3GatewayEndpointId), 's3').commands,
      ...addSubnetFix(ctx, 'vpce-1', 'subnet-1').commands,
      ...addRouteTablesFix(ctx, 'vpce-1', ['rtb-1']).commands,
    ];
    expect(lines.length).toBeGreaterThanOrEqual(9);
    for (const line of lines) expect([line, checkAgainstModel(line)]).toEqual([line, []]);
    // In this order, as one script: the group's id is captured before any line reads it.
    expect(checkLines(lines)).toEqual([]);
  });

  it('runs as written: the security group the endpoint names is the one just made, with the rule', () => {
    const { snapshot, ids } = setUp('cn-north-1');
    onlyGateway(snapshot, ids);
    const fixed = applyCommands(snapshot, createEndpointFix(contextOf(snapshot), 'ecr.api').commands);
    const created = fixed.ec2.VpcEndpoints.at(-1)!;
    expect(created).toMatchObject({
      VpcEndpointType: 'Interface',
      ServiceName: 'cn.com.amazonaws.cn-north-1.ecr.api',
      SubnetIds: ids.subnetIds,
      PrivateDnsEnabled: true,
    });
    const groupId = (created.Groups as { GroupId: string }[])[0]!.GroupId;
    expect(snapshot.ec2.SecurityGroups.some((g) => g.GroupId === groupId)).toBe(false);
    expect(group(fixed, groupId).IpPermissions).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        UserIdGroupPairs: [{ GroupId: ids.clusterSecurityGroupId, UserId: snapshot.accountId }],
      }),
    ]);
  });
});

describe('the model check itself', () => {
  const R = 'eu-west-1';
  it.each([
    [`aws ec2 create-vpc-endpoints --region ${R} --vpc-id v`, /no operation "create-vpc-endpoints"/],
    [
      `aws ec2 create-vpc-endpoint --region ${R} --vpc v`,
      /--vpc is not a member of CreateVpcEndpointRequest/,
    ],
    [
      `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id v --add-subnet-id s`,
      /--add-subnet-id is not a member of ModifyVpcEndpointRequest/,
    ],
    [
      `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id v --private-dns-enabled true`,
      /takes no value/,
    ],
    [
      `aws ec2 modify-vpc-endpoint --region ${R} --no-vpc-endpoint-id`,
      /--no-vpc-endpoint-id: .* has no --no- form/,
    ],
    [
      `aws ec2 authorize-security-group-ingress --region ${R} --group-id g --ip-permissions '[{"Protocol":"tcp"}]'`,
      /unknown key "Protocol" in IpPermission/,
    ],
    [
      `aws ec2 authorize-security-group-ingress --region ${R} --group-id g --ip-permissions '[{"FromPort":"443"}]'`,
      /FromPort: expected a number/,
    ],
    [
      `aws ec2 create-vpc-endpoint --region ${R} --vpc-id v --service-name "$(aws ec2 describe-vpc-endpoint-services --region ${R} --filter x)"`,
      /in the look-up .*--filter is not a member of DescribeVpcEndpointServicesRequest/,
    ],
    [`aws ec2 create-security-group --region ${R} --group-name a; rm -rf /`, /command separator/],
  ])('rejects %s', (line, error) => {
    expect(
      checkAgainstModel(line)
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(error);
  });

  it('accepts the toplevel boolean form of a one-Value structure', () => {
    expect(
      checkAgainstModel('aws ec2 modify-vpc-attribute --region eu-west-1 --vpc-id v --no-enable-dns-support'),
    ).toEqual([]);
  });
});
