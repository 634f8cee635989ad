import { networkAcls } from '../../rules/network-acls';
import type { ClusterIds, RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { all, withoutSection, type Json } from '../../testkit/snapshot-edits';

type Mutation = (s: RawSnapshot, ids: ClusterIds) => void;
type Acl = Json & { Entries: Json[]; Associations: Json[] };

const UNKNOWN_SUBNET = 'subnet-0fff0000000000fff';
const ENDPOINT_SUBNET = 'subnet-0e00000000000e001';
const ENDPOINT_ACL = 'acl-0e00000000000e001';

function acl(s: RawSnapshot, id: string): Acl {
  const found = s.ec2.NetworkAcls.find((a) => a.NetworkAclId === id);
  if (!found) throw new Error(`no ACL ${id}`);
  return found as Acl;
}

function entry(s: RawSnapshot, aclId: string, egress: boolean, ruleNumber: number): Json {
  const found = acl(s, aclId).Entries.find((e) => e.Egress === egress && e.RuleNumber === ruleNumber);
  if (!found) throw new Error(`no entry ${ruleNumber} in ${aclId}`);
  return found;
}

function insertEntry(s: RawSnapshot, aclId: string, fields: Json): void {
  acl(s, aclId).Entries.push({ RuleAction: 'deny', CidrBlock: '0.0.0.0/0', ...fields });
}

const denyHttpsIn: Mutation = (s, ids) =>
  insertEntry(s, ids.networkAclId, {
    RuleNumber: 90,
    Egress: false,
    Protocol: '6',
    PortRange: { From: 443, To: 443 },
  });

/** A fourth subnet holding only the ecr.dkr endpoint, behind an ACL that denies everything. */
function endpointBehindClosedAcl(state: string | undefined): Mutation {
  return (s, ids) => {
    s.ec2.Subnets.push({
      SubnetId: ENDPOINT_SUBNET,
      VpcId: ids.vpcId,
      CidrBlock: '10.0.96.0/24',
      AvailabilityZone: 'eu-west-1a',
      Tags: [],
    });
    s.ec2.NetworkAcls.push({
      NetworkAclId: ENDPOINT_ACL,
      VpcId: ids.vpcId,
      IsDefault: false,
      Associations: [{ NetworkAclId: ENDPOINT_ACL, SubnetId: ENDPOINT_SUBNET }],
      Entries: [true, false].map((Egress) => ({
        RuleNumber: 32767,
        Egress,
        Protocol: '-1',
        RuleAction: 'deny',
        CidrBlock: '0.0.0.0/0',
      })),
    });
    const target = s.ec2.VpcEndpoints.find((e) => e.VpcEndpointId === ids.interfaceEndpointIds['ecr.dkr'])!;
    target.SubnetIds = [ENDPOINT_SUBNET];
    if (state === undefined) delete target.State;
    else target.State = state;
  };
}

const removeAcl =
  (pick: (ids: ClusterIds) => string): Mutation =>
  (s, ids) => {
    s.ec2.NetworkAcls = s.ec2.NetworkAcls.filter((a) => a.NetworkAclId !== pick(ids));
  };

const cases: RuleCase[] = [
  {
    name: 'compliant fixture (24 distinct flows: endpoint and API server flows coincide)',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: () => /allow all 24 required subnet-to-subnet flows and their replies on ports 1024-65535/,
  },
  {
    name: 'deny tcp/443 inbound inserted before the allow',
    mutate: denyHttpsIn,
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      new RegExp(
        // One cause per peer CIDR, each naming its first flow and counting the others.
        `^${ids.networkAclId} ingress denies tcp/443 from 10\\.0\\.0\\.0/19: subnet-\\S+ → subnet-\\S+ tcp/443 \\(API server, vpce-\\S+ \\(ec2\\).*\\) and 1 more flow … \\(\\+2 more\\)$`,
      ),
    notAnnotation: /10250|\/53|replies/,
  },
  {
    name: 'deny tcp/443 outbound inserted before the allow',
    mutate: (s, ids) =>
      insertEntry(s, ids.networkAclId, {
        RuleNumber: 99,
        Egress: true,
        Protocol: 'tcp',
        PortRange: { From: 443, To: 443 },
      }),
    expected: 'NON_COMPLIANT',
    annotation: (ids) => new RegExp(`${ids.networkAclId} egress denies tcp/443 to 10\\.0\\.\\d+\\.0/19`),
  },
  {
    name: 'deny after the allow changes nothing',
    mutate: (s, ids) =>
      insertEntry(s, ids.networkAclId, {
        RuleNumber: 101,
        Egress: false,
        Protocol: '6',
        PortRange: { From: 443, To: 443 },
      }),
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'outbound tcp reply range narrowed to 32768-60999',
    mutate: (s, ids) => (entry(s, ids.networkAclId, true, 140).PortRange = { From: 32768, To: 60999 }),
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      new RegExp(`${ids.networkAclId} egress denies replies tcp/1024-65535 to 10\\.0\\.\\d+\\.0/19`),
    notAnnotation: /udp/,
  },
  {
    name: 'the same narrowing with ephemeralPorts=32768-60999',
    mutate: (s, ids) => (entry(s, ids.networkAclId, true, 140).PortRange = { From: 32768, To: 60999 }),
    params: { ephemeralPorts: '32768-60999' },
    expected: 'COMPLIANT',
    annotation: () => /replies on ports 32768-60999/,
  },
  {
    name: 'inbound udp reply range narrowed: CoreDNS over udp fails',
    mutate: (s, ids) => (entry(s, ids.networkAclId, false, 150).PortRange = { From: 49152, To: 65535 }),
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      new RegExp(
        `^${ids.networkAclId} ingress denies replies udp/1024-65535 from 10\\.0\\.\\d+\\.0/19: subnet-\\S+ → subnet-\\S+ udp/53 \\(CoreDNS\\)`,
      ),
    notAnnotation: /tcp/,
  },
  {
    name: 'inbound tcp/443 allowed from the first subnet only (a partial allow fails)',
    mutate: (s, ids) => (entry(s, ids.networkAclId, false, 100).CidrBlock = '10.0.0.0/19'),
    expected: 'NON_COMPLIANT',
    annotation: () => new RegExp(`ingress denies tcp/443 from 10\\.0\\.(32|64)\\.0/19`),
    notAnnotation: /from 10\.0\.0\.0\/19/,
  },
  {
    name: 'inbound tcp/443 allowed for a /16 split into two /17 entries',
    mutate: (s, ids) => {
      entry(s, ids.networkAclId, false, 100).CidrBlock = '10.0.0.0/17';
      insertEntry(s, ids.networkAclId, {
        RuleNumber: 101,
        Egress: false,
        Protocol: '6',
        RuleAction: 'allow',
        CidrBlock: '10.0.128.0/17',
        PortRange: { From: 443, To: 443 },
      });
    },
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'inbound tcp/443 allowed only for IPv6 (never matches IPv4 subnets)',
    mutate: (s, ids) => {
      const allow = entry(s, ids.networkAclId, false, 100);
      delete allow.CidrBlock;
      allow.Ipv6CidrBlock = '::/0';
    },
    expected: 'NON_COMPLIANT',
    annotation: (ids) => new RegExp(`${ids.networkAclId} ingress denies tcp/443 from`),
  },
  {
    name: 'an IPv6 deny before the allow does not block IPv4 traffic',
    mutate: (s, ids) =>
      acl(s, ids.networkAclId).Entries.push({
        RuleNumber: 90,
        Egress: false,
        Protocol: '-1',
        RuleAction: 'deny',
        Ipv6CidrBlock: '::/0',
      }),
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'the associated ACL is missing: the subnets fall back to the default ACL (allow all)',
    mutate: removeAcl((ids) => ids.networkAclId),
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'the associated ACL is missing and the default ACL denies everything',
    mutate: (s, ids) => {
      removeAcl((i) => i.networkAclId)(s, ids);
      acl(s, ids.defaultNetworkAclId).Entries = acl(s, ids.defaultNetworkAclId).Entries.filter(
        (e) => e.RuleAction !== 'allow',
      );
    },
    expected: 'NON_COMPLIANT',
    annotation: (ids) => new RegExp(`${ids.defaultNetworkAclId} egress denies`),
  },
  {
    name: 'the associated ACL and the default ACL are both missing',
    mutate: all(
      removeAcl((ids) => ids.networkAclId),
      removeAcl((ids) => ids.defaultNetworkAclId),
    ),
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) => new RegExp(`no default network ACL of ${ids.vpcId} in ec2\\.NetworkAcls`),
  },
  {
    name: 'a node subnet (parameter) missing from ec2.Subnets',
    mutate: () => {},
    params: { nodeSubnetIds: UNKNOWN_SUBNET },
    expected: 'INSUFFICIENT_DATA',
    annotation: () => new RegExp(`${UNKNOWN_SUBNET} is not in ec2\\.Subnets`),
  },
  {
    name: 'a cluster subnet missing from ec2.Subnets (its ACL association still known)',
    mutate: (s, ids) => {
      s.ec2.Subnets = s.ec2.Subnets.filter((n) => n.SubnetId !== ids.subnetIds[2]);
    },
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) => new RegExp(`${ids.subnetIds[2]} is not in ec2\\.Subnets`),
  },
  {
    name: 'a missing subnet does not hide a definite denial',
    mutate: denyHttpsIn,
    params: { nodeSubnetIds: UNKNOWN_SUBNET },
    expected: 'NON_COMPLIANT',
    annotation: (ids) => new RegExp(`${ids.networkAclId} ingress denies tcp/443`),
  },
  {
    name: 'a node group without subnets (the node subnets cannot be listed)',
    mutate: (s) => delete s.eks.nodegroups['prod-0']![0]!.subnets,
    expected: 'INSUFFICIENT_DATA',
    annotation: () => /cannot list every subnet: node group prod-0-general has no subnets/,
  },
  {
    name: 'requiredServices= with no ec2.VpcEndpoints still evaluates (compliant)',
    mutate: withoutSection('VpcEndpoints'),
    params: { requiredServices: '' },
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'requiredServices= with no ec2.VpcEndpoints still evaluates (violation)',
    mutate: all(withoutSection('VpcEndpoints'), denyHttpsIn),
    params: { requiredServices: '' },
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      new RegExp(
        `^${ids.networkAclId} ingress denies tcp/443 from 10\\.0\\.0\\.0/19: subnet-\\S+ → subnet-\\S+ tcp/443 \\(API server\\)`,
      ),
  },
  {
    name: 'required services and no ec2.VpcEndpoints',
    mutate: withoutSection('VpcEndpoints'),
    expected: 'INSUFFICIENT_DATA',
    annotation: () => /snapshot has no ec2\.VpcEndpoints/,
  },
  {
    name: 'no ec2.NetworkAcls',
    mutate: withoutSection('NetworkAcls'),
    expected: 'INSUFFICIENT_DATA',
    annotation: () => /snapshot has no ec2\.NetworkAcls/,
  },
  {
    name: 'no ec2.Subnets',
    mutate: withoutSection('Subnets'),
    expected: 'INSUFFICIENT_DATA',
    annotation: () => /snapshot has no ec2\.Subnets/,
  },
  {
    name: 'an endpoint in a subnet whose ACL denies everything',
    mutate: endpointBehindClosedAcl('available'),
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      new RegExp(
        `^${ENDPOINT_ACL} ingress denies tcp/443 from 10\\.0\\.0\\.0/19: subnet-\\S+ → ${ENDPOINT_SUBNET} tcp/443 \\(${ids.interfaceEndpointIds['ecr.dkr']} \\(ecr\\.dkr\\)\\)(;| …)`,
      ),
  },
  {
    name: 'an endpoint in a fourth subnet under the default ACL (3 more flows, all allowed)',
    mutate: (s, ids) => {
      endpointBehindClosedAcl('available')(s, ids);
      removeAcl(() => ENDPOINT_ACL)(s, ids);
    },
    expected: 'COMPLIANT',
    annotation: () => /allow all 27 required/,
  },
  {
    name: 'that endpoint failed (not judged)',
    mutate: endpointBehindClosedAcl('failed'),
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'that endpoint without a State (membership unknown)',
    mutate: endpointBehindClosedAcl(undefined),
    expected: 'INSUFFICIENT_DATA',
    annotation: () =>
      new RegExp(
        `^${ENDPOINT_ACL} ingress denies tcp/443 from 10\\.0\\.0\\.0/19, if the endpoint is judged: subnet-\\S+ → ${ENDPOINT_SUBNET} tcp/443 \\(vpce-\\S+ \\(ecr\\.dkr\\)\\)`,
      ),
  },
  {
    name: 'that endpoint of a service that is not required',
    mutate: endpointBehindClosedAcl('available'),
    params: { requiredServices: 'ec2,sts' },
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'cluster deleting',
    mutate: all(denyHttpsIn, (s) => (s.eks.clusters[0]!.status = 'DELETING')),
    expected: 'NOT_APPLICABLE',
    annotation: () => /being deleted/,
  },
  {
    name: 'names the denying ACL as the offender',
    mutate: denyHttpsIn,
    expected: 'NON_COMPLIANT',
    offenders: (ids) => [ids.networkAclId],
  },
  {
    name: 'blames only the ACL of the subnet that has its own, stricter ACL',
    // The third subnet moves to its own ACL that allows only inbound tcp/10250 and outbound replies.
    mutate: (s, cluster) => {
      const own = acl(s, cluster.networkAclId);
      own.Associations = own.Associations.filter((a) => a.SubnetId !== cluster.subnetIds[2]);
      s.ec2.NetworkAcls.push({
        NetworkAclId: ENDPOINT_ACL,
        VpcId: cluster.vpcId,
        Associations: [{ SubnetId: cluster.subnetIds[2] }],
        Entries: [
          {
            RuleNumber: 10,
            Egress: false,
            Protocol: '6',
            RuleAction: 'allow',
            CidrBlock: '10.0.0.0/16',
            PortRange: { From: 10250, To: 10250 },
          },
          {
            RuleNumber: 10,
            Egress: true,
            Protocol: '6',
            RuleAction: 'allow',
            CidrBlock: '10.0.0.0/16',
            PortRange: { From: 1024, To: 65535 },
          },
        ],
      });
    },
    expected: 'NON_COMPLIANT',
    annotation: (cluster) =>
      new RegExp(
        `^${ENDPOINT_ACL} ingress denies tcp/443 from 10\\.0\\.0\\.0/19: ${cluster.subnetIds[0]} → ${cluster.subnetIds[2]} tcp/443 \\(API server, `,
      ),
    // The shared ACL of the other two subnets allows everything they need.
    offenders: [ENDPOINT_ACL],
  },
];

describeRule(networkAcls, cases);
