/*
 * Issue 11, end to end: for a representative broken cluster of every catalog rule, the fix the
 * finding carries is valid against the EC2/EKS API model the SDK ships, and running it (the
 * same edit the command makes, applied to the snapshot) makes the rule COMPLIANT; where no
 * command is safe, the finding says what to decide instead. Then the same for the shipped
 * examples and a generated snapshot, whose commands run as `private-eks-guard fix` orders them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSnapshot } from '../../bench/generate';
import { checkSnapshot } from '../../cli/check-command';
import { buildFixScript } from '../../cli/fix-script';
import { resolveCheckSettings } from '../../cli/settings';
import type { Finding } from '../../engine/findings';
import type { Report } from '../../engine/report';
import type { Rule } from '../../engine/rule';
import { RULES, ruleById } from '../../rules';
import { parseSnapshotText } from '../../snapshot/load';
import { privateClustersSnapshot, type ClusterIds, type RawSnapshot } from '../../testkit/private-cluster';
import { runRule } from '../../testkit/run-rule';
import {
  configurations,
  endpoint,
  group,
  iface,
  subnet,
  table,
  vpcConfig,
  type Json,
  type Mutation,
} from '../../testkit/snapshot-edits';
import {
  applyCommands,
  expectDetailsCoverOffenders,
  expectValidCommands,
  fixAndRerun,
} from './apply-aws-cli';
import { checkLines } from './aws-cli-model';

const REGIONS = ['eu-west-1', 'cn-north-1'] as const;

function rule(id: string): Rule {
  const found = ruleById(id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

interface Row {
  id: string;
  /** What is broken, in a few words. */
  broken: string;
  mutate: Mutation;
  params?: Record<string, string>;
  /** Whether the fix is commands, or only a decision (no command is safe). */
  fix: 'commands' | 'decide';
}

const zoneOf = (region: string, letter: string) => `${region}${letter}`;

