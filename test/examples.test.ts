import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateSnapshot } from '../engine/evaluate';
import type { Compliance, Finding } from '../engine/findings';
import { parseParams } from '../engine/params';
import { RULES } from '../rules';
import { buildExamples, EXAMPLE_FILES, renderExample, type ExampleFile } from '../scripts/make-examples';
import { parseSnapshotText } from '../snapshot/load';
import type { Snapshot } from '../snapshot/schema';
import { SnapshotView } from '../snapshot/view';

/*
 * The shipped example snapshots, run through the whole engine path exactly as the CLI does:
 * each planted drift must show up as NON_COMPLIANT on exactly the rule meant, and nothing
 * else may move. The files must be what scripts/make-examples.ts generates.
 */

const EXAMPLES_DIR = join(__dirname, '..', 'examples');

if (process.env.UPDATE_EXAMPLES) {
  const built = buildExamples();
  for (const file of EXAMPLE_FILES) writeFileSync(join(EXAMPLES_DIR, file), renderExample(file, built[file]));
}

type Expectation = Partial<Record<string, Compliance>>;

/** Per example and cluster: the rules that are not COMPLIANT, and what they are. */
const EXPECTED: Record<ExampleFile, Record<string, Expectation>> = {
  'compliant-private-cluster.json': {
    'platform-prod': {},
  },
  'drifted-account.json': {
    'payments-prod': {
      VPC_ENDPOINTS_PRESENT: 'NON_COMPLIANT',
      VPC_ENDPOINTS_SECURITY_GROUPS: 'NON_COMPLIANT',
    },
    'checkout-prod': {
      DHCP_OPTIONS_COMPLETE: 'NON_COMPLIANT',
      ENDPOINT_PUBLIC_ACCESS: 'NON_COMPLIANT',
      SUBNETS_PRIVATE: 'NON_COMPLIANT',
    },
    'search-prod': {
      NETWORK_ACLS: 'NON_COMPLIANT',
      SUBNETS_FREE_IPS: 'NON_COMPLIANT',
      SUBNETS_INTERNAL_ELB_TAG: 'NON_COMPLIANT',
    },
    'ledger-prod': {},
    'batch-staging': {
      VPC_ENDPOINTS_PRIVATE_DNS: 'NON_COMPLIANT',
      S3_GATEWAY_ROUTES: 'NON_COMPLIANT',
      VPC_DNS_ATTRIBUTES: 'NON_COMPLIANT',
    },
  },
  'china-region.json': {
    'factory-prod': {
      VPC_ENDPOINTS_PRESENT: 'NON_COMPLIANT',
      VPC_ENDPOINTS_AZ_COVERAGE: 'NON_COMPLIANT',
      DNS_RESOLVER_AMAZON: 'NON_COMPLIANT',
    },
  },
};

interface Loaded {
  text: string;
  snapshot: Snapshot;
  findings: Finding[];
}

const loaded = new Map<ExampleFile, Loaded>();
function load(file: ExampleFile): Loaded {
  let result = loaded.get(file);
  if (!result) {
    const text = readFileSync(join(EXAMPLES_DIR, file), 'utf8');
    const snapshot = parseSnapshotText(text, file);
    const findings = evaluateSnapshot(new SnapshotView(snapshot), RULES, parseParams({}));
    result = { text, snapshot, findings };
    loaded.set(file, result);
  }
  return result;
}

function finding(file: ExampleFile, cluster: string, ruleId: string): Finding {
  const found = load(file).findings.find((f) => f.resourceId === cluster && f.ruleId === ruleId);
  if (!found) throw new Error(`${file}: no finding for ${cluster} ${ruleId}`);
  return found;
}

// Ids in the files are generated; tests find resources by the names and services they carry.
const nameTag = (tags: { Key?: string; Value?: string }[]) => tags.find((t) => t.Key === 'Name')?.Value;
function subnetNamed(file: ExampleFile, name: string): string {
  const subnet = load(file).snapshot.ec2!.Subnets!.find((s) => nameTag(s.Tags) === name);
  if (!subnet) throw new Error(`${file}: no subnet ${name}`);
  return subnet.SubnetId;
}
function groupNamed(file: ExampleFile, name: string): string {
  const group = load(file).snapshot.ec2!.SecurityGroups!.find((g) => g.GroupName === name);
  if (!group) throw new Error(`${file}: no security group ${name}`);
  return group.GroupId;
}
function vpcOf(file: ExampleFile, cluster: string) {
  const vpcId = load(file).snapshot.eks.clusters.find((c) => c.name === cluster)!.resourcesVpcConfig.vpcId;
  return load(file).snapshot.ec2!.Vpcs!.find((v) => v.VpcId === vpcId)!;
}
function endpointFor(file: ExampleFile, cluster: string, service: string): string {
  const { snapshot } = load(file);
  const vpcId = vpcOf(file, cluster).VpcId;
  const found = snapshot.ec2!.VpcEndpoints!.find(
    (e) => e.VpcId === vpcId && e.ServiceName?.endsWith(`.${snapshot.region}.${service}`),
  );
  if (!found) throw new Error(`${file}: no ${service} endpoint for ${cluster}`);
  return found.VpcEndpointId;
}

