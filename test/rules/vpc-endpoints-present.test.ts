import * as endpointCommands from '../../fixes/endpoint-commands';
import { vpcEndpointsPresent } from '../../rules/vpc-endpoints-present';
import { privateClustersSnapshot, type ClusterIds, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { endpoint, iface, type Json } from '../../testkit/snapshot-edits';
import { expectDetailsCoverOffenders, expectValidCommands, fixAndRerun } from '../fixes/apply-aws-cli';

const remove = (s: RawSnapshot, id: string) => {
  s.ec2.VpcEndpoints = s.ec2.VpcEndpoints.filter((e) => e.VpcEndpointId !== id);
};
/** A second endpoint for the service of `id`, under a new id. */
const duplicate = (s: RawSnapshot, id: string, newId: string, extra: Json) => {
  s.ec2.VpcEndpoints.push({ ...structuredClone(endpoint(s, id)), VpcEndpointId: newId, ...extra });
};

const compliant: RuleCase[] = [
  {
    name: 'untouched snapshot',
    expected: 'COMPLIANT',
    annotation: /available endpoint for every required service/,
  },
  {
    name: 'China Region (cn.com.amazonaws names)',
    region: 'cn-northwest-1',
    expected: 'COMPLIANT',
    annotation: /ec2, ecr\.api, ecr\.dkr, s3, sts/,
  },
  {
    name: 'Gateway-only s3 (the testkit default) with no s3 Interface',
    mutate: (s) =>
      expect(s.ec2.VpcEndpoints.filter((e) => String(e.ServiceName).endsWith('.s3'))).toHaveLength(1),
    expected: 'COMPLIANT',
    annotation: /available/,
  },
  {
    name: 'Interface-only s3',
    mutate: (s, ids) => Object.assign(endpoint(s, ids.s3GatewayEndpointId), { VpcEndpointType: 'Interface' }),
    expected: 'COMPLIANT',
    annotation: /available/,
  },
  {
    name: 'a pendingAcceptance endpoint beside an available one of the same service',
    mutate: (s, ids) =>
      duplicate(s, iface(ids, 'sts'), 'vpce-0ffffffffffffffff', { State: 'pendingAcceptance' }),
    expected: 'COMPLIANT',
    annotation: /available/,
  },
  {
    name: 'an endpoint without State beside an available one of the same service',
    mutate: (s, ids) => duplicate(s, iface(ids, 'sts'), 'vpce-0ffffffffffffffff', { State: undefined }),
    expected: 'COMPLIANT',
    annotation: /available/,
  },
  {
    name: 'custom requiredServices that the VPC serves',
    params: { requiredServices: 'ecr.api, ECR.DKR' },
    expected: 'COMPLIANT',
    annotation: /\(ecr\.api, ecr\.dkr\)/,
  },
  {
    name: 'missing endpoint of a service that is not required',
    mutate: (s, ids) => remove(s, iface(ids, 'ec2')),
    params: { requiredServices: 'ecr.api,ecr.dkr,s3,sts' },
    expected: 'COMPLIANT',
    annotation: /available/,
  },
];

const nonCompliant: RuleCase[] = [
  {
    name: 'deleted ecr.dkr endpoint',
    mutate: (s, ids) => remove(s, iface(ids, 'ecr.dkr')),
    expected: 'NON_COMPLIANT',
    annotation: () => 'missing: ecr.dkr',
    offenders: () => ['ecr.dkr'],
  },
  {
    name: 'sts endpoint pendingAcceptance',
    mutate: (s, ids) => (endpoint(s, iface(ids, 'sts')).State = 'pendingAcceptance'),
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `${iface(ids, 'sts')} (sts) is pendingAcceptance`,
    offenders: (ids) => [iface(ids, 'sts')],
  },
  {
    name: 'SPEC §5 example: ecr.dkr missing and sts pendingAcceptance',
    mutate: (s, ids) => {
      remove(s, iface(ids, 'ecr.dkr'));
      endpoint(s, iface(ids, 'sts')).State = 'PendingAcceptance';
    },
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `missing: ecr.dkr; ${iface(ids, 'sts')} (sts) is pendingAcceptance`,
    offenders: (ids) => ['ecr.dkr', iface(ids, 'sts')],
  },
  {
    name: 'ecr.api endpoint still pending',
    mutate: (s, ids) => (endpoint(s, iface(ids, 'ecr.api')).State = 'pending'),
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `${iface(ids, 'ecr.api')} (ecr.api) is pending`,
  },
  {
    name: 'only endpoint of sts in state deleted (still listed)',
    mutate: (s, ids) => (endpoint(s, iface(ids, 'sts')).State = 'deleted'),
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `${iface(ids, 'sts')} (sts) is deleted`,
  },
  {
    name: 'Interface ec2 replaced by a Gateway',
    mutate: (s, ids) => (endpoint(s, iface(ids, 'ec2')).VpcEndpointType = 'Gateway'),
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `${iface(ids, 'ec2')} (ec2) is a Gateway endpoint, not Interface`,
    offenders: (ids) => [iface(ids, 'ec2')],
  },
  {
    name: 'a Gateway ec2 of unknown State is still the wrong type',
    mutate: (s, ids) =>
      Object.assign(endpoint(s, iface(ids, 'ec2')), { VpcEndpointType: 'Gateway', State: undefined }),
    expected: 'NON_COMPLIANT',
    annotation: /\(ec2\) is a Gateway endpoint, not Interface/,
  },
  {
    name: 's3 Gateway removed',
    mutate: (s, ids) => remove(s, ids.s3GatewayEndpointId),
    expected: 'NON_COMPLIANT',
    annotation: () => 'missing: s3',
  },
  {
    name: 's3 Gateway deleting',
    mutate: (s, ids) => (endpoint(s, ids.s3GatewayEndpointId).State = 'deleting'),
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `${ids.s3GatewayEndpointId} (s3) is deleting`,
  },
  {
    name: 'sts endpoint of another Region',
    mutate: (s, ids) => (endpoint(s, iface(ids, 'sts')).ServiceName = 'com.amazonaws.us-east-1.sts'),
    expected: 'NON_COMPLIANT',
    annotation: () => 'missing: sts',
  },
  {
    name: 'sts endpoint in another VPC',
    mutate: (s, ids) => (endpoint(s, iface(ids, 'sts')).VpcId = 'vpc-0fffffffffffffff0'),
    expected: 'NON_COMPLIANT',
    annotation: () => 'missing: sts',
  },
  {
    name: 'custom requiredServices adding logs',
    params: { requiredServices: 'ec2,ecr.api,ecr.dkr,s3,sts,logs' },
    expected: 'NON_COMPLIANT',
    annotation: () => 'missing: logs',
    offenders: () => ['logs'],
  },
  {
    name: 'custom requiredServices adding several services, one missing list',
    params: { requiredServices: 'sts,logs,kms,ssm' },
    expected: 'NON_COMPLIANT',
    annotation: () => 'missing: logs, kms, ssm',
    offenders: () => ['logs', 'kms', 'ssm'],
  },
  {
    name: 'a definite violation wins over an unknown State',
    mutate: (s, ids) => {
      remove(s, iface(ids, 'ecr.dkr'));
      delete endpoint(s, iface(ids, 'sts')).State;
    },
    expected: 'NON_COMPLIANT',
    annotation: () => 'missing: ecr.dkr',
  },
];

const notApplicable: RuleCase[] = [
  {
    name: 'requiredServices= (no service)',
    mutate: (s) => (s.ec2.VpcEndpoints = []),
    params: { requiredServices: '' },
    expected: 'NOT_APPLICABLE',
    annotation: /requiredServices is empty/,
  },
  {
    name: 'cluster deleting',
    mutate: (s, ids) => {
      remove(s, iface(ids, 'ec2'));
      s.eks.clusters[0]!.status = 'DELETING';
    },
    expected: 'NOT_APPLICABLE',
    annotation: /being deleted/,
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
    name: 'State absent on the only sts endpoint',
    mutate: (s, ids) => delete endpoint(s, iface(ids, 'sts')).State,
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) =>
      `cannot tell whether sts has an available Interface endpoint: ${iface(ids, 'sts')} has no State`,
    offenders: (ids) => [iface(ids, 'sts')],
  },
  {
    name: 'VpcEndpointType absent on the only ecr.api endpoint',
    mutate: (s, ids) => delete endpoint(s, iface(ids, 'ecr.api')).VpcEndpointType,
    expected: 'INSUFFICIENT_DATA',
    annotation: /ecr\.api has an available Interface endpoint: vpce-\w+ has no VpcEndpointType/,
  },
  {
    name: 'VpcEndpointType absent on the only s3 endpoint',
    mutate: (s, ids) => delete endpoint(s, ids.s3GatewayEndpointId).VpcEndpointType,
    expected: 'INSUFFICIENT_DATA',
    annotation: /s3 has an available Gateway or Interface endpoint: vpce-\w+ has no VpcEndpointType/,
  },
  {
    name: 'ServiceName absent on the only sts endpoint',
    mutate: (s, ids) => delete endpoint(s, iface(ids, 'sts')).ServiceName,
    expected: 'INSUFFICIENT_DATA',
    annotation: /sts has an available Interface endpoint: vpce-\w+ has no ServiceName/,
  },
];