const ROWS: Row[] = [
  {
    id: 'ENDPOINT_PRIVATE_ACCESS',
    broken: 'private access off',
    mutate: (s) => {
      vpcConfig(s).endpointPrivateAccess = false;
      vpcConfig(s).endpointPublicAccess = true;
      vpcConfig(s).publicAccessCidrs = ['203.0.113.0/24'];
    },
    params: { publicAccess: 'restricted' },
    fix: 'commands',
  },
  {
    id: 'ENDPOINT_PUBLIC_ACCESS',
    broken: 'public access on to 0.0.0.0/0',
    mutate: (s) => {
      vpcConfig(s).endpointPublicAccess = true;
      vpcConfig(s).publicAccessCidrs = ['0.0.0.0/0'];
    },
    fix: 'commands',
  },
  {
    id: 'VPC_DNS_ATTRIBUTES',
    broken: 'DNS support and hostnames off',
    mutate: (s, ids) => {
      s.ec2.VpcAttributes[ids.vpcId] = {
        EnableDnsSupport: { Value: false },
        EnableDnsHostnames: { Value: false },
      };
    },
    fix: 'commands',
  },
  {
    id: 'DHCP_OPTIONS_COMPLETE',
    broken: 'no domain-name',
    mutate: (s) => {
      s.ec2.DhcpOptions[0]!.DhcpConfigurations = configurations(s).filter((c) => c.Key !== 'domain-name');
    },
    fix: 'commands',
  },
  {
    id: 'DNS_RESOLVER_AMAZON',
    broken: 'custom DNS servers',
    mutate: (s) => {
      configurations(s).find((c) => c.Key === 'domain-name-servers')!.Values = [
        { Value: '192.0.2.10' },
        { Value: '192.0.2.11' },
      ];
    },
    fix: 'decide',
  },
  {
    id: 'DNS_RESOLVER_AMAZON',
    broken: 'the "default" option set (no DNS servers)',
    mutate: (s) => (s.ec2.Vpcs[0]!.DhcpOptionsId = 'default'),
    fix: 'commands',
  },
  {
    id: 'VPC_ENDPOINTS_PRESENT',
    broken: 'no ecr.dkr endpoint, no s3 Gateway endpoint',
    mutate: (s, ids) => {
      const gone = [iface(ids, 'ecr.dkr'), ids.s3GatewayEndpointId];
      s.ec2.VpcEndpoints = s.ec2.VpcEndpoints.filter((e) => !gone.includes(e.VpcEndpointId as string));
      // EC2 deletes a Gateway endpoint's routes with it.
      for (const t of s.ec2.RouteTables) {
        t.Routes = (t.Routes as Json[]).filter((r) => r.GatewayId !== ids.s3GatewayEndpointId);
      }
    },
    fix: 'commands',
  },
  {
    id: 'VPC_ENDPOINTS_PRIVATE_DNS',
    broken: 'ecr.api private DNS off',
    mutate: (s, ids) => (endpoint(s, iface(ids, 'ecr.api')).PrivateDnsEnabled = false),
    fix: 'commands',
  },
  {
    id: 'VPC_ENDPOINTS_AZ_COVERAGE',
    broken: 'ecr.dkr endpoint not in the third zone',
    mutate: (s, ids) => {
      const e = endpoint(s, iface(ids, 'ecr.dkr'));
      e.SubnetIds = (e.SubnetIds as string[]).filter((id) => id !== ids.subnetIds[2]);
    },
    fix: 'commands',
  },
  {
    id: 'VPC_ENDPOINTS_SECURITY_GROUPS',
    broken: 'endpoint security group without ingress',
    mutate: (s, ids) => (group(s, ids.endpointSecurityGroupId).IpPermissions = []),
    fix: 'commands',
  },
  {
    id: 'S3_GATEWAY_ROUTES',
    broken: 'the private route table detached from the s3 Gateway endpoint',
    mutate: (s, ids) => {
      endpoint(s, ids.s3GatewayEndpointId).RouteTableIds = [];
      const t = table(s, ids.privateRouteTableId);
      t.Routes = (t.Routes as Json[]).filter((r) => r.GatewayId !== ids.s3GatewayEndpointId);
    },
    fix: 'commands',
  },
  {
    id: 'CLUSTER_SECURITY_GROUP',
    broken: 'no rule admits the API server or kubelet flows',
    mutate: (s, ids) => {
      group(s, ids.clusterSecurityGroupId).IpPermissions = [];
      group(s, ids.controlPlaneSecurityGroupId).IpPermissions = [];
    },
    fix: 'commands',
  },
  {
    id: 'NETWORK_ACLS',
    broken: 'inbound tcp/443 denied before the allow',
    mutate: (s, ids) => {
      const acl = s.ec2.NetworkAcls.find((a) => a.NetworkAclId === ids.networkAclId)!;
      (acl.Entries as Json[]).push({
        RuleNumber: 90,
        Egress: false,
        Protocol: '6',
        RuleAction: 'deny',
        CidrBlock: '0.0.0.0/0',
        PortRange: { From: 443, To: 443 },
      });
    },
    fix: 'commands',
  },
  {
    id: 'SUBNETS_PRIVATE',
    broken: 'a NAT default route, and public IPs at launch in one subnet',
    mutate: (s, ids) => {
      (table(s, ids.privateRouteTableId).Routes as Json[]).push({
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: 'nat-0b3e9f1c2a7d64e85',
        Origin: 'CreateRoute',
        State: 'active',
      });
      subnet(s, ids.subnetIds[1]!).MapPublicIpOnLaunch = true;
    },
    fix: 'commands',
  },
  {
    id: 'SUBNETS_MULTI_AZ',
    broken: 'every cluster subnet in one zone',
    mutate: (s, ids) => {
      for (const id of ids.subnetIds) subnet(s, id).AvailabilityZone = zoneOf(s.region, 'a');
    },
    fix: 'decide',
  },
  {
    id: 'SUBNETS_FREE_IPS',
    broken: 'a cluster subnet with 3 free addresses',
    mutate: (s, ids) => (subnet(s, ids.subnetIds[2]!).AvailableIpAddressCount = 3),
    fix: 'decide',
  },
  {
    id: 'SUBNETS_INTERNAL_ELB_TAG',
    broken: 'a subnet without kubernetes.io/role/internal-elb',
    mutate: (s, ids) => {
      const s1 = subnet(s, ids.subnetIds[1]!);
      s1.Tags = (s1.Tags as Json[]).filter((t) => t.Key !== 'kubernetes.io/role/internal-elb');
    },
    fix: 'commands',
  },
];

