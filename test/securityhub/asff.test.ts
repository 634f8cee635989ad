/**
 * securityhub/asff.ts: the ASFF of the shipped example reports, held to the Security Hub model the SDK ships (every
 * field name at every depth), to the documented required fields and length limits, and to partition-correct ARNs in
 * aws, aws-cn and aws-us-gov.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AwsSecurityFinding$,
  ComplianceStatus,
  Partition as SdkPartition,
  ResourceDetails$,
  type AwsSecurityFinding,
} from '@aws-sdk/client-securityhub';
import { evaluateSnapshot } from '../../engine/evaluate';
import type { Compliance, Detail, Finding } from '../../engine/findings';
import { parseParams } from '../../engine/params';
import { buildReport, type Report } from '../../engine/report';
import { RULES, ruleById } from '../../rules';
import { parseSnapshotText } from '../../snapshot/load';
import { SnapshotView } from '../../snapshot/view';
import {
  ASFF_LIMITS,
  ASFF_PARTITIONS,
  ASFF_SCHEMA_VERSION,
  COMPLIANCE_STATUS,
  asffFinding,
  asffFindingId,
  asffFindings,
  cut,
  formatAsff,
  productArn,
  wholeItems,
} from '../../securityhub/asff';
import { memberNames, modelProblems } from './asff-model';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const NOW = new Date('2030-01-02T03:04:05Z');

function exampleReport(file: string, edit?: (snapshot: Record<string, unknown>) => void): Report {
  const json = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Record<string, unknown>;
  edit?.(json);
  const view = new SnapshotView(parseSnapshotText(JSON.stringify(json), file));
  return buildReport(view, evaluateSnapshot(view, RULES, parseParams({})), NOW);
}

/** drifted-account.json moved to GovCloud: same clusters, Region us-gov-west-1 and no ARNs of its own. */
function govReport(): Report {
  return exampleReport('drifted-account.json', (snapshot) => {
    snapshot.region = 'us-gov-west-1';
    delete snapshot.partition;
    const clusters = (snapshot.eks as { clusters: Record<string, unknown>[] }).clusters;
    for (const cluster of clusters) delete cluster.arn;
  });
}

const drifted = exampleReport('drifted-account.json');
const china = exampleReport('china-region.json');
const gov = govReport();
const REPORTS: [string, Report, string][] = [
  ['aws', drifted, 'aws'],
  ['aws-cn', china, 'aws-cn'],
  ['aws-us-gov', gov, 'aws-us-gov'],
];

describe('the examples have what the checks below need', () => {
  it('NON_COMPLIANT findings with details of several resource types, in each partition', () => {
    for (const [, report] of REPORTS) {
      expect(report.findings.some((f) => f.compliance === 'NON_COMPLIANT' && f.details.length > 0)).toBe(
        true,
      );
    }
    const types = new Set(drifted.findings.flatMap((f) => f.details.map((d) => d.resourceType)));
    expect(types.size).toBeGreaterThanOrEqual(5);
    expect(china.region.startsWith('cn-')).toBe(true);
    expect(gov.region).toBe('us-gov-west-1');
  });
});

