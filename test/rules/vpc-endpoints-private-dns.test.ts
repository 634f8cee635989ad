import { vpcEndpointsPrivateDns } from '../../rules/vpc-endpoints-private-dns';
import type { ClusterIds, RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { endpoint, iface, type Json } from '../../testkit/snapshot-edits';

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
