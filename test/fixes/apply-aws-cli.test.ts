import { ruleById } from '../../rules';
import { privateClustersSnapshot, type ClusterIds, type RawSnapshot } from '../../testkit/private-cluster';
import { runRule } from '../../testkit/run-rule';
import { endpoint, group, iface, subnet, table, vpcConfig, type Json } from '../../testkit/snapshot-edits';
import type { Outcome } from '../../engine/findings';
import {
  applyCommands,
  AwsCliError,
  expectDetailsCoverOffenders,
  expectValidCommands,
  fixAndRerun,
  fixCommands,
  formatOutput,
  offeredServices,
  searchJson,
  simulate,
  SIMULATED_OPERATIONS,
} from './apply-aws-cli';

const R = 'eu-west-1';

function fixture(): { s: RawSnapshot; c: ClusterIds } {
  const { snapshot, ids } = privateClustersSnapshot(1, { region: R });
  return { s: snapshot, c: ids[0]! };
}

/** The AwsCliError code applying `lines` fails with. */
function errorCode(s: RawSnapshot, lines: string[]): string {
  try {
    applyCommands(s, lines);
  } catch (error) {
    if (error instanceof AwsCliError) return error.code;
    throw error;
  }
  throw new Error('the commands did not fail');
}

const acl = (s: RawSnapshot, id: string): Json => s.ec2.NetworkAcls.find((a) => a.NetworkAclId === id)!;