describe.each(REPORTS)('%s', (_name, report, partition) => {
  const findings = asffFindings(report, RULES);

  it('one ASFF finding per finding, in report order', () => {
    expect(findings.map((f) => f.GeneratorId)).toEqual(
      report.findings.map((f) => `private-eks-guard/${f.ruleId}`),
    );
  });

  it('every field name, at every depth, is a member of the SDK model, and the model’s required ones are there', () => {
    expect(findings.flatMap((f, i) => modelProblems(f, AwsSecurityFinding$, `[${i}]`))).toEqual([]);
  });

  it('carries every attribute AWS documents as required for all findings', () => {
    for (const f of findings) {
      expect(f.SchemaVersion).toBe(ASFF_SCHEMA_VERSION);
      for (const key of [
        'Id',
        'ProductArn',
        'GeneratorId',
        'AwsAccountId',
        'Title',
        'Description',
      ] as const) {
        expect(f[key]).toMatch(/\S/);
      }
      expect(f.Types!.length).toBeGreaterThan(0);
      for (const type of f.Types!) expect(type.split('/')[0]).toBe('Software and Configuration Checks');
      expect(f.CreatedAt).toBe(report.generatedAt);
      expect(f.UpdatedAt).toBe(report.generatedAt);
      expect(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(f.Severity!.Label);
      expect(f.Resources!.length).toBeGreaterThan(0);
      for (const r of f.Resources!) {
        expect(r.Type).toMatch(/\S/);
        expect(r.Id).toMatch(/\S/);
        expect(r.Partition).toBe(partition);
        expect(r.Region).toBe(report.region);
      }
      expect(f.AwsAccountId).toMatch(/^\d{12}$/);
      // Security Hub's own: the top-level Region and the reserved aws/ namespace of ProductFields.
      expect(f.Region).toBeUndefined();
      expect(Object.keys(f.ProductFields ?? {}).filter((k) => k.startsWith('aws/'))).toEqual([]);
      expect(f.ProductName).toBe('private-eks-guard');
    }
  });

  it('keeps every documented length limit', () => {
    for (const f of findings) {
      expect(f.Title!.length).toBeLessThanOrEqual(256);
      expect(f.Description!.length).toBeLessThanOrEqual(1024);
      expect(f.Id!.length).toBeLessThanOrEqual(512);
      expect(f.GeneratorId!.length).toBeLessThanOrEqual(512);
      expect(f.Remediation!.Recommendation!.Text!.length).toBeLessThanOrEqual(512);
      expect(f.Resources!.length).toBeLessThanOrEqual(32);
      const fields = Object.entries(f.ProductFields ?? {});
      expect(fields.length).toBeLessThanOrEqual(50);
      for (const [key, value] of fields) {
        expect(key.length).toBeLessThan(128);
        expect(value.length).toBeLessThanOrEqual(2048);
      }
      for (const r of f.Resources!) {
        const other = Object.entries(r.Details?.Other ?? {});
        expect(other.length).toBeLessThanOrEqual(50);
        for (const [key, value] of other) {
          expect(key.length).toBeLessThan(128);
          expect(value.length).toBeLessThan(1024);
        }
      }
      expect(Buffer.byteLength(JSON.stringify(f))).toBeLessThan(240 * 1024);
    }
  });

  it('builds the product ARN and every resource ARN in the partition, Region and account', () => {
    const { accountId, region } = report;
    for (const f of findings) {
      expect(f.ProductArn).toBe(
        `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`,
      );
      for (const r of f.Resources!) {
        if (r.Id!.startsWith('arn:')) {
          expect(r.Id).toMatch(
            new RegExp(`^arn:${partition}:(eks|ec2):${region}:${accountId}:[a-z-]+/\\S+$`),
          );
        } else {
          // Only what has no certain ARN is named by its id (a prefix list may be AWS-managed).
          expect(r.Id).toMatch(/^pl-/);
        }
      }
    }
  });

  it('names the cluster first, as AwsEksCluster with its ARN, then each detail resource once', () => {
    report.findings.forEach((finding, i) => {
      const resources = findings[i]!.Resources!;
      expect(resources[0]).toMatchObject({ Type: 'AwsEksCluster', Id: finding.clusterArn });
      expect(finding.clusterArn.startsWith(`arn:${partition}:eks:${report.region}:`)).toBe(true);
      const ids = resources.map((r) => r.Id);
      expect(new Set(ids).size).toBe(ids.length);
      const named = new Set(
        finding.details.filter((d) => d.resourceType !== 'AWS::EKS::Cluster').map((d) => d.resourceId),
      );
      for (const id of named) expect(ids.some((arn) => arn!.endsWith(`/${id}`) || arn === id)).toBe(true);
    });
  });

  it('uses only ASFF resource types the model has details for, or Other', () => {
    const known = new Set(memberNames(ResourceDetails$));
    const types = new Set(findings.flatMap((f) => f.Resources!.map((r) => r.Type!)));
    expect([...types].filter((t) => t !== 'Other' && !known.has(t))).toEqual([]);
    for (const f of findings) {
      for (const r of f.Resources!) {
        // A typed resource's typed details sit under its own type's member.
        const typed = Object.keys(r.Details ?? {}).filter((k) => k !== 'Other');
        expect(typed.every((k) => k === r.Type)).toBe(true);
      }
    }
  });

  it('puts every detail’s problem and fix on its resource, whole commands only', () => {
    report.findings.forEach((finding, i) => {
      const others = findings[i]!.Resources!.map((r) => Object.values(r.Details?.Other ?? {}).join('\n'));
      for (const detail of finding.details) {
        const on = others.find((text) => text.includes(detail.problem.slice(0, 60)));
        expect(on).toBeDefined();
        for (const command of detail.fix.commands) expect(on).toContain(command);
      }
    });
  });

  it('is the same on a second run: Ids are deterministic and unique per account, Region, cluster and rule', () => {
    const again = asffFindings(report, RULES);
    expect(again.map((f) => f.Id)).toEqual(findings.map((f) => f.Id));
    expect(new Set(findings.map((f) => f.Id)).size).toBe(findings.length);
    report.findings.forEach((finding, i) => {
      expect(findings[i]!.Id).toBe(
        asffFindingId(report.accountId, report.region, finding.resourceId, finding.ruleId),
      );
    });
  });
});

describe('the model check itself', () => {
  it('catches a misspelt name at depth, a wrong kind and a missing required member', () => {
    const [f] = asffFindings(drifted, RULES);
    const bad = structuredClone(f!) as unknown as Record<string, unknown> & {
      Resources: Record<string, unknown>[];
    };
    bad.Resources[0]!.Details = { AwsEksCluster: { Nme: 'x' } };
    bad.Severity = { Label: 3 };
    delete bad.Title;
    expect(modelProblems(bad, AwsSecurityFinding$).sort()).toEqual([
      '(root).Resources[0].Details.AwsEksCluster.Nme: not a member of AwsEksClusterDetails',
      '(root).Severity.Label: expected a string, got number',
      '(root).Title: required by the model, missing',
    ]);
  });
});

describe('Id', () => {
  it('differs in each of account, Region, cluster and rule', () => {
    const base = asffFindingId('111122223333', 'eu-west-1', 'prod', 'NETWORK_ACLS');
    const variants = [
      asffFindingId('444455556666', 'eu-west-1', 'prod', 'NETWORK_ACLS'),
      asffFindingId('111122223333', 'eu-west-2', 'prod', 'NETWORK_ACLS'),
      asffFindingId('111122223333', 'eu-west-1', 'prod-2', 'NETWORK_ACLS'),
      asffFindingId('111122223333', 'eu-west-1', 'prod', 'SUBNETS_PRIVATE'),
    ];
    expect(new Set([base, ...variants]).size).toBe(5);
  });

  it('does not depend on the time, compliance, annotation or details (a re-import updates the same finding)', () => {
    const finding = drifted.findings.find((f) => f.compliance === 'NON_COMPLIANT')!;
    const meta = ruleById(finding.ruleId)!.meta;
    const context = { accountId: drifted.accountId, region: drifted.region, partition: 'aws' };
    const first = asffFinding(finding, meta, { ...context, createdAt: 'a', updatedAt: 'a' });
    const later = asffFinding(
      { ...finding, compliance: 'COMPLIANT', annotation: 'fixed', details: [], offenders: [] },
      meta,
      { ...context, createdAt: 'a', updatedAt: 'b' },
    );
    expect(later.Id).toBe(first.Id);
    expect(later.ProductArn).toBe(first.ProductArn);
  });

  it('fits 512 characters for the longest cluster name EKS allows', () => {
    expect(
      asffFindingId('111122223333', 'ap-southeast-5', 'c'.repeat(100), 'VPC_ENDPOINTS_SECURITY_GROUPS')
        .length,
    ).toBeLessThanOrEqual(ASFF_LIMITS.id);
  });
});

describe('Compliance.Status, severity, workflow and record state', () => {
  const base = drifted.findings.find((f) => f.compliance === 'NON_COMPLIANT' && f.severity === 'critical')!;
  const meta = ruleById(base.ruleId)!.meta;
  const context = {
    accountId: '111122223333',
    region: 'eu-west-1',
    partition: 'aws',
    createdAt: 'c',
    updatedAt: 'u',
  };
  const as = (compliance: Compliance) => asffFinding({ ...base, compliance }, meta, context);

  it.each<[Compliance, string, string, string, string]>([
    ['NON_COMPLIANT', 'FAILED', 'CRITICAL', 'NEW', 'ACTIVE'],
    ['COMPLIANT', 'PASSED', 'INFORMATIONAL', 'RESOLVED', 'ACTIVE'],
    // AWS documents NOT_AVAILABLE as what a Config NOT_APPLICABLE becomes, and archives such control findings.
    ['NOT_APPLICABLE', 'NOT_AVAILABLE', 'INFORMATIONAL', 'RESOLVED', 'ARCHIVED'],
    // WARNING is "some information is missing": the check could not tell, so capture what it needs.
    ['INSUFFICIENT_DATA', 'WARNING', 'INFORMATIONAL', 'NEW', 'ACTIVE'],
  ])('%s → %s, %s, workflow %s, %s', (compliance, status, label, workflow, recordState) => {
    const f = as(compliance);
    expect(f.Compliance).toEqual({ Status: status });
    expect(f.Severity).toEqual({ Label: label, Original: 'critical' });
    expect(f.FindingProviderFields!.Severity).toEqual(f.Severity);
    expect(f.FindingProviderFields!.Types).toEqual(f.Types);
    expect(f.Workflow).toEqual({ Status: workflow });
    expect(f.RecordState).toBe(recordState);
  });

  it('maps every compliance to a status the API accepts', () => {
    expect(Object.values(COMPLIANCE_STATUS).every((s) => Object.values(ComplianceStatus).includes(s))).toBe(
      true,
    );
    expect(Object.keys(COMPLIANCE_STATUS).sort()).toEqual(
      ['COMPLIANT', 'INSUFFICIENT_DATA', 'NON_COMPLIANT', 'NOT_APPLICABLE'].sort(),
    );
  });

  it('an explicit status wins over the compliance (the drift import states its transition)', () => {
    const f = asffFinding({ ...base, compliance: 'NOT_APPLICABLE' }, meta, { ...context, status: 'PASSED' });
    expect(f.Compliance).toEqual({ Status: 'PASSED' });
    expect(f.Workflow).toEqual({ Status: 'RESOLVED' });
    expect(f.RecordState).toBe('ACTIVE');
  });

  it.each<[Finding['severity'], string]>([
    ['critical', 'CRITICAL'],
    ['high', 'HIGH'],
    ['medium', 'MEDIUM'],
    ['low', 'LOW'],
  ])('a failed %s rule is %s', (severity, label) => {
    expect(asffFinding({ ...base, severity }, meta, context).Severity!.Label).toBe(label);
  });
});

describe('partitions', () => {
  it('Resource.Partition takes only the values the API accepts, and is left out for others', () => {
    expect([...ASFF_PARTITIONS].sort()).toEqual(
      Object.values(SdkPartition)
        .filter((p) => p !== 'AzureCloud')
        .sort(),
    );
    const finding = drifted.findings[0]!;
    const meta = ruleById(finding.ruleId)!.meta;
    const iso = asffFinding(finding, meta, {
      accountId: '111122223333',
      region: 'us-isof-south-1',
      partition: 'aws-iso-f',
      createdAt: 'c',
      updatedAt: 'u',
    });
    expect(iso.ProductArn).toBe(
      'arn:aws-iso-f:securityhub:us-isof-south-1:111122223333:product/111122223333/default',
    );
    expect(iso.Resources!.every((r) => r.Partition === undefined)).toBe(true);
  });

  it('productArn is the customer’s default product', () => {
    expect(productArn('aws-us-gov', 'us-gov-east-1', '123456789012')).toBe(
      'arn:aws-us-gov:securityhub:us-gov-east-1:123456789012:product/123456789012/default',
    );
  });

  it('a product ARN and partition given in the options are used as given', () => {
    const [first] = asffFindings(drifted, RULES, {
      partition: 'aws',
      productArn: 'arn:aws:securityhub:us-east-1:444455556666:product/444455556666/default',
    });
    expect(first!.ProductArn).toBe('arn:aws:securityhub:us-east-1:444455556666:product/444455556666/default');
  });
});

describe('many details', () => {
  const base = drifted.findings.find((f) => f.ruleId === 'NETWORK_ACLS' && f.compliance === 'NON_COMPLIANT')!;
  const meta = ruleById(base.ruleId)!.meta;
  const context = {
    accountId: '111122223333',
    region: 'eu-west-1',
    partition: 'aws',
    createdAt: 'c',
    updatedAt: 'u',
  };
  const detail = (i: number, type = 'AWS::EC2::Subnet'): Detail => ({
    resourceId: `subnet-${String(i).padStart(17, '0')}`,
    resourceType: type,
    problem: `problem ${i} `.repeat(200),
    fix: {
      commands: [`aws ec2 do-something --region eu-west-1 --id ${i}`, 'x'.repeat(900), 'y'.repeat(200)],
      documentation: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html',
    },
  });

  it('stop at 32 resources and say how many are left out', () => {
    const details = Array.from({ length: 60 }, (_, i) => detail(i));
    const f = asffFinding({ ...base, details }, meta, context);
    expect(f.Resources).toHaveLength(32);
    expect(f.Resources![31]!.Details!.Other!.Omitted).toBe(
      "29 more resource(s): see the CLI's --format json",
    );
    expect(modelProblems(f, AwsSecurityFinding$)).toEqual([]);
  });

  it('on one resource are numbered, within 50 pairs, whole commands only', () => {
    const details = Array.from({ length: 20 }, () => detail(7));
    const f = asffFinding({ ...base, details }, meta, context);
    expect(f.Resources).toHaveLength(2);
    const other = f.Resources![1]!.Details!.Other!;
    expect(Object.keys(other).length).toBeLessThanOrEqual(50);
    expect(other['Problem.1']).toMatch(/^problem 7 /);
    expect(other['Problem.1']!.endsWith('…')).toBe(true);
    expect(other['Problem.1']!.length).toBe(1023);
    // The 900-character command fits after the first; the third would not: it is counted, not cut.
    expect(other['Commands.1']).toBe(
      `aws ec2 do-something --region eu-west-1 --id 7\n${'x'.repeat(900)}\n(+1 more: see --format json)`,
    );
    expect(other.Omitted).toMatch(/^\d+ more detail\(s\) of this resource$/);
  });

  it('a detail on the cluster itself joins the cluster resource', () => {
    const onCluster = { ...detail(1, 'AWS::EKS::Cluster'), resourceId: base.resourceId };
    const f = asffFinding({ ...base, details: [onCluster] }, meta, context);
    expect(f.Resources).toHaveLength(1);
    expect(f.Resources![0]!.Details!.Other!.Problem).toMatch(/^problem 1/);
  });
});

describe('text helpers', () => {
  it('cut keeps within the limit and never splits a surrogate pair', () => {
    expect(cut('abcdef', 4)).toBe('abc…');
    expect(cut('ab😀cd', 4)).toBe('ab…');
    expect(cut('abc', 3)).toBe('abc');
  });

  it('wholeItems keeps whole items and counts the rest', () => {
    expect(wholeItems(['aaa', 'bbb', 'ccc'], ', ', 100)).toBe('aaa, bbb, ccc');
    const text = wholeItems(['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)], ', ', 80);
    expect(text).toBe(`${'a'.repeat(40)}, (+2 more: see --format json)`);
    expect(text.length).toBeLessThanOrEqual(80);
  });
});

describe('formatAsff', () => {
  it('prints the findings as one JSON array, ready for batch-import-findings --findings file://', () => {
    const text = formatAsff(china, RULES);
    expect(text.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(text) as AwsSecurityFinding[];
    expect(parsed).toEqual(asffFindings(china, RULES));
    expect(parsed).toHaveLength(china.findings.length);
  });

  it('needs the rule of every finding', () => {
    expect(() => asffFindings(drifted, RULES.slice(0, 1))).toThrow(/no rule/);
  });
});
