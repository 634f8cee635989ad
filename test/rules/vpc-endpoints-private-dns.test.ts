import { vpcEndpointsPrivateDns } from '../../rules/vpc-endpoints-private-dns';
import { privateClustersSnapshot, type ClusterIds, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { endpoint, iface, type Json } from '../../testkit/snapshot-edits';
import { expectDetailsCoverOffenders, expectValidCommands, fixAndRerun } from '../fixes/apply-aws-cli';

const S3_INTERFACE = 'vpce-0eeeeeeeeeeeeeeee';
/** An s3 Interface endpoint built from the ecr.api one, so it carries subnets and groups. */
const addS3Interface = (s: RawSnapshot, ids: ClusterIds, extra: Json) => {
  s.ec2.VpcEndpoints.push({
    ...structuredClone(endpoint(s, iface(ids, 'ecr.api'))),
    VpcEndpointId: S3_INTERFACE,
    ServiceName: `com.amazonaws.${s.region}.s3`,
    ...extra,
  });
};

const compliant: RuleCase[] = [
  {
    name: 'untouched snapshot',
    expected: 'COMPLIANT',
    annotation: /all 4 Interface endpoints .* private DNS on/,
  },
  {
    name: 'China Region',
    region: 'cn-northwest-1',
    expected: 'COMPLIANT',
    annotation: /all 4 Interface endpoints/,
  },
  {
    name: 'private DNS off on a deleted endpoint',
    mutate: (s, ids) =>
      Object.assign(endpoint(s, iface(ids, 'sts')), { PrivateDnsEnabled: false, State: 'deleted' }),
    expected: 'COMPLIANT',
    annotation: /all 3 Interface endpoints/,
  },
  {
    name: 'private DNS off on an endpoint of a service that is not required',
    mutate: (s, ids) => (endpoint(s, iface(ids, 'sts')).PrivateDnsEnabled = false),
    params: { requiredServices: 'ec2,ecr.api,ecr.dkr,s3' },
    expected: 'COMPLIANT',
    annotation: /all 3 Interface endpoints/,
  },
  {
    name: 'the s3 Gateway has private DNS off (Gateways are not judged)',
    mutate: (s, ids) => expect(endpoint(s, ids.s3GatewayEndpointId).PrivateDnsEnabled).toBe(false),
    expected: 'COMPLIANT',
    annotation: /all 4 Interface endpoints/,
  },
  {
    name: 'Interface ec2 replaced by a Gateway with private DNS off (missing is PRESENT’s finding)',
    mutate: (s, ids) =>
      Object.assign(endpoint(s, iface(ids, 'ec2')), { VpcEndpointType: 'Gateway', PrivateDnsEnabled: false }),
    expected: 'COMPLIANT',
    annotation: /all 3 Interface endpoints/,
  },
  {
    name: 's3 Interface with private DNS off beside the s3 Gateway (the Gateway takes S3 traffic)',
    mutate: (s, ids) => addS3Interface(s, ids, { PrivateDnsEnabled: false }),
    expected: 'COMPLIANT',
    annotation: /all 4 Interface endpoints/,
  },
  {
    name: 's3 Interface with private DNS on beside the s3 Gateway',
    mutate: (s, ids) => addS3Interface(s, ids, { PrivateDnsEnabled: true }),
    expected: 'COMPLIANT',
    annotation: /all 5 Interface endpoints/,
  },
  {
    name: 'no Interface endpoint at all (none judged)',
    mutate: (s) => (s.ec2.VpcEndpoints = s.ec2.VpcEndpoints.filter((e) => e.VpcEndpointType === 'Gateway')),
    expected: 'COMPLIANT',
    annotation: /has no Interface endpoint of a required service to judge/,
  },
];

const nonCompliant: RuleCase[] = [
  {
    name: 'private DNS off on ecr.dkr',
    mutate: (s, ids) => (endpoint(s, iface(ids, 'ecr.dkr')).PrivateDnsEnabled = false),
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `${iface(ids, 'ecr.dkr')} (ecr.dkr) has private DNS off`,
    offenders: (ids) => [iface(ids, 'ecr.dkr')],
  },
  {
    name: 'private DNS off on a pendingAcceptance endpoint (it exists)',
    mutate: (s, ids) =>
      Object.assign(endpoint(s, iface(ids, 'sts')), { PrivateDnsEnabled: false, State: 'pendingAcceptance' }),
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `${iface(ids, 'sts')} (sts) has private DNS off`,
  },
  {
    name: 'private DNS off on two endpoints, China Region',
    region: 'cn-northwest-1',
    mutate: (s, ids) => {
      endpoint(s, iface(ids, 'ec2')).PrivateDnsEnabled = false;
      endpoint(s, iface(ids, 'sts')).PrivateDnsEnabled = false;
    },
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      `${iface(ids, 'ec2')} (ec2) has private DNS off; ${iface(ids, 'sts')} (sts) has private DNS off`,
    offenders: (ids) => [iface(ids, 'ec2'), iface(ids, 'sts')],
  },
  {
    name: 's3 Interface with private DNS off, no s3 Gateway',
    mutate: (s, ids) => {
      addS3Interface(s, ids, { PrivateDnsEnabled: false });
      endpoint(s, ids.s3GatewayEndpointId).State = 'deleted';
    },
    expected: 'NON_COMPLIANT',
    annotation: () => `${S3_INTERFACE} (s3) has private DNS off`,
  },
  {
    name: 'custom requiredServices adding logs whose endpoint has private DNS off',
    mutate: (s, ids) => {
      s.ec2.VpcEndpoints.push({
        ...structuredClone(endpoint(s, iface(ids, 'sts'))),
        VpcEndpointId: 'vpce-0dddddddddddddddd',
        ServiceName: `com.amazonaws.${s.region}.logs`,
        PrivateDnsEnabled: false,
      });
    },
    params: { requiredServices: 'ec2,ecr.api,ecr.dkr,s3,sts,logs' },
    expected: 'NON_COMPLIANT',
    annotation: () => 'vpce-0dddddddddddddddd (logs) has private DNS off',
  },
  {
    name: 'a definite violation wins over an absent PrivateDnsEnabled',
    mutate: (s, ids) => {
      endpoint(s, iface(ids, 'ec2')).PrivateDnsEnabled = false;
      delete endpoint(s, iface(ids, 'sts')).PrivateDnsEnabled;
    },
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `${iface(ids, 'ec2')} (ec2) has private DNS off`,
  },
];

const notApplicable: RuleCase[] = [
  {
    name: 'requiredServices= (no service)',
    mutate: (s, ids) => (endpoint(s, iface(ids, 'sts')).PrivateDnsEnabled = false),
    params: { requiredServices: '' },
    expected: 'NOT_APPLICABLE',
    annotation: /requiredServices is empty/,
  },
];

const insufficientData: RuleCase[] = [
  {
    name: 'ec2.VpcEndpoints absent',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).VpcEndpoints,
    expected: 'INSUFFICIENT_DATA',
    annotation: /snapshot has no ec2\.VpcEndpoints/,
  },
  {
    name: 'PrivateDnsEnabled absent',
    mutate: (s, ids) => delete endpoint(s, iface(ids, 'ecr.api')).PrivateDnsEnabled,
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) => `${iface(ids, 'ecr.api')} (ecr.api) has no PrivateDnsEnabled`,
    offenders: (ids) => [iface(ids, 'ecr.api')],
  },
  {
    name: 'State absent on an endpoint with private DNS off (may not be judged)',
    mutate: (s, ids) => {
      const sts = endpoint(s, iface(ids, 'sts'));
      sts.PrivateDnsEnabled = false;
      delete sts.State;
    },
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) =>
      `${iface(ids, 'sts')} (sts) has private DNS off, and may not be judged: it has no State`,
  },
  {
    name: 'ServiceName absent on an endpoint with private DNS off',
    mutate: (s, ids) => {
      const sts = endpoint(s, iface(ids, 'sts'));
      sts.PrivateDnsEnabled = false;
      delete sts.ServiceName;
    },
    expected: 'INSUFFICIENT_DATA',
    annotation: /\(\?\) has private DNS off, and may not be judged: it has no ServiceName/,
  },
  {
    name: 's3 Interface with private DNS off beside an s3 Gateway of unknown State',
    mutate: (s, ids) => {
      addS3Interface(s, ids, { PrivateDnsEnabled: false });
      delete endpoint(s, ids.s3GatewayEndpointId).State;
    },
    expected: 'INSUFFICIENT_DATA',
    annotation: () =>
      `${S3_INTERFACE} (s3) has private DNS off, and may not be judged: unknown whether it or the s3 Gateway endpoint takes the S3 traffic`,
  },
  {
    name: 's3 Interface without PrivateDnsEnabled beside the s3 Gateway',
    mutate: (s, ids) => addS3Interface(s, ids, { PrivateDnsEnabled: undefined }),
    expected: 'INSUFFICIENT_DATA',
    annotation: () => `${S3_INTERFACE} (s3) has no PrivateDnsEnabled`,
  },
];

