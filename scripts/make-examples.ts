/*
 * Generates examples/*.json from the shared fixture builder, so the shipped snapshots keep the
 * raw AWS API shapes the tests use, and each planted drift is one small, named edit.
 *
 * Regenerate: UPDATE_EXAMPLES=1 npx jest test/examples.test.ts
 * (test/examples.test.ts fails whenever the committed files differ from what this generates).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addPrivateCluster,
  emptySnapshot,
  type ClusterIds,
  type ClusterOptions,
  type RawSnapshot,
} from '../testkit/private-cluster';

type Json = Record<string, unknown>;

export const EXAMPLE_FILES = [
  'compliant-private-cluster.json',
  'drifted-account.json',
  'china-region.json',
] as const;
export type ExampleFile = (typeof EXAMPLE_FILES)[number];

// ---- small editing helpers ------------------------------------------------------------------

function byId(list: Json[], key: string, id: string): Json {
  const found = list.find((item) => item[key] === id);
  if (!found) throw new Error(`example generator: no ${key} ${id}`);
  return found;
}

const subnet = (s: RawSnapshot, id: string) => byId(s.ec2.Subnets, 'SubnetId', id);
const endpoint = (s: RawSnapshot, id: string) => byId(s.ec2.VpcEndpoints, 'VpcEndpointId', id);
const securityGroup = (s: RawSnapshot, id: string) => byId(s.ec2.SecurityGroups, 'GroupId', id);
const routeTable = (s: RawSnapshot, id: string) => byId(s.ec2.RouteTables, 'RouteTableId', id);
const networkAcl = (s: RawSnapshot, id: string) => byId(s.ec2.NetworkAcls, 'NetworkAclId', id);
const dhcpOptions = (s: RawSnapshot, id: string) => byId(s.ec2.DhcpOptions, 'DhcpOptionsId', id);
const cluster = (s: RawSnapshot, name: string) => byId(s.eks.clusters, 'name', name);
const vpcConfig = (s: RawSnapshot, name: string) => cluster(s, name).resourcesVpcConfig as Json;

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
}

/** Real AZ ids (`euw1-az1`); the fixture's are placeholders. */
const AZ_ID_PREFIX: Record<string, string> = {
  'eu-west-1': 'euw1',
  'us-east-1': 'use1',
  'cn-northwest-1': 'cnnw1',
};

/** The cluster's API server URL as DescribeCluster returns it (China: `.amazonaws.com.cn`). */
function apiServerUrl(region: string, name: string): string {
  const suffix = region.startsWith('cn-') ? '.cn' : '';
  return `https://${hex(name, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com${suffix}`;
}

function addCluster(s: RawSnapshot, options: ClusterOptions & { name: string }): ClusterIds {
  const ids = addPrivateCluster(s, options);
  cluster(s, options.name).endpoint = apiServerUrl(s.region, options.name);
  for (const group of s.eks.nodegroups[options.name] ?? []) {
    group.nodegroupArn = String(group.nodegroupArn).replace(
      /[0-9a-f-]{36}$/,
      uuid(String(group.nodegroupName)),
    );
  }
  const azPrefix = AZ_ID_PREFIX[s.region];
  ids.subnetIds.forEach((id, n) => {
    if (azPrefix) subnet(s, id).AvailabilityZoneId = `${azPrefix}-az${n + 1}`;
  });
  return ids;
}

// ---- examples ---------------------------------------------------------------------------------

/** One private cluster that passes every rule, with a Fargate profile for kube-system. */
function compliantPrivateCluster(): RawSnapshot {
  const s = emptySnapshot('eu-west-1', '111122223333');
  const name = 'platform-prod';
  const ids = addCluster(s, {
    name,
    index: 0,
    interfaceServices: ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 'logs'],
  });
  s.eks.fargateProfiles = {
    [name]: [
      {
        fargateProfileName: 'kube-system',
        fargateProfileArn: `arn:aws:eks:${s.region}:${s.accountId}:fargateprofile/${name}/kube-system/${uuid(name)}`,
        clusterName: name,
        createdAt: '2026-01-15T09:40:00.000Z',
        podExecutionRoleArn: `arn:aws:iam::${s.accountId}:role/${name}-fargate-pod-execution`,
        subnets: ids.subnetIds.slice(0, 2),
        selectors: [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }],
        status: 'ACTIVE',
        tags: {},
      },
    ],
  };
  return s;
}