describeRule(
  vpcEndpointsPresent,
  [...compliant, ...nonCompliant, ...notApplicable, ...insufficientData],
  () => {
    it('keeps a long list of missing services within 256 characters and says more exist', () => {
      const { snapshot } = privateClustersSnapshot(1);
      snapshot.ec2.VpcEndpoints = snapshot.ec2.VpcEndpoints.map((e) => ({
        ...e,
        State: 'pendingAcceptance',
      }));
      const services = 'ec2,ecr.api,ecr.dkr,s3,sts,logs,kms,ssm,ssmmessages,ec2messages,elasticloadbalancing';
      const outcome = runRule(vpcEndpointsPresent, snapshot, { requiredServices: services });
      expect(outcome.compliance).toBe('NON_COMPLIANT');
      expect(outcome.annotation.length).toBeLessThanOrEqual(256);
      expect(outcome.annotation).toMatch(
        /^missing: logs, kms, ssm, ssmmessages, ec2messages, elasticloadbalancing; /,
      );
      expect(outcome.annotation).toMatch(/\(\+\d+ more\)$/);
      expect(outcome.offenders).toHaveLength(6 + 5);
    });

    it('declares the SPEC row: critical, needs VpcEndpoints, reads requiredServices', () => {
      expect(vpcEndpointsPresent.meta).toMatchObject({
        id: 'VPC_ENDPOINTS_PRESENT',
        severity: 'critical',
        needs: ['VpcEndpoints'],
        parameters: ['requiredServices'],
      });
    });
  },
);