function broken(row: Row, region: string): { snapshot: RawSnapshot; ids: ClusterIds } {
  const { snapshot, ids } = privateClustersSnapshot(1, { region });
  expect(runRule(rule(row.id), snapshot, row.params).compliance).toBe('COMPLIANT');
  row.mutate(snapshot, ids[0]!, ids);
  return { snapshot, ids: ids[0]! };
}

describe('the fix of every catalog rule resolves its finding', () => {
  it('has a row for every rule of the catalog, and a commands row for every rule that has one', () => {
    expect([...new Set(ROWS.map((r) => r.id))].sort()).toEqual(RULES.map((r) => r.meta.id).sort());
    const decideOnly = [...new Set(ROWS.map((r) => r.id))].filter((id) =>
      ROWS.every((r) => r.id !== id || r.fix === 'decide'),
    );
    expect(decideOnly.sort()).toEqual(['SUBNETS_FREE_IPS', 'SUBNETS_MULTI_AZ']);
  });

  const cases = REGIONS.flatMap((region) => ROWS.map((row) => ({ ...row, region })));

  it.each(cases.filter((c) => c.fix === 'commands'))(
    '$id in $region, $broken: valid commands that make it COMPLIANT',
    (row) => {
      const { snapshot } = broken(row, row.region);
      const outcome = runRule(rule(row.id), snapshot, row.params);
      expectDetailsCoverOffenders(outcome);
      for (const detail of outcome.details)
        expect([detail.resourceId, detail.fix.commands.length > 0]).toEqual([detail.resourceId, true]);
      expectValidCommands(outcome);
      const after = fixAndRerun(rule(row.id), snapshot, outcome, row.params);
      expect(after.outcome).toMatchObject({ compliance: 'COMPLIANT', details: [] });
    },
  );

  it.each(cases.filter((c) => c.fix === 'decide'))(
    '$id in $region, $broken: no command, a decision naming the resources',
    (row) => {
      const { snapshot } = broken(row, row.region);
      const outcome = runRule(rule(row.id), snapshot, row.params);
      expectDetailsCoverOffenders(outcome);
      for (const detail of outcome.details) {
        expect(detail.fix.commands).toEqual([]);
        expect(detail.fix.decide).toContain(detail.resourceId);
      }
      // Every resource to decide about is in the words the user reads: problem and decision.
      const text = outcome.details.map((d) => `${d.problem}\n${d.fix.decide}`).join('\n');
      for (const offender of outcome.offenders) expect(text).toContain(offender);
    },
  );
});

// ---------------------------------------------------------------------------------------------

const NOW = new Date('2026-11-22T12:00:00Z');
const EXAMPLES = ['compliant-private-cluster', 'drifted-account', 'china-region'];

function check(text: string): Report {
  return checkSnapshot(parseSnapshotText(text), resolveCheckSettings({}), NOW);
}