/** Five clusters, each in its own VPC: four with planted drift, one compliant (ledger-prod). */
function driftedAccount(): RawSnapshot {
  const s = emptySnapshot('us-east-1', '444455556666');

  // payments-prod: endpoint drift.
  const payments = addCluster(s, { name: 'payments-prod', index: 0 });
  endpoint(s, payments.interfaceEndpointIds['ecr.dkr']!).State = 'deleted';
  endpoint(s, payments.interfaceEndpointIds['sts']!).State = 'pendingAcceptance';
  // Someone narrowed the endpoint group to two subnets' CIDRs and forgot the third.
  const endpointIngress = (securityGroup(s, payments.endpointSecurityGroupId).IpPermissions as Json[])[0]!;
  endpointIngress.IpRanges = payments.subnetIds.slice(0, 2).map((id) => ({
    CidrIp: subnet(s, id).CidrBlock,
    Description: `nodes in ${String(subnet(s, id).AvailabilityZone)}`,
  }));

  // checkout-prod: DNS and egress drift.
  const checkout = addCluster(s, { name: 'checkout-prod', index: 1 });
  const dhcp = dhcpOptions(s, checkout.dhcpOptionsId);
  dhcp.DhcpConfigurations = (dhcp.DhcpConfigurations as Json[]).filter((c) => c.Key !== 'domain-name');
  Object.assign(vpcConfig(s, 'checkout-prod'), {
    endpointPublicAccess: true,
    publicAccessCidrs: ['0.0.0.0/0'],
  });
  (routeTable(s, checkout.privateRouteTableId).Routes as Json[]).push({
    DestinationCidrBlock: '0.0.0.0/0',
    NatGatewayId: 'nat-0b3e9f1c2a7d64e85',
    Origin: 'CreateRoute',
    State: 'active',
  });

  // search-prod: subnet and NACL drift.
  const search = addCluster(s, { name: 'search-prod', index: 2 });
  const acl = networkAcl(s, search.networkAclId);
  acl.Entries = [
    {
      RuleNumber: 90,
      Egress: false,
      Protocol: '6',
      RuleAction: 'deny',
      CidrBlock: byId(s.ec2.Vpcs, 'VpcId', search.vpcId).CidrBlock,
      PortRange: { From: 443, To: 443 },
    },
    ...(acl.Entries as Json[]),
  ];
  subnet(s, search.subnetIds[2]!).AvailableIpAddressCount = 3;
  const tagged = subnet(s, search.subnetIds[1]!);
  tagged.Tags = (tagged.Tags as Json[]).filter((t) => t.Key !== 'kubernetes.io/role/internal-elb');

  addCluster(s, { name: 'ledger-prod', index: 3 });

  // batch-staging: private DNS, S3 routing and VPC DNS drift.
  const batch = addCluster(s, { name: 'batch-staging', index: 4 });
  endpoint(s, batch.interfaceEndpointIds['ecr.api']!).PrivateDnsEnabled = false;
  endpoint(s, batch.s3GatewayEndpointId).RouteTableIds = [];
  const batchRoutes = routeTable(s, batch.privateRouteTableId);
  batchRoutes.Routes = (batchRoutes.Routes as Json[]).filter(
    (r) => r.GatewayId !== batch.s3GatewayEndpointId,
  );
  s.ec2.VpcAttributes[batch.vpcId] = {
    EnableDnsSupport: { Value: true },
    EnableDnsHostnames: { Value: false },
  };
  return s;
}

/** An aws-cn account: `cn.com.amazonaws.` service names, partition left to the Region. */
function chinaRegion(): RawSnapshot {
  const s = emptySnapshot('cn-northwest-1', '555566667777');
  const ids = addCluster(s, {
    name: 'factory-prod',
    index: 0,
    interfaceServices: ['ec2', 'ecr.api', 'ecr.dkr'],
  });
  // Self-hosted resolvers that do not forward to the Route 53 Resolver.
  const servers = (dhcpOptions(s, ids.dhcpOptionsId).DhcpConfigurations as Json[]).find(
    (c) => c.Key === 'domain-name-servers',
  )!;
  servers.Values = [{ Value: '10.0.0.10' }, { Value: '10.0.32.10' }];
  // The ecr.dkr endpoint was created in two of the three Availability Zones.
  endpoint(s, ids.interfaceEndpointIds['ecr.dkr']!).SubnetIds = ids.subnetIds.slice(0, 2);
  return s;
}

export function buildExamples(): Record<ExampleFile, RawSnapshot> {
  return {
    'compliant-private-cluster.json': compliantPrivateCluster(),
    'drifted-account.json': driftedAccount(),
    'china-region.json': chinaRegion(),
  };
}

// ---- rendering ----------------------------------------------------------------------------------

/** The fixture's systematic ids (`vpc-0e000000000000000`) and their kinds. */
const FIXTURE_ID =
  /\b(vpc-cidr-assoc|rtbassoc|aclassoc|subnet|vpce|dopt|vpc|rtb|acl|eni|sg)-0[0-9a-f]{16}\b/g;

/**
 * Pretty JSON, with the fixture's systematic ids swapped for random-looking ones (stable per
 * file), so the examples read like a real capture.
 */
export function renderExample(file: string, snapshot: RawSnapshot): string {
  const text = JSON.stringify(snapshot, null, 2);
  const renamed = new Map<string, string>();
  const out = text.replace(FIXTURE_ID, (id, kind: string) => {
    let name = renamed.get(id);
    if (!name) {
      name = `${kind}-0${hex(`${file} ${id}`, 16)}`;
      renamed.set(id, name);
    }
    return name;
  });
  if (new Set(renamed.values()).size !== renamed.size) throw new Error(`example ${file}: id collision`);
  return out + '\n';
}

export function writeExamples(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, snapshot] of Object.entries(buildExamples())) {
    writeFileSync(join(dir, file), renderExample(file, snapshot));
  }
}

if (require.main === module) writeExamples(process.argv[2] ?? 'examples');