describe('VPC_ENDPOINTS_PRESENT details', () => {
  const setUp = (region: string, clusters = 1) => {
    const { snapshot, ids } = privateClustersSnapshot(clusters, { region });
    return { snapshot, ids: ids[0]! };
  };
  const interfaceCreate = (ids: ClusterIds, region: string, name: string, groups: string) =>
    `aws ec2 create-vpc-endpoint --region ${region} --vpc-id ${ids.vpcId} --vpc-endpoint-type Interface ` +
    `--service-name ${name} --subnet-ids ${ids.subnetIds.join(' ')} --security-group-ids ${groups} --private-dns-enabled`;

  it('a missing service: the VPC, and an Interface endpoint in every node zone with the groups other endpoints use', () => {
    const { snapshot, ids } = setUp('eu-west-1');
    remove(snapshot, iface(ids, 'ecr.dkr'));
    const outcome = runRule(vpcEndpointsPresent, snapshot);
    expect(outcome.details).toEqual([
      {
        resourceId: ids.vpcId,
        resourceType: 'AWS::EC2::VPC',
        problem: `${ids.vpcId} has no VPC endpoint of ecr.dkr: nodes without internet cannot reach ecr.dkr`,
        fix: {
          commands: [
            interfaceCreate(ids, 'eu-west-1', 'com.amazonaws.eu-west-1.ecr.dkr', ids.endpointSecurityGroupId),
          ],
          documentation: 'https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html',
        },
      },
    ]);
    expectDetailsCoverOffenders(outcome);
    expectValidCommands(outcome);
    expect(fixAndRerun(vpcEndpointsPresent, snapshot, outcome).outcome.compliance).toBe('COMPLIANT');
  });

  it('China, SPEC §5 example: the missing name is looked up, the pendingAcceptance endpoint is a decision', () => {
    const { snapshot, ids } = setUp('cn-north-1');
    remove(snapshot, iface(ids, 'ecr.dkr'));
    endpoint(snapshot, iface(ids, 'sts')).State = 'pendingAcceptance';
    const outcome = runRule(vpcEndpointsPresent, snapshot);
    expect(outcome.annotation).toBe(`missing: ecr.dkr; ${iface(ids, 'sts')} (sts) is pendingAcceptance`);
    const lookup =
      `"$(aws ec2 describe-vpc-endpoint-services --region cn-north-1 --filters ` +
      `'[{"Name":"service-name","Values":["com.amazonaws.cn-north-1.ecr.dkr","cn.com.amazonaws.cn-north-1.ecr.dkr"]},` +
      `{"Name":"service-type","Values":["Interface"]}]' --query 'ServiceNames[0]' --output text)"`;
    expect(outcome.details).toEqual([
      expect.objectContaining({
        resourceId: ids.vpcId,
        resourceType: 'AWS::EC2::VPC',
        fix: expect.objectContaining({
          commands: [interfaceCreate(ids, 'cn-north-1', lookup, ids.endpointSecurityGroupId)],
        }),
      }),
      {
        resourceId: iface(ids, 'sts'),
        resourceType: 'AWS::EC2::VPCEndpoint',
        problem: `${iface(ids, 'sts')} (sts) is pendingAcceptance: it carries no traffic, and sts has no other available Interface endpoint in ${ids.vpcId}`,
        fix: {
          commands: [],
          decide: expect.stringMatching(
            /^vpce-\w+ waits for the owner of cn\.com\.amazonaws\.cn-north-1\.sts to accept it/,
          ),
          documentation: 'https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html',
        },
      },
    ]);
    expectDetailsCoverOffenders(outcome);
    expectValidCommands(outcome);
  });

  it('China: a name another VPC of the snapshot shows is written as it is', () => {
    const { snapshot, ids } = setUp('cn-north-1', 2);
    remove(snapshot, iface(ids, 'ecr.dkr'));
    const outcome = runRule(vpcEndpointsPresent, snapshot, {}, ids.name);
    expect(outcome.details[0]!.fix.commands).toEqual([
      interfaceCreate(ids, 'cn-north-1', 'cn.com.amazonaws.cn-north-1.ecr.dkr', ids.endpointSecurityGroupId),
    ]);
    expect(fixAndRerun(vpcEndpointsPresent, snapshot, outcome).outcome.compliance).toBe('COMPLIANT');
  });

  it('GovCloud, no Interface endpoint left: the security group comes first, once, then every endpoint', () => {
    const { snapshot, ids } = setUp('us-gov-west-1');
    snapshot.ec2.VpcEndpoints = snapshot.ec2.VpcEndpoints.filter(
      (e) => e.VpcEndpointId === ids.s3GatewayEndpointId,
    );
    const outcome = runRule(vpcEndpointsPresent, snapshot);
    expect(outcome.details.map((d) => d.problem)).toEqual(
      ['ec2', 'ecr.api', 'ecr.dkr', 'sts'].map(
        (service) =>
          `${ids.vpcId} has no VPC endpoint of ${service}: nodes without internet cannot reach ${service}`,
      ),
    );
    const variable = `ENDPOINT_SG_${ids.vpcId.slice(4).toUpperCase()}`;
    const groupLines = [
      `${variable}=$(aws ec2 create-security-group --region us-gov-west-1 --group-name private-eks-vpc-endpoints ` +
        `--description 'HTTPS from EKS nodes to VPC interface endpoints' --vpc-id ${ids.vpcId} --query GroupId --output text)`,
      `aws ec2 authorize-security-group-ingress --region us-gov-west-1 --group-id "$${variable}" --ip-permissions ` +
        `'[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"UserIdGroupPairs":[{"GroupId":"${ids.clusterSecurityGroupId}"}]}]'`,
    ];
    for (const [detail, service] of outcome.details.map(
      (d, i) => [d, ['ec2', 'ecr.api', 'ecr.dkr', 'sts'][i]!] as const,
    )) {
      // The same lines in every detail: a script of them all makes one group; any one detail alone still works.
      expect(detail.fix.commands).toEqual([
        ...groupLines,
        interfaceCreate(ids, 'us-gov-west-1', `com.amazonaws.us-gov-west-1.${service}`, `"$${variable}"`),
      ]);
    }
    expectDetailsCoverOffenders(outcome);
    expectValidCommands(outcome);
    expect(fixAndRerun(vpcEndpointsPresent, snapshot, outcome).outcome.compliance).toBe('COMPLIANT');
  });

  /** The routes of an s3 Gateway endpoint, which EC2 deletes with it. */
  const dropRoutesOf = (s: RawSnapshot, endpointId: string) => {
    for (const t of s.ec2.RouteTables) {
      t.Routes = (t.Routes as Json[]).filter((route) => route.GatewayId !== endpointId);
    }
  };

  it.each([
    [
      'removed',
      (s: RawSnapshot, ids: ClusterIds) => {
        remove(s, ids.s3GatewayEndpointId);
        dropRoutesOf(s, ids.s3GatewayEndpointId);
      },
      'vpc',
    ],
    [
      'deleting',
      (s: RawSnapshot, ids: ClusterIds) => (endpoint(s, ids.s3GatewayEndpointId).State = 'deleting'),
      'vpce',
    ],
  ])('s3 Gateway %s: a new Gateway endpoint on the node subnets’ route table', (state, mutate, resource) => {
    const { snapshot, ids } = setUp('eu-west-1');
    mutate(snapshot, ids);
    const outcome = runRule(vpcEndpointsPresent, snapshot);
    expect(outcome.details).toHaveLength(1);
    expect(outcome.details[0]!.resourceId).toBe(resource === 'vpc' ? ids.vpcId : ids.s3GatewayEndpointId);
    expect(outcome.details[0]!.fix).toEqual({
      commands: [
        `aws ec2 create-vpc-endpoint --region eu-west-1 --vpc-id ${ids.vpcId} --vpc-endpoint-type Gateway ` +
          `--service-name com.amazonaws.eu-west-1.s3 --route-table-ids ${ids.privateRouteTableId}`,
      ],
      documentation: 'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html',
    });
    expectDetailsCoverOffenders(outcome);
    if (state === 'deleting') {
      // While the old endpoint is deleting, its route still holds the s3 prefix list in the
      // table, and EC2 refuses a second one: the command works once the deletion is done.
      expect(() => fixAndRerun(vpcEndpointsPresent, snapshot, outcome)).toThrow(/RouteAlreadyExists/);
      dropRoutesOf(snapshot, ids.s3GatewayEndpointId);
    }
    expect(fixAndRerun(vpcEndpointsPresent, snapshot, outcome).outcome.compliance).toBe('COMPLIANT');
  });

  it.each([
    ['a Gateway ec2 endpoint', (e: Json) => (e.VpcEndpointType = 'Gateway')],
    ['a failed ec2 endpoint', (e: Json) => (e.State = 'failed')],
    ['a rejected ec2 endpoint', (e: Json) => (e.State = 'rejected')],
  ])('%s: the endpoint, and a new Interface endpoint in its place', (_, edit) => {
    const { snapshot, ids } = setUp('us-gov-west-1');
    edit(endpoint(snapshot, iface(ids, 'ec2')));
    const outcome = runRule(vpcEndpointsPresent, snapshot);
    expect(outcome.details).toEqual([
      expect.objectContaining({
        resourceId: iface(ids, 'ec2'),
        resourceType: 'AWS::EC2::VPCEndpoint',
        fix: expect.objectContaining({
          commands: [
            interfaceCreate(
              ids,
              'us-gov-west-1',
              'com.amazonaws.us-gov-west-1.ec2',
              ids.endpointSecurityGroupId,
            ),
          ],
        }),
      }),
    ]);
    expect(fixAndRerun(vpcEndpointsPresent, snapshot, outcome).outcome.compliance).toBe('COMPLIANT');
  });

  it('a pending endpoint: wait, not a second endpoint beside it', () => {
    const { snapshot, ids } = setUp('eu-west-1');
    endpoint(snapshot, iface(ids, 'ecr.api')).State = 'pending';
    const [detail] = runRule(vpcEndpointsPresent, snapshot).details;
    expect(detail!.fix.commands).toEqual([]);
    expect(detail!.fix.decide).toMatch(/is still being created: check again in a few minutes/);
  });

  it('turns the VPC DNS attributes on before an endpoint with private DNS', () => {
    const { snapshot, ids } = setUp('eu-west-1');
    remove(snapshot, iface(ids, 'sts'));
    snapshot.ec2.VpcAttributes[ids.vpcId] = {
      EnableDnsSupport: { Value: true },
      EnableDnsHostnames: { Value: false },
    };
    const outcome = runRule(vpcEndpointsPresent, snapshot);
    expect(outcome.details[0]!.fix.commands).toEqual([
      `aws ec2 modify-vpc-attribute --region eu-west-1 --vpc-id ${ids.vpcId} --enable-dns-hostnames`,
      interfaceCreate(ids, 'eu-west-1', 'com.amazonaws.eu-west-1.sts', ids.endpointSecurityGroupId),
    ]);
    expectValidCommands(outcome);
  });

  it('builds no fix for a compliant cluster', () => {
    const build = jest.spyOn(endpointCommands, 'createEndpointFix');
    try {
      const { snapshot } = setUp('eu-west-1');
      expect(runRule(vpcEndpointsPresent, snapshot).compliance).toBe('COMPLIANT');
      expect(build).not.toHaveBeenCalled();
      // The spy does see the rule's calls: a failing cluster makes one.
      snapshot.ec2.VpcEndpoints.pop();
      expect(runRule(vpcEndpointsPresent, snapshot).compliance).toBe('NON_COMPLIANT');
      expect(build).toHaveBeenCalledTimes(1);
    } finally {
      build.mockRestore();
    }
  });
});