const matrix = EXAMPLE_FILES.flatMap((file) =>
  Object.entries(EXPECTED[file]).map(([cluster, expectation]) => ({ file, cluster, expectation })),
);

describe('example snapshots', () => {
  it.each(EXAMPLE_FILES.map((file) => ({ file })))(
    '$file is what scripts/make-examples.ts generates',
    ({ file }) => {
      expect(load(file).text).toBe(renderExample(file, buildExamples()[file]));
    },
  );

  it.each(EXAMPLE_FILES.map((file) => ({ file })))(
    '$file holds exactly the clusters of the table',
    ({ file }) => {
      expect(
        load(file)
          .snapshot.eks.clusters.map((c) => c.name)
          .sort(),
      ).toEqual(Object.keys(EXPECTED[file]).sort());
      expect(load(file).findings).toHaveLength(16 * Object.keys(EXPECTED[file]).length);
    },
  );

  it.each(matrix)('$file $cluster: every rule as planted', ({ file, cluster, expectation }) => {
    const actual = Object.fromEntries(
      load(file)
        .findings.filter((f) => f.resourceId === cluster)
        .map((f) => [f.ruleId, f.compliance]),
    );
    const expected = Object.fromEntries(RULES.map((r) => [r.meta.id, expectation[r.meta.id] ?? 'COMPLIANT']));
    expect(actual).toEqual(expected);
  });

  it.each(EXAMPLE_FILES.map((file) => ({ file })))('$file: annotations fit AWS Config', ({ file }) => {
    for (const f of load(file).findings) {
      expect(f.annotation.length).toBeGreaterThan(0);
      expect(f.annotation.length).toBeLessThanOrEqual(256);
      expect(f.annotation).not.toMatch(/internal error/);
    }
  });

  it('the compliant example has no NON_COMPLIANT and no INSUFFICIENT_DATA finding', () => {
    const compliance = new Set(load('compliant-private-cluster.json').findings.map((f) => f.compliance));
    expect(compliance).toEqual(new Set(['COMPLIANT']));
  });

  it('the drifted account has at least three drifted clusters in their own VPCs and one compliant cluster', () => {
    const { snapshot, findings } = load('drifted-account.json');
    const vpcs = snapshot.eks.clusters.map((c) => c.resourcesVpcConfig.vpcId);
    expect(new Set(vpcs).size).toBe(vpcs.length);
    const drifted = new Set(
      findings.filter((f) => f.compliance === 'NON_COMPLIANT').map((f) => f.resourceId),
    );
    expect(drifted.size).toBeGreaterThanOrEqual(3);
    expect(snapshot.eks.clusters.length - drifted.size).toBeGreaterThanOrEqual(1);
  });

  it('the China example is aws-cn by its Region alone, with cn.com.amazonaws services', () => {
    const { text, snapshot, findings } = load('china-region.json');
    expect(JSON.parse(text)).not.toHaveProperty('partition');
    expect(snapshot.region).toBe('cn-northwest-1');
    expect(new SnapshotView(snapshot).partition).toBe('aws-cn');
    for (const f of findings)
      expect(f.clusterArn).toMatch(/^arn:aws-cn:eks:cn-northwest-1:\d{12}:cluster\/factory-prod$/);
    const services = snapshot.ec2!.VpcEndpoints!.map((e) => e.ServiceName).sort();
    expect(services).toEqual([
      'cn.com.amazonaws.cn-northwest-1.ecr.api',
      'cn.com.amazonaws.cn-northwest-1.ecr.dkr',
      'com.amazonaws.cn-northwest-1.ec2',
      'com.amazonaws.cn-northwest-1.s3',
    ]);
  });
});