/** Every line of a finding's details passes checkLines, as one list and detail by detail. */
function expectFindingCommandsValid(finding: Finding): void {
  const where = `${finding.resourceId} ${finding.ruleId}`;
  expect([where, checkLines(finding.details.flatMap((d) => d.fix.commands))]).toEqual([where, []]);
  for (const detail of finding.details) {
    expect([where, detail.resourceId, checkLines(detail.fix.commands)]).toEqual([
      where,
      detail.resourceId,
      [],
    ]);
  }
}

/** The lines the `fix` script runs, in its order: everything but comments, blank lines and its preamble. */
function scriptCommands(report: Report, source: string): string[] {
  const script = buildFixScript([report], { source });
  return script.split('\n').filter((line) => line !== '' && !line.startsWith('#') && line !== 'set -eu');
}

const commandBased = (finding: Finding) =>
  finding.details.length > 0 && finding.details.every((d) => d.fix.commands.length > 0);

describe.each(EXAMPLES)('examples/%s.json', (name) => {
  const text = readFileSync(join(__dirname, '../../examples', `${name}.json`), 'utf8');
  const report = check(text);

  it('every command of every detail passes checkLines', () => {
    for (const finding of report.findings) expectFindingCommandsValid(finding);
    const lines = report.findings.flatMap((f) => f.details.flatMap((d) => d.fix.commands));
    if (name === 'compliant-private-cluster') expect(lines).toEqual([]);
    else expect(lines.length).toBeGreaterThan(0);
  });

  it('running every command, in the order of the fix script, leaves NON_COMPLIANT only what needs a decision', () => {
    const lines = scriptCommands(report, `snapshot examples/${name}.json`);
    const after = check(JSON.stringify(applyCommands(JSON.parse(text) as RawSnapshot, lines)));
    const key = (f: Finding) => `${f.clusterArn} ${f.ruleId}`;
    const afterByKey = new Map(after.findings.map((f) => [key(f), f]));
    const fixable = report.findings.filter((f) => f.compliance === 'NON_COMPLIANT' && commandBased(f));
    if (name !== 'compliant-private-cluster') expect(fixable.length).toBeGreaterThan(0);
    for (const finding of fixable) {
      expect([key(finding), afterByKey.get(key(finding))?.compliance]).toEqual([key(finding), 'COMPLIANT']);
    }
    // What is still NON_COMPLIANT was so before, and all that is left of it is decisions.
    for (const finding of after.findings.filter((f) => f.compliance === 'NON_COMPLIANT')) {
      const before = report.findings.find((f) => key(f) === key(finding));
      expect([key(finding), before?.compliance]).toEqual([key(finding), 'NON_COMPLIANT']);
      expect([key(finding), finding.details.flatMap((d) => d.fix.commands)]).toEqual([key(finding), []]);
    }
    expect(after.findings.filter((f) => f.compliance === 'INSUFFICIENT_DATA').map(key)).toEqual(
      report.findings.filter((f) => f.compliance === 'INSUFFICIENT_DATA').map(key),
    );
  });
});

describe('a generated snapshot with planted failures (bench/generate.ts, 150 clusters)', () => {
  it('every command of every detail passes checkLines', () => {
    const { snapshot, driftedClusters } = generateSnapshot(150);
    const report = check(JSON.stringify(snapshot));
    const failing = report.findings.filter((f) => f.compliance === 'NON_COMPLIANT');
    expect(new Set(failing.map((f) => f.resourceId)).size).toBe(driftedClusters);
    for (const finding of report.findings) expectFindingCommandsValid(finding);
    // Every kind of planted failure but the full subnet (a decision) comes with commands.
    const withCommands = new Set(failing.filter(commandBased).map((f) => f.ruleId));
    expect([...withCommands].sort()).toEqual(
      [
        'ENDPOINT_PUBLIC_ACCESS',
        'NETWORK_ACLS',
        'SUBNETS_PRIVATE',
        'VPC_ENDPOINTS_PRESENT',
        'VPC_ENDPOINTS_SECURITY_GROUPS',
      ].sort(),
    );
  });
});