describe('applyCommands: running the lines', () => {
  it('leaves the given snapshot as it is and returns the changed copy', () => {
    const { s, c } = fixture();
    const before = structuredClone(s);
    const after = applyCommands(s, [
      `aws ec2 modify-subnet-attribute --region ${R} --subnet-id ${c.subnetIds[0]} --map-public-ip-on-launch`,
    ]);
    expect(s).toEqual(before);
    expect(subnet(after, c.subnetIds[0]!).MapPublicIpOnLaunch).toBe(true);
  });

  it('checks each line against the model first: a problem is an error', () => {
    const { s, c } = fixture();
    expect(() =>
      applyCommands(s, [
        `aws ec2 authorize-security-group-ingress --region ${R} --group-id ${c.endpointSecurityGroupId} --protocol tcp --port 443`,
      ]),
    ).toThrow(/SimulatorModelCheck: parameter: --protocol is not a member .* \[line 1: aws ec2 authorize/);
  });

  it('refuses an operation it does not model, never passing over it', () => {
    const { s, c } = fixture();
    expect(
      errorCode(s, [
        `aws ec2 delete-vpc-endpoints --region ${R} --vpc-endpoint-ids ${c.s3GatewayEndpointId}`,
      ]),
    ).toBe('SimulatorUnsupportedOperation');
    expect(SIMULATED_OPERATIONS).toContain('ec2 create-vpc-endpoint');
  });

  it("refuses another Region than the snapshot's, and a shell line it cannot run", () => {
    const { s, c } = fixture();
    expect(
      errorCode(s, [
        `aws ec2 modify-subnet-attribute --region us-east-1 --subnet-id ${c.subnetIds[0]} --map-public-ip-on-launch`,
      ]),
    ).toBe('SimulatorWrongRegion');
    expect(errorCode(s, [`aws ec2 modify-subnet-attribute --region ${R} --subnet-id x | tee log`])).toBe(
      'SimulatorShellSyntax',
    );
  });

  it('passes captured values to later lines and says which variable was never captured', () => {
    const { s, c } = fixture();
    const result = simulate(s, [
      `SG=$(aws ec2 create-security-group --region ${R} --vpc-id ${c.vpcId} --group-name extra --description 'extra group' --query GroupId --output text)`,
      `aws ec2 create-tags --region ${R} --resources "$SG" --tags Key=Name,Value=extra`,
    ]);
    const id = result.variables.SG!;
    expect(id).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(group(result.snapshot, id).Tags).toEqual([{ Key: 'Name', Value: 'extra' }]);
    expect(errorCode(s, [`aws ec2 create-tags --region ${R} --resources "$NOPE" --tags Key=a,Value=b`])).toBe(
      'SimulatorUnboundVariable',
    );
  });

  it('refuses a dry run, which changes nothing', () => {
    const { s, c } = fixture();
    expect(
      errorCode(s, [
        `aws ec2 create-tags --region ${R} --resources ${c.subnetIds[0]} --tags Key=a,Value=b --dry-run`,
      ]),
    ).toBe('DryRunOperation');
  });
});

describe('look-ups', () => {
  const lookUp = (service: string, region = R) =>
    `"$(aws ec2 describe-vpc-endpoint-services --region ${region} --query "ServiceNames[?ends_with(@, '.${region}.${service}')] | [0]" --output text)"`;

  it("resolve the service name of the snapshot's Region, as the next command uses it", () => {
    const { s, c } = fixture();
    const result = simulate(s, [
      `aws ec2 create-vpc-endpoint --region ${R} --vpc-id ${c.vpcId} --vpc-endpoint-type Interface --service-name ${lookUp('logs')} --subnet-ids ${c.subnetIds.join(' ')} --security-group-ids ${c.endpointSecurityGroupId} --query VpcEndpoint.VpcEndpointId --output text`,
    ]);
    const id = result.outputs[0]!.trim();
    expect(endpoint(result.snapshot, id).ServiceName).toBe(`com.amazonaws.${R}.logs`);
  });

  it('use the cn. names of China Regions, and a configurable list', () => {
    const { snapshot, ids } = privateClustersSnapshot(1, { region: 'cn-northwest-1' });
    const c = ids[0]!;
    const line = `aws ec2 create-vpc-endpoint --region cn-northwest-1 --vpc-id ${c.vpcId} --vpc-endpoint-type Interface --service-name ${lookUp('logs', 'cn-northwest-1')} --subnet-ids ${c.subnetIds[0]} --security-group-ids ${c.endpointSecurityGroupId} --no-private-dns-enabled`;
    const after = applyCommands(snapshot, [line]);
    expect(after.ec2.VpcEndpoints.at(-1)!.ServiceName).toBe('cn.com.amazonaws.cn-northwest-1.logs');
    // A Region that does not offer the service: the look-up prints None, which no service is called.
    expect(() =>
      applyCommands(snapshot, [line], { services: offeredServices('cn-northwest-1', ['ec2']) }),
    ).toThrow(/InvalidServiceName: The Vpc Endpoint Service 'None' does not exist/);
  });

  it('print like the CLI: --output text bare, json indented', () => {
    expect(formatOutput('vpce-1', 'text')).toBe('vpce-1\n');
    expect(formatOutput(['a', 'b'], 'text')).toBe('a\tb\n');
    expect(formatOutput(null, 'text')).toBe('None\n');
    expect(formatOutput(true, 'text')).toBe('True\n');
    expect(formatOutput({ a: 1 })).toBe('{\n    "a": 1\n}\n');
  });

  it('evaluate a JMESPath subset, refusing the rest', () => {
    const data = {
      ServiceNames: ['com.amazonaws.r.ec2', 'com.amazonaws.r.ecr.dkr', 'cn.com.amazonaws.r.sts'],
      ServiceDetails: [
        { ServiceName: 'a', ServiceType: [{ ServiceType: 'Interface' }] },
        { ServiceName: 'b', ServiceType: [{ ServiceType: 'Gateway' }, { ServiceType: 'Interface' }] },
      ],
      VpcEndpoint: { VpcEndpointId: 'vpce-1' },
    };
    expect(searchJson(data, `ServiceNames[?ends_with(@, '.ecr.dkr')] | [0]`)).toBe('com.amazonaws.r.ecr.dkr');
    expect(searchJson(data, `ServiceNames[?starts_with(@, 'cn.')]`)).toEqual(['cn.com.amazonaws.r.sts']);
    expect(searchJson(data, 'VpcEndpoint.VpcEndpointId')).toBe('vpce-1');
    expect(
      searchJson(data, `ServiceDetails[?contains(ServiceType[].ServiceType, 'Gateway')].ServiceName`),
    ).toEqual(['b']);
    expect(searchJson(data, `ServiceDetails[?ServiceName=='a'].ServiceType[0].ServiceType | [0]`)).toBe(
      'Interface',
    );
    expect(searchJson(data, 'ServiceNames[-1]')).toBe('cn.com.amazonaws.r.sts');
    expect(searchJson(data, 'length(ServiceNames)')).toBe(3);
    expect(searchJson(data, 'Missing.Field')).toBeNull();
    expect(() => searchJson(data, 'sort_by(ServiceDetails, &ServiceName)')).toThrow(
      /SimulatorUnsupportedQuery/,
    );
    expect(() => searchJson(data, 'ServiceNames[0:2]')).toThrow(/SimulatorUnsupportedQuery/);
  });
});

describe('VPC endpoints', () => {
  it('create-vpc-endpoint (Interface): available, one ENI per subnet, private DNS on by default', () => {
    const { s, c } = fixture();
    const after = applyCommands(s, [
      `aws ec2 create-vpc-endpoint --region ${R} --vpc-id ${c.vpcId} --vpc-endpoint-type Interface --service-name com.amazonaws.${R}.logs --subnet-ids ${c.subnetIds.join(' ')} --security-group-ids ${c.endpointSecurityGroupId}`,
    ]);
    expect(after.ec2.VpcEndpoints.at(-1)).toMatchObject({
      VpcEndpointType: 'Interface',
      VpcId: c.vpcId,
      ServiceName: `com.amazonaws.${R}.logs`,
      State: 'available',
      SubnetIds: c.subnetIds,
      Groups: [{ GroupId: c.endpointSecurityGroupId, GroupName: 'prod-0-vpc-endpoints' }],
      PrivateDnsEnabled: true,
      RouteTableIds: [],
      NetworkInterfaceIds: [
        expect.stringMatching(/^eni-/),
        expect.stringMatching(/^eni-/),
        expect.stringMatching(/^eni-/),
      ],
    });
  });

  it("create-vpc-endpoint without --vpc-endpoint-type makes a Gateway endpoint and routes the tables to the service's prefix list", () => {
    const { s, c } = fixture();
    s.ec2.VpcEndpoints = s.ec2.VpcEndpoints.filter((e) => e.VpcEndpointId !== c.s3GatewayEndpointId);
    table(s, c.privateRouteTableId).Routes = (table(s, c.privateRouteTableId).Routes as Json[]).slice(0, 1);
    const result = simulate(s, [
      `aws ec2 create-vpc-endpoint --region ${R} --vpc-id ${c.vpcId} --service-name com.amazonaws.${R}.s3 --route-table-ids ${c.privateRouteTableId} --query VpcEndpoint.VpcEndpointId --output text`,
    ]);
    const id = result.outputs[0]!.trim();
    expect(endpoint(result.snapshot, id)).toMatchObject({
      VpcEndpointType: 'Gateway',
      RouteTableIds: [c.privateRouteTableId],
    });
    expect(table(result.snapshot, c.privateRouteTableId).Routes).toContainEqual({
      DestinationPrefixListId: c.s3PrefixListId,
      GatewayId: id,
      Origin: 'CreateRoute',
      State: 'active',
    });
    expect(ruleById('S3_GATEWAY_ROUTES')!.meta.id).toBe('S3_GATEWAY_ROUTES');
    expect(runRule(ruleById('S3_GATEWAY_ROUTES')!, result.snapshot).compliance).toBe('COMPLIANT');
  });

  const asIs = () => {};
  it.each<[string, (c: ClusterIds) => string, string, (s: RawSnapshot, c: ClusterIds) => void]>([
    [
      'two subnets in one zone',
      (c) =>
        `aws ec2 create-vpc-endpoint --region ${R} --vpc-id ${c.vpcId} --vpc-endpoint-type Interface --service-name com.amazonaws.${R}.logs --subnet-ids ${c.subnetIds[0]} ${c.subnetIds[1]} --security-group-ids ${c.endpointSecurityGroupId}`,
      'DuplicateSubnetsInSameZone',
      (s, c) => {
        subnet(s, c.subnetIds[1]!).AvailabilityZone = subnet(s, c.subnetIds[0]!).AvailabilityZone;
      },
    ],
    [
      'private DNS while the VPC has DNS hostnames off',
      (c) =>
        `aws ec2 create-vpc-endpoint --region ${R} --vpc-id ${c.vpcId} --vpc-endpoint-type Interface --service-name com.amazonaws.${R}.logs --subnet-ids ${c.subnetIds[0]} --security-group-ids ${c.endpointSecurityGroupId}`,
      'InvalidParameter',
      (s, c) => {
        s.ec2.VpcAttributes[c.vpcId]!.EnableDnsHostnames = { Value: false };
      },
    ],
    [
      'a second endpoint of a service with private DNS',
      (c) =>
        `aws ec2 create-vpc-endpoint --region ${R} --vpc-id ${c.vpcId} --vpc-endpoint-type Interface --service-name com.amazonaws.${R}.sts --subnet-ids ${c.subnetIds[0]} --security-group-ids ${c.endpointSecurityGroupId}`,
      'InvalidParameter',
      asIs,
    ],
    [
      'a service the Region does not offer',
      (c) =>
        `aws ec2 create-vpc-endpoint --region ${R} --vpc-id ${c.vpcId} --vpc-endpoint-type Interface --service-name com.amazonaws.${R}.nope --security-group-ids ${c.endpointSecurityGroupId}`,
      'InvalidServiceName',
      asIs,
    ],
    [
      'a Gateway endpoint of a service that has none',
      (c) =>
        `aws ec2 create-vpc-endpoint --region ${R} --vpc-id ${c.vpcId} --vpc-endpoint-type Gateway --service-name com.amazonaws.${R}.sts`,
      'InvalidParameter',
      asIs,
    ],
    [
      "no security group while the snapshot lacks the VPC's default group",
      (c) =>
        `aws ec2 create-vpc-endpoint --region ${R} --vpc-id ${c.vpcId} --vpc-endpoint-type Interface --service-name com.amazonaws.${R}.logs --subnet-ids ${c.subnetIds[0]}`,
      'SimulatorSnapshotLacks',
      asIs,
    ],
    [
      'an unknown VPC',
      () =>
        `aws ec2 create-vpc-endpoint --region ${R} --vpc-id vpc-0123456789abcdef0 --service-name com.amazonaws.${R}.s3`,
      'InvalidVpcID.NotFound',
      asIs,
    ],
  ])('create-vpc-endpoint fails like AWS on %s', (_, line, code, prepare) => {
    const { s, c } = fixture();
    prepare(s, c);
    expect(errorCode(s, [line(c)])).toBe(code);
  });

  it("create-vpc-endpoint without --security-group-ids attaches the VPC's default group", () => {
    const { s, c } = fixture();
    s.ec2.SecurityGroups.push({
      GroupId: 'sg-0defa017000000000',
      GroupName: 'default',
      VpcId: c.vpcId,
      IpPermissions: [],
      IpPermissionsEgress: [],
    });
    const after = applyCommands(s, [
      `aws ec2 create-vpc-endpoint --region ${R} --vpc-id ${c.vpcId} --vpc-endpoint-type Interface --service-name com.amazonaws.${R}.logs --subnet-ids ${c.subnetIds[0]}`,
    ]);
    expect(after.ec2.VpcEndpoints.at(-1)!.Groups).toEqual([
      { GroupId: 'sg-0defa017000000000', GroupName: 'default' },
    ]);
  });

  it('modify-vpc-endpoint adds and removes subnets, groups and route tables, and turns private DNS on', () => {
    const { s, c } = fixture();
    const sts = iface(c, 'sts');
    endpoint(s, sts).SubnetIds = [c.subnetIds[0]];
    endpoint(s, sts).PrivateDnsEnabled = false;
    const after = applyCommands(s, [
      `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id ${sts} --add-subnet-ids ${c.subnetIds[1]} ${c.subnetIds[2]} --add-security-group-ids ${c.nodeSecurityGroupId} --remove-security-group-ids ${c.endpointSecurityGroupId}`,
      `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id ${sts} --private-dns-enabled`,
      `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id ${c.s3GatewayEndpointId} --remove-route-table-ids ${c.privateRouteTableId}`,
    ]);
    expect(endpoint(after, sts)).toMatchObject({
      SubnetIds: c.subnetIds,
      Groups: [{ GroupId: c.nodeSecurityGroupId, GroupName: 'prod-0-nodes' }],
      PrivateDnsEnabled: true,
    });
    expect((endpoint(after, sts).NetworkInterfaceIds as string[]).length).toBe(3);
    expect(endpoint(after, c.s3GatewayEndpointId).RouteTableIds).toEqual([]);
    expect(table(after, c.privateRouteTableId).Routes).not.toContainEqual(
      expect.objectContaining({ GatewayId: c.s3GatewayEndpointId }),
    );
  });

  it('modify-vpc-endpoint refuses a subnet already there, and subnets of Gateway endpoints', () => {
    const { s, c } = fixture();
    expect(
      errorCode(s, [
        `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id ${iface(c, 'sts')} --add-subnet-ids ${c.subnetIds[0]}`,
      ]),
    ).toBe('InvalidParameter');
    expect(
      errorCode(s, [
        `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id ${c.s3GatewayEndpointId} --add-subnet-ids ${c.subnetIds[0]}`,
      ]),
    ).toBe('InvalidParameter');
    expect(
      errorCode(s, [
        `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id vpce-0123456789abcdef0 --private-dns-enabled`,
      ]),
    ).toBe('InvalidVpcEndpointId.NotFound');
  });
});

describe('security groups', () => {
  const https = (from: string) =>
    `'[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"UserIdGroupPairs":[{"GroupId":"${from}"}]}]'`;

  it("create-security-group makes a group with AWS's default egress rule; --query GroupId prints its id", () => {
    const { s, c } = fixture();
    const result = simulate(s, [
      `aws ec2 create-security-group --region ${R} --vpc-id ${c.vpcId} --group-name extra --description 'extra group' --query GroupId --output text`,
    ]);
    const id = result.outputs[0]!.trim();
    expect(group(result.snapshot, id)).toMatchObject({
      GroupName: 'extra',
      Description: 'extra group',
      VpcId: c.vpcId,
      IpPermissions: [],
      IpPermissionsEgress: [
        {
          IpProtocol: '-1',
          IpRanges: [{ CidrIp: '0.0.0.0/0' }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ],
    });
    expect(
      errorCode(s, [
        `aws ec2 create-security-group --region ${R} --vpc-id ${c.vpcId} --group-name prod-0-nodes --description d`,
      ]),
    ).toBe('InvalidGroup.Duplicate');
    expect(errorCode(s, [`aws ec2 create-security-group --region ${R} --group-name x --description d`])).toBe(
      'VPCIdNotSpecified',
    );
  });

  it('authorize-security-group-ingress adds the grant to the permission of the same protocol and ports, as EC2 describes it', () => {
    const { s, c } = fixture();
    const after = applyCommands(s, [
      `aws ec2 authorize-security-group-ingress --region ${R} --group-id ${c.endpointSecurityGroupId} --ip-permissions ${https(c.nodeSecurityGroupId)}`,
      `aws ec2 authorize-security-group-ingress --region ${R} --group-id ${c.endpointSecurityGroupId} --ip-permissions '[{"IpProtocol":"6","FromPort":10250,"ToPort":10250,"IpRanges":[{"CidrIp":"10.0.0.0/19","Description":"nodes"}]}]'`,
      `aws ec2 authorize-security-group-egress --region ${R} --group-id ${c.endpointSecurityGroupId} --ip-permissions '[{"IpProtocol":"-1","FromPort":1,"ToPort":2,"UserIdGroupPairs":[{"GroupId":"${c.nodeSecurityGroupId}"}]}]'`,
    ]);
    const g = group(after, c.endpointSecurityGroupId);
    expect(g.IpPermissions).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'VPC' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: c.nodeSecurityGroupId, UserId: '111122223333' }],
      },
      {
        IpProtocol: 'tcp',
        FromPort: 10250,
        ToPort: 10250,
        IpRanges: [{ CidrIp: '10.0.0.0/19', Description: 'nodes' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
    // The all-traffic grant joins the all-traffic permission already there (its ports dropped).
    expect(g.IpPermissionsEgress).toEqual([
      {
        IpProtocol: '-1',
        IpRanges: [{ CidrIp: '0.0.0.0/0' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: c.nodeSecurityGroupId, UserId: '111122223333' }],
      },
    ]);
  });

  it.each<[string, (c: ClusterIds) => string, string]>([
    [
      'a rule that exists (InvalidPermission.Duplicate)',
      (c) =>
        `aws ec2 authorize-security-group-ingress --region ${R} --group-id ${c.endpointSecurityGroupId} --ip-permissions '[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"10.0.0.0/16"}]}]'`,
      'InvalidPermission.Duplicate',
    ],
    [
      'the same rule twice in one request',
      (c) =>
        `aws ec2 authorize-security-group-ingress --region ${R} --group-id ${c.endpointSecurityGroupId} --ip-permissions '[{"IpProtocol":"tcp","FromPort":1,"ToPort":1,"IpRanges":[{"CidrIp":"10.1.0.0/16"}]},{"IpProtocol":"6","FromPort":1,"ToPort":1,"IpRanges":[{"CidrIp":"10.1.0.0/16"}]}]'`,
      'InvalidPermission.Duplicate',
    ],
    [
      'an unknown group',
      (c) =>
        `aws ec2 authorize-security-group-ingress --region ${R} --group-id ${c.endpointSecurityGroupId} --ip-permissions ${https('sg-0123456789abcdef0')}`,
      'InvalidGroup.NotFound',
    ],
    [
      'a CIDR with host bits',
      (c) =>
        `aws ec2 authorize-security-group-ingress --region ${R} --group-id ${c.endpointSecurityGroupId} --ip-permissions '[{"IpProtocol":"tcp","FromPort":1,"ToPort":1,"IpRanges":[{"CidrIp":"10.0.0.1/8"}]}]'`,
      'InvalidParameterValue',
    ],
    [
      'tcp without ports',
      (c) =>
        `aws ec2 authorize-security-group-ingress --region ${R} --group-id ${c.endpointSecurityGroupId} --ip-permissions '[{"IpProtocol":"tcp","IpRanges":[{"CidrIp":"10.1.0.0/16"}]}]'`,
      'InvalidParameterValue',
    ],
  ])('authorize-security-group-ingress refuses %s', (_, line, code) => {
    const { s, c } = fixture();
    expect(errorCode(s, [line(c)])).toBe(code);
  });

  it('counts rules against the per-group quota', () => {
    const { s, c } = fixture();
    const line = `aws ec2 authorize-security-group-ingress --region ${R} --group-id ${c.endpointSecurityGroupId} --ip-permissions ${https(c.nodeSecurityGroupId)}`;
    expect(() => applyCommands(s, [line], { rulesPerSecurityGroup: 1 })).toThrow(
      /RulesPerSecurityGroupLimitExceeded/,
    );
    expect(() => applyCommands(s, [line], { rulesPerSecurityGroup: 2 })).not.toThrow();
  });

  it('revoke-security-group-ingress takes a grant away, and refuses one that is not there', () => {
    const { s, c } = fixture();
    const line = `aws ec2 revoke-security-group-ingress --region ${R} --group-id ${c.endpointSecurityGroupId} --ip-permissions '[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"10.0.0.0/16"}]}]'`;
    expect(group(applyCommands(s, [line]), c.endpointSecurityGroupId).IpPermissions).toEqual([]);
    expect(errorCode(s, [line, line])).toBe('InvalidPermission.NotFound');
  });

  it('a grant from the node group to the endpoint group on tcp/443 makes VPC_ENDPOINTS_SECURITY_GROUPS compliant', () => {
    const rule = ruleById('VPC_ENDPOINTS_SECURITY_GROUPS')!;
    const { s, c } = fixture();
    group(s, c.endpointSecurityGroupId).IpPermissions = [];
    expect(runRule(rule, s).compliance).toBe('NON_COMPLIANT');
    const fixed = applyCommands(s, [
      `aws ec2 authorize-security-group-ingress --region ${R} --group-id ${c.endpointSecurityGroupId} --ip-permissions ${https(c.nodeSecurityGroupId)}`,
    ]);
    expect(runRule(rule, fixed).compliance).toBe('COMPLIANT');
  });
});

describe('network ACLs', () => {
  const entry = (c: ClusterIds, rest: string) =>
    `aws ec2 create-network-acl-entry --region ${R} --network-acl-id ${c.networkAclId} ${rest}`;

  it('create-network-acl-entry adds the entry as EC2 stores it: protocol number, canonical CIDR', () => {
    const { s, c } = fixture();
    const after = applyCommands(s, [
      entry(
        c,
        `--rule-number 90 --protocol tcp --rule-action allow --ingress --cidr-block 10.0.5.7/16 --port-range From=443,To=443`,
      ),
      entry(c, `--rule-number 90 --protocol -1 --rule-action deny --egress --cidr-block 192.168.0.0/16`),
    ]);
    const entries = acl(after, c.networkAclId).Entries as Json[];
    expect(entries).toContainEqual({
      RuleNumber: 90,
      Protocol: '6',
      RuleAction: 'allow',
      Egress: false,
      CidrBlock: '10.0.0.0/16',
      PortRange: { From: 443, To: 443 },
    });
    expect(entries).toContainEqual({
      RuleNumber: 90,
      Protocol: '-1',
      RuleAction: 'deny',
      Egress: true,
      CidrBlock: '192.168.0.0/16',
    });
  });

  it.each([
    [
      'a rule number taken in that direction',
      `--rule-number 100 --protocol 6 --rule-action allow --ingress --cidr-block 10.0.0.0/16 --port-range From=1,To=2`,
      'NetworkAclEntryAlreadyExists',
    ],
    [
      'tcp without a port range',
      `--rule-number 90 --protocol 6 --rule-action allow --ingress --cidr-block 10.0.0.0/16`,
      'MissingParameter',
    ],
    [
      'rule number 32767',
      `--rule-number 32767 --protocol -1 --rule-action allow --ingress --cidr-block 10.0.0.0/16`,
      'InvalidParameterValue',
    ],
    [
      'a protocol name the CLI does not translate',
      `--rule-number 90 --protocol TCP --rule-action allow --ingress --cidr-block 10.0.0.0/16`,
      'InvalidParameterValue',
    ],
    ['no CIDR', `--rule-number 90 --protocol -1 --rule-action allow --ingress`, 'MissingParameter'],
  ])('create-network-acl-entry refuses %s', (_, rest, code) => {
    const { s, c } = fixture();
    expect(errorCode(s, [entry(c, rest)])).toBe(code);
  });

  it('replace-network-acl-entry changes an entry that exists, and only that', () => {
    const { s, c } = fixture();
    const replace = (n: number) =>
      `aws ec2 replace-network-acl-entry --region ${R} --network-acl-id ${c.networkAclId} --rule-number ${n} --protocol -1 --rule-action allow --ingress --cidr-block 10.0.0.0/16`;
    const entries = acl(applyCommands(s, [replace(100)]), c.networkAclId).Entries as Json[];
    expect(entries.filter((e) => e.RuleNumber === 100)).toEqual([
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.0/16' },
      expect.objectContaining({ RuleNumber: 100, Egress: true, Protocol: '6' }),
    ]);
    expect(errorCode(s, [replace(99)])).toBe('InvalidNetworkAclEntry.NotFound');
  });

  it('an allow entry inserted before a deny makes NETWORK_ACLS compliant', () => {
    const rule = ruleById('NETWORK_ACLS')!;
    const { s, c } = fixture();
    (acl(s, c.networkAclId).Entries as Json[]).push({
      RuleNumber: 90,
      Egress: false,
      Protocol: '6',
      RuleAction: 'deny',
      CidrBlock: '10.0.0.0/16',
      PortRange: { From: 443, To: 443 },
    });
    expect(runRule(rule, s).compliance).toBe('NON_COMPLIANT');
    const fixed = applyCommands(s, [
      entry(
        c,
        `--rule-number 80 --protocol 6 --rule-action allow --ingress --cidr-block 10.0.0.0/16 --port-range From=443,To=443`,
      ),
    ]);
    expect(runRule(rule, fixed).compliance).toBe('COMPLIANT');
    // After the deny, the same entry changes nothing.
    const late = applyCommands(s, [
      entry(
        c,
        `--rule-number 95 --protocol 6 --rule-action allow --ingress --cidr-block 10.0.0.0/16 --port-range From=443,To=443`,
      ),
    ]);
    expect(runRule(rule, late).compliance).toBe('NON_COMPLIANT');
  });

  it('replace-network-acl-association moves a subnet to another ACL', () => {
    const { s, c } = fixture();
    const association = (acl(s, c.networkAclId).Associations as Json[])[0]!;
    const after = applyCommands(s, [
      `aws ec2 replace-network-acl-association --region ${R} --association-id ${String(association.NetworkAclAssociationId)} --network-acl-id ${c.defaultNetworkAclId}`,
    ]);
    expect(acl(after, c.defaultNetworkAclId).Associations).toEqual([
      expect.objectContaining({ NetworkAclId: c.defaultNetworkAclId, SubnetId: association.SubnetId }),
    ]);
    expect((acl(after, c.networkAclId).Associations as Json[]).length).toBe(2);
  });
});

describe('DHCP options, attributes and tags', () => {
  it('create-dhcp-options + associate-dhcp-options through a captured id make DHCP_OPTIONS_COMPLETE compliant', () => {
    const rule = ruleById('DHCP_OPTIONS_COMPLETE')!;
    const { s, c } = fixture();
    s.ec2.Vpcs[0]!.DhcpOptionsId = 'default';
    expect(runRule(rule, s).compliance).toBe('NON_COMPLIANT');
    const result = simulate(s, [
      `DOPT=$(aws ec2 create-dhcp-options --region ${R} --dhcp-configurations Key=domain-name,Values=${R}.compute.internal Key=domain-name-servers,Values=AmazonProvidedDNS --query DhcpOptions.DhcpOptionsId --output text)`,
      `aws ec2 associate-dhcp-options --region ${R} --dhcp-options-id "$DOPT" --vpc-id ${c.vpcId}`,
    ]);
    const id = result.variables.DOPT!;
    expect(result.snapshot.ec2.DhcpOptions.at(-1)).toMatchObject({
      DhcpOptionsId: id,
      DhcpConfigurations: [
        { Key: 'domain-name', Values: [{ Value: `${R}.compute.internal` }] },
        { Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] },
      ],
    });
    expect(result.snapshot.ec2.Vpcs[0]!.DhcpOptionsId).toBe(id);
    expect(runRule(rule, result.snapshot).compliance).toBe('COMPLIANT');
    expect(
      errorCode(s, [
        `aws ec2 associate-dhcp-options --region ${R} --dhcp-options-id dopt-0123456789abcdef0 --vpc-id ${c.vpcId}`,
      ]),
    ).toBe('InvalidDhcpOptionID.NotFound');
    expect(
      errorCode(s, [
        `aws ec2 create-dhcp-options --region ${R} --dhcp-configurations Key=domain-servers,Values=x`,
      ]),
    ).toBe('InvalidParameterValue');
  });

  it('modify-vpc-attribute sets one attribute per call, as a flag or as JSON', () => {
    const { s, c } = fixture();
    const after = applyCommands(s, [
      `aws ec2 modify-vpc-attribute --region ${R} --vpc-id ${c.vpcId} --no-enable-dns-support`,
      `aws ec2 modify-vpc-attribute --region ${R} --vpc-id ${c.vpcId} --enable-dns-hostnames '{"Value":false}'`,
    ]);
    expect(after.ec2.VpcAttributes[c.vpcId]).toEqual({
      EnableDnsSupport: { Value: false },
      EnableDnsHostnames: { Value: false },
    });
    expect(
      errorCode(s, [
        `aws ec2 modify-vpc-attribute --region ${R} --vpc-id ${c.vpcId} --enable-dns-support --enable-dns-hostnames`,
      ]),
    ).toBe('InvalidParameterCombination');
  });

  it('modify-vpc-attribute turns DNS hostnames on only while DNS support is on', () => {
    const { s, c } = fixture();
    s.ec2.VpcAttributes[c.vpcId] = {
      EnableDnsSupport: { Value: false },
      EnableDnsHostnames: { Value: false },
    };
    const hostnames = `aws ec2 modify-vpc-attribute --region ${R} --vpc-id ${c.vpcId} --enable-dns-hostnames`;
    expect(errorCode(s, [hostnames])).toBe('InvalidParameterValue');
    const after = applyCommands(s, [
      `aws ec2 modify-vpc-attribute --region ${R} --vpc-id ${c.vpcId} --enable-dns-support`,
      hostnames,
    ]);
    expect(after.ec2.VpcAttributes[c.vpcId]).toEqual({
      EnableDnsSupport: { Value: true },
      EnableDnsHostnames: { Value: true },
    });
    // Whether DNS support is on must be known: the simulator does not guess AWS's default.
    s.ec2.VpcAttributes[c.vpcId] = {};
    expect(errorCode(s, [hostnames])).toBe('SimulatorSnapshotLacks');
  });

  it('modify-subnet-attribute --no-map-public-ip-on-launch makes SUBNETS_PRIVATE compliant', () => {
    const rule = ruleById('SUBNETS_PRIVATE')!;
    const { s, c } = fixture();
    subnet(s, c.subnetIds[1]!).MapPublicIpOnLaunch = true;
    expect(runRule(rule, s).compliance).toBe('NON_COMPLIANT');
    const fixed = applyCommands(s, [
      `aws ec2 modify-subnet-attribute --region ${R} --subnet-id ${c.subnetIds[1]} --no-map-public-ip-on-launch`,
    ]);
    expect(runRule(rule, fixed).compliance).toBe('COMPLIANT');
  });

  it('create-tags sets or overwrites tags on every resource named, an absent value being empty', () => {
    const { s, c } = fixture();
    const after = applyCommands(s, [
      `aws ec2 create-tags --region ${R} --resources ${c.subnetIds[0]} ${c.vpcId} --tags Key=kubernetes.io/role/internal-elb,Value=1 Key=team`,
    ]);
    expect(subnet(after, c.subnetIds[0]!).Tags).toEqual([
      { Key: 'Name', Value: 'prod-0-private-a' },
      { Key: 'kubernetes.io/cluster/prod-0', Value: 'shared' },
      { Key: 'kubernetes.io/role/internal-elb', Value: '1' },
      { Key: 'team', Value: '' },
    ]);
    expect(after.ec2.Vpcs[0]!.Tags).toContainEqual({ Key: 'team', Value: '' });
    expect(
      errorCode(s, [
        `aws ec2 create-tags --region ${R} --resources subnet-0123456789abcdef0 --tags Key=a,Value=b`,
      ]),
    ).toBe('InvalidSubnetID.NotFound');
  });
});

describe('routes', () => {
  it('delete-route removes a route, not the local one, and fails on one that is not there', () => {
    const { s, c } = fixture();
    (table(s, c.privateRouteTableId).Routes as Json[]).push({
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: 'nat-0123456789abcdef0',
      Origin: 'CreateRoute',
      State: 'active',
    });
    const line = `aws ec2 delete-route --region ${R} --route-table-id ${c.privateRouteTableId} --destination-cidr-block 0.0.0.0/0`;
    expect(table(applyCommands(s, [line]), c.privateRouteTableId).Routes).not.toContainEqual(
      expect.objectContaining({ DestinationCidrBlock: '0.0.0.0/0' }),
    );
    expect(errorCode(s, [line, line])).toBe('InvalidRoute.NotFound');
    expect(
      errorCode(s, [
        `aws ec2 delete-route --region ${R} --route-table-id ${c.privateRouteTableId} --destination-cidr-block 10.0.0.0/16`,
      ]),
    ).toBe('InvalidParameterValue');
  });

  it('create-route-table, associate-route-table and replace-route-table-association', () => {
    const { s, c } = fixture();
    const create = `RTB=$(aws ec2 create-route-table --region ${R} --vpc-id ${c.vpcId} --query RouteTable.RouteTableId --output text)`;
    const associate = (subnetId: string) =>
      `aws ec2 associate-route-table --region ${R} --route-table-id "$RTB" --subnet-id ${subnetId}`;
    // The subnet has an association with the private table already: AWS refuses a second one.
    expect(errorCode(s, [create, associate(c.subnetIds[0]!)])).toBe('Resource.AlreadyAssociated');
    const spare = 'subnet-0f0000000000000aa';
    s.ec2.Subnets.push({
      ...structuredClone(subnet(s, c.subnetIds[0]!)),
      SubnetId: spare,
      CidrBlock: '10.0.96.0/19',
    });
    const added = simulate(s, [create, associate(spare)]);
    expect(table(added.snapshot, added.variables.RTB!)).toMatchObject({
      VpcId: c.vpcId,
      Routes: [
        {
          DestinationCidrBlock: '10.0.0.0/16',
          GatewayId: 'local',
          Origin: 'CreateRouteTable',
          State: 'active',
        },
      ],
      Associations: [
        {
          Main: false,
          SubnetId: spare,
          RouteTableId: added.variables.RTB,
          AssociationState: { State: 'associated' },
        },
      ],
    });
    const association = (table(s, c.privateRouteTableId).Associations as Json[])[0]!;
    const moved = simulate(s, [
      create,
      `aws ec2 replace-route-table-association --region ${R} --association-id ${String(association.RouteTableAssociationId)} --route-table-id "$RTB"`,
    ]);
    expect(table(moved.snapshot, moved.variables.RTB!).Associations).toEqual([
      expect.objectContaining({ SubnetId: association.SubnetId, RouteTableId: moved.variables.RTB }),
    ]);
    expect((table(moved.snapshot, c.privateRouteTableId).Associations as Json[]).length).toBe(2);
  });
});

describe('EKS update-cluster-config', () => {
  const update = (config: string) =>
    `aws eks update-cluster-config --region ${R} --name prod-0 --resources-vpc-config ${config}`;

  it('turns private access on, making ENDPOINT_PRIVATE_ACCESS compliant', () => {
    const rule = ruleById('ENDPOINT_PRIVATE_ACCESS')!;
    const { s } = fixture();
    vpcConfig(s).endpointPrivateAccess = false;
    vpcConfig(s).endpointPublicAccess = true;
    expect(runRule(rule, s).compliance).toBe('NON_COMPLIANT');
    const fixed = applyCommands(s, [update('endpointPrivateAccess=true')]);
    expect(vpcConfig(fixed)).toMatchObject({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ['0.0.0.0/0'],
    });
    expect(runRule(rule, fixed).compliance).toBe('COMPLIANT');
  });

  it('changes subnets and security groups in a call of their own', () => {
    const { s, c } = fixture();
    const after = applyCommands(s, [
      update(`subnetIds=${c.subnetIds[0]},${c.subnetIds[1]},securityGroupIds=${c.nodeSecurityGroupId}`),
    ]);
    expect(vpcConfig(after)).toMatchObject({
      subnetIds: [c.subnetIds[0], c.subnetIds[1]],
      securityGroupIds: [c.nodeSecurityGroupId],
    });
  });

  it.each([
    ['both accesses off', 'endpointPrivateAccess=false', 'InvalidParameterException'],
    ['no change', 'endpointPrivateAccess=true', 'InvalidParameterException'],
    [
      'endpoint access and subnets in one call',
      'endpointPublicAccess=true,subnetIds=subnet-1',
      'InvalidParameterException',
    ],
  ])('refuses %s', (_, config, code) => {
    const { s } = fixture();
    expect(errorCode(s, [update(config)])).toBe(code);
  });

  it('refuses subnets in one zone', () => {
    const { s, c } = fixture();
    expect(errorCode(s, [update(`subnetIds=${c.subnetIds[0]}`)])).toBe('InvalidParameterException');
  });

  it('refuses a second update while the first is in progress, until aws eks wait cluster-active', () => {
    const { s, c } = fixture();
    const subnets = update(`subnetIds=${c.subnetIds[0]},${c.subnetIds[1]}`);
    const access = update('endpointPublicAccess=true');
    expect(errorCode(s, [subnets, access])).toBe('ResourceInUseException');
    const after = applyCommands(s, [
      subnets,
      `aws eks wait cluster-active --region ${R} --name prod-0`,
      access,
    ]);
    expect(vpcConfig(after).endpointPublicAccess).toBe(true);
    expect(
      errorCode(s, [
        `aws eks update-cluster-config --region ${R} --name nope --resources-vpc-config endpointPublicAccess=true`,
      ]),
    ).toBe('ResourceNotFoundException');
  });
});

describe('fixCommands', () => {
  it("lists the details' commands in order, each distinct line once as the fix script runs them", () => {
    const fix = (commands: string[]) => ({ commands, documentation: '' });
    const detail = (commands: string[]) => ({
      resourceId: 'x',
      resourceType: 't',
      problem: 'p',
      fix: fix(commands),
    });
    const outcome = { details: [detail(['a', 'b']), detail([]), detail(['a', 'c'])] };
    expect(fixCommands(outcome)).toEqual(['a', 'b', 'c']);
    expect(fixCommands(outcome, { distinct: false })).toEqual(['a', 'b', 'a', 'c']);
  });
});

describe("what the rule tests ask of an outcome's details", () => {
  const detail = (resourceId: string, problem: string, commands: string[], decide?: string) => ({
    resourceId,
    resourceType: 'AWS::EC2::SecurityGroup',
    problem,
    fix: {
      commands,
      ...(decide === undefined ? {} : { decide }),
      documentation: 'https://docs.aws.amazon.com/x',
    },
  });
  const outcome = (offenders: string[], details: Outcome['details']): Outcome => ({
    compliance: 'NON_COMPLIANT',
    annotation: 'a',
    offenders,
    details,
  });

  it('expectDetailsCoverOffenders: every offender a resource or a whole word of a problem', () => {
    expectDetailsCoverOffenders(
      outcome(['sg-1', '10.0.0.0/19'], [detail('sg-1', 'denies 10.0.0.0/19.', ['x'])]),
    );
    // Named only inside a longer id, or in no detail at all: not covered.
    expect(() =>
      expectDetailsCoverOffenders(outcome(['sg-1'], [detail('sg-12', 'sg-12 and sg-1a', ['x'])])),
    ).toThrow();
    expect(() =>
      expectDetailsCoverOffenders(outcome(['sg-1'], [detail('sg-2', 'p', [], 'decide')])),
    ).toThrow();
    // A detail with neither a command nor a decision, or no details at all.
    expect(() => expectDetailsCoverOffenders(outcome(['sg-1'], [detail('sg-1', 'p', [])]))).toThrow();
    expect(() => expectDetailsCoverOffenders(outcome([], []))).toThrow();
    expect(() =>
      expectDetailsCoverOffenders({
        ...outcome(['sg-1'], [detail('sg-1', 'p', ['x'])]),
        compliance: 'COMPLIANT',
      }),
    ).toThrow();
  });

  it("expectValidCommands: checkLines over each detail's lines", () => {
    const line = `aws ec2 modify-vpc-attribute --region ${R} --vpc-id vpc-1 --enable-dns-support`;
    expectValidCommands(outcome([], [detail('a', 'p', [line])]));
    expect(() => expectValidCommands(outcome([], [detail('a', 'p', [`${line} --vpc x`])]))).toThrow();
    // A variable captured by another detail is not captured for this one.
    const use = `aws ec2 associate-dhcp-options --region ${R} --vpc-id vpc-1 --dhcp-options-id "$D"`;
    expect(() => expectValidCommands(outcome([], [detail('a', 'p', [use])]))).toThrow();
  });

  it('fixAndRerun runs the distinct lines on a copy and evaluates the rule there', () => {
    const rule = ruleById('SUBNETS_PRIVATE')!;
    const { s, c } = fixture();
    subnet(s, c.subnetIds[1]!).MapPublicIpOnLaunch = true;
    const before = runRule(rule, s);
    expect(before.compliance).toBe('NON_COMPLIANT');
    const twice = { details: [...before.details, ...before.details] };
    const { outcome: after, snapshot } = fixAndRerun(rule, s, twice);
    expect(after.compliance).toBe('COMPLIANT');
    expect(subnet(snapshot, c.subnetIds[1]!).MapPublicIpOnLaunch).toBe(false);
    expect(subnet(s, c.subnetIds[1]!).MapPublicIpOnLaunch).toBe(true);
  });
});