/** What each planted drift's annotation must name: the offending resources, in plain words. */
const DRIFTS: { file: ExampleFile; cluster: string; ruleId: string; mentions: () => (string | RegExp)[] }[] =
  [
    {
      file: 'drifted-account.json',
      cluster: 'payments-prod',
      ruleId: 'VPC_ENDPOINTS_PRESENT',
      mentions: () => [
        'ecr.dkr',
        'sts',
        endpointFor('drifted-account.json', 'payments-prod', 'ecr.dkr'),
        endpointFor('drifted-account.json', 'payments-prod', 'sts'),
        /pendingacceptance/i,
        /deleted/,
      ],
    },
    {
      file: 'drifted-account.json',
      cluster: 'payments-prod',
      ruleId: 'VPC_ENDPOINTS_SECURITY_GROUPS',
      mentions: () => [
        groupNamed('drifted-account.json', 'payments-prod-vpc-endpoints'),
        'tcp/443',
        subnetNamed('drifted-account.json', 'payments-prod-private-c'),
      ],
    },
    {
      file: 'drifted-account.json',
      cluster: 'checkout-prod',
      ruleId: 'DHCP_OPTIONS_COMPLETE',
      mentions: () => [vpcOf('drifted-account.json', 'checkout-prod').DhcpOptionsId, 'domain-name'],
    },
    {
      file: 'drifted-account.json',
      cluster: 'checkout-prod',
      ruleId: 'ENDPOINT_PUBLIC_ACCESS',
      mentions: () => ['checkout-prod', /public .*(access|endpoint).* on/i],
    },
    {
      file: 'drifted-account.json',
      cluster: 'checkout-prod',
      ruleId: 'SUBNETS_PRIVATE',
      mentions: () => ['nat-0b3e9f1c2a7d64e85'],
    },
    {
      file: 'drifted-account.json',
      cluster: 'search-prod',
      ruleId: 'NETWORK_ACLS',
      mentions: () => [/acl-0[0-9a-f]{16}/, /443/],
    },
    {
      file: 'drifted-account.json',
      cluster: 'search-prod',
      ruleId: 'SUBNETS_FREE_IPS',
      mentions: () => [subnetNamed('drifted-account.json', 'search-prod-private-c'), /\b3\b/],
    },
    {
      file: 'drifted-account.json',
      cluster: 'search-prod',
      ruleId: 'SUBNETS_INTERNAL_ELB_TAG',
      mentions: () => [
        subnetNamed('drifted-account.json', 'search-prod-private-b'),
        'kubernetes.io/role/internal-elb',
      ],
    },
    {
      file: 'drifted-account.json',
      cluster: 'batch-staging',
      ruleId: 'VPC_ENDPOINTS_PRIVATE_DNS',
      mentions: () => [endpointFor('drifted-account.json', 'batch-staging', 'ecr.api')],
    },
    {
      file: 'drifted-account.json',
      cluster: 'batch-staging',
      ruleId: 'S3_GATEWAY_ROUTES',
      mentions: () => [endpointFor('drifted-account.json', 'batch-staging', 's3')],
    },
    {
      file: 'drifted-account.json',
      cluster: 'batch-staging',
      ruleId: 'VPC_DNS_ATTRIBUTES',
      mentions: () => [vpcOf('drifted-account.json', 'batch-staging').VpcId, /hostnames/i],
    },
    {
      file: 'china-region.json',
      cluster: 'factory-prod',
      ruleId: 'VPC_ENDPOINTS_PRESENT',
      mentions: () => ['sts'],
    },
    {
      file: 'china-region.json',
      cluster: 'factory-prod',
      ruleId: 'VPC_ENDPOINTS_AZ_COVERAGE',
      mentions: () => [endpointFor('china-region.json', 'factory-prod', 'ecr.dkr'), 'cn-northwest-1c'],
    },
    {
      file: 'china-region.json',
      cluster: 'factory-prod',
      ruleId: 'DNS_RESOLVER_AMAZON',
      mentions: () => ['10.0.0.10'],
    },
  ];

describe('planted drifts name what is wrong', () => {
  it('every NON_COMPLIANT cell of the table has an annotation check', () => {
    const planted = matrix.flatMap(({ file, cluster, expectation }) =>
      Object.keys(expectation).map((ruleId) => `${file} ${cluster} ${ruleId}`),
    );
    expect(DRIFTS.map((d) => `${d.file} ${d.cluster} ${d.ruleId}`).sort()).toEqual(planted.sort());
  });

  it.each(DRIFTS)('$file $cluster $ruleId', ({ file, cluster, ruleId, mentions }) => {
    const { annotation, offenders } = finding(file, cluster, ruleId);
    for (const mention of mentions()) {
      if (typeof mention === 'string') expect(annotation).toContain(mention);
      else expect(annotation).toMatch(mention);
    }
    expect(offenders.length).toBeGreaterThan(0);
  });
});