describeRule(
  vpcEndpointsPrivateDns,
  [...compliant, ...nonCompliant, ...notApplicable, ...insufficientData],
  () => {
    it('declares the SPEC row: critical, needs VpcEndpoints, reads requiredServices', () => {
      expect(vpcEndpointsPrivateDns.meta).toMatchObject({
        id: 'VPC_ENDPOINTS_PRIVATE_DNS',
        severity: 'critical',
        needs: ['VpcEndpoints'],
        parameters: ['requiredServices'],
      });
    });
  },
);

describe('VPC_ENDPOINTS_PRIVATE_DNS details', () => {
  const setUp = (region: string) => {
    const { snapshot, ids } = privateClustersSnapshot(1, { region });
    return { snapshot, ids: ids[0]! };
  };
  const modify = (region: string, id: string) =>
    `aws ec2 modify-vpc-endpoint --region ${region} --vpc-endpoint-id ${id} --private-dns-enabled`;
  const DOCS =
    'https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html#enable-private-dns-names';

  it('one endpoint off: the endpoint, and modify-vpc-endpoint --private-dns-enabled', () => {
    const { snapshot, ids } = setUp('eu-west-1');
    endpoint(snapshot, iface(ids, 'sts')).PrivateDnsEnabled = false;
    const outcome = runRule(vpcEndpointsPrivateDns, snapshot);
    expect(outcome.details).toEqual([
      {
        resourceId: iface(ids, 'sts'),
        resourceType: 'AWS::EC2::VPCEndpoint',
        problem: `${iface(ids, 'sts')} (sts) has private DNS off: the nodes resolve the sts hostname to public addresses they cannot reach, not to this endpoint`,
        fix: { commands: [modify('eu-west-1', iface(ids, 'sts'))], documentation: DOCS },
      },
    ]);
    expectDetailsCoverOffenders(outcome);
    expectValidCommands(outcome);
    expect(fixAndRerun(vpcEndpointsPrivateDns, snapshot, outcome).outcome.compliance).toBe('COMPLIANT');
  });

  it('China, VPC DNS off as well: DNS support and hostnames first, then every endpoint', () => {
    const { snapshot, ids } = setUp('cn-north-1');
    for (const service of ['ecr.api', 'ecr.dkr'])
      endpoint(snapshot, iface(ids, service)).PrivateDnsEnabled = false;
    snapshot.ec2.VpcAttributes[ids.vpcId] = {
      EnableDnsSupport: { Value: false },
      EnableDnsHostnames: { Value: false },
    };
    const outcome = runRule(vpcEndpointsPrivateDns, snapshot);
    const dns = [
      `aws ec2 modify-vpc-attribute --region cn-north-1 --vpc-id ${ids.vpcId} --enable-dns-support`,
      `aws ec2 modify-vpc-attribute --region cn-north-1 --vpc-id ${ids.vpcId} --enable-dns-hostnames`,
    ];
    expect(outcome.details.map((d) => [d.resourceId, d.fix.commands])).toEqual([
      [iface(ids, 'ecr.api'), [...dns, modify('cn-north-1', iface(ids, 'ecr.api'))]],
      [iface(ids, 'ecr.dkr'), [...dns, modify('cn-north-1', iface(ids, 'ecr.dkr'))]],
    ]);
    expectDetailsCoverOffenders(outcome);
    expectValidCommands(outcome);
    const fixed = fixAndRerun(vpcEndpointsPrivateDns, snapshot, outcome);
    expect(fixed.outcome.compliance).toBe('COMPLIANT');
    expect(fixed.snapshot.ec2.VpcAttributes[ids.vpcId]).toEqual({
      EnableDnsSupport: { Value: true },
      EnableDnsHostnames: { Value: true },
    });
  });

  it('GovCloud s3 Interface without a Gateway: standard private DNS, not inbound-only', () => {
    const { snapshot, ids } = setUp('us-gov-west-1');
    snapshot.ec2.VpcEndpoints = snapshot.ec2.VpcEndpoints.filter(
      (e) => e.VpcEndpointId !== ids.s3GatewayEndpointId,
    );
    addS3Interface(snapshot, ids, { PrivateDnsEnabled: false });
    const outcome = runRule(vpcEndpointsPrivateDns, snapshot);
    expect(outcome.details.map((d) => d.fix.commands)).toEqual([
      [
        `aws ec2 modify-vpc-endpoint --region us-gov-west-1 --vpc-endpoint-id ${S3_INTERFACE} ` +
          `--dns-options '{"PrivateDnsOnlyForInboundResolverEndpoint":false}' --private-dns-enabled`,
      ],
    ]);
    expectValidCommands(outcome);
    expect(fixAndRerun(vpcEndpointsPrivateDns, snapshot, outcome).outcome.compliance).toBe('COMPLIANT');
  });

  it('a second endpoint of a service whose first holds the private DNS name: a decision, no command', () => {
    const { snapshot, ids } = setUp('eu-west-1');
    const copy = 'vpce-0dddddddddddddddd';
    snapshot.ec2.VpcEndpoints.push({
      ...structuredClone(endpoint(snapshot, iface(ids, 'ecr.dkr'))),
      VpcEndpointId: copy,
      PrivateDnsEnabled: false,
    });
    const outcome = runRule(vpcEndpointsPrivateDns, snapshot);
    expect(outcome.details).toEqual([
      expect.objectContaining({
        resourceId: copy,
        fix: {
          commands: [],
          decide: `${iface(ids, 'ecr.dkr')} already has private DNS for ecr.dkr in ${ids.vpcId}, so it cannot be turned on for ${copy} too. If nothing uses the endpoint-specific DNS names of ${copy}, delete it (aws ec2 delete-vpc-endpoints --region eu-west-1 --vpc-endpoint-ids ${copy}).`,
          documentation: DOCS,
        },
      }),
    ]);
    expectDetailsCoverOffenders(outcome);
  });
});
