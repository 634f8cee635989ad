import { vpcEndpointsPresent } from '../../rules/vpc-endpoints-present';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { endpoint, iface, type Json } from '../../testkit/snapshot-edits';

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
