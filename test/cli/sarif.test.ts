import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Ajv from 'ajv';
import fc from 'fast-check';
import { checkSnapshot } from '../../cli/check-command';
import {
  formatSarif,
  pascalCase,
  SARIF_LEVEL,
  SECURITY_SEVERITY,
  type SarifOptions,
} from '../../cli/format/sarif';
import { resolveCheckSettings } from '../../cli/settings';
import type { Detail, Finding } from '../../engine/findings';
import type { Report } from '../../engine/report';
import type { Rule } from '../../engine/rule';
import { RULES } from '../../rules';
import { parseSnapshotText } from '../../snapshot/load';

/*
 * --format sarif is checked against the SARIF 2.1.0 JSON schema that @microsoft/jest-sarif ships
 * (sarif-2.1.0-rtm.5, draft-04), with ajv 6 configured as that package's matcher configures it;
 * a deliberately broken log shows the validator rejects what the schema forbids.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const SCHEMA = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const DRAFT_04 = require('ajv/lib/refs/json-schema-draft-04.json') as object;

const ajv = new Ajv({ schemaId: 'auto', validateSchema: false, allErrors: true });
ajv.addMetaSchema(DRAFT_04);
const validate = ajv.compile(SCHEMA);

/** The schema's complaints about `log` (none when valid). */
function schemaErrors(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.dataPath} ${e.message} ${JSON.stringify(e.params)}`);
}

const NOW = new Date('2026-11-22T10:00:05Z');
const EXAMPLES = ['compliant-private-cluster.json', 'drifted-account.json', 'china-region.json'];

function exampleReport(name: string, now = NOW): Report {
  const text = readFileSync(join(__dirname, '..', '..', 'examples', name), 'utf8');
  return checkSnapshot(parseSnapshotText(text, name), resolveCheckSettings({}), now);
}

function detail(overrides: Partial<Detail> = {}): Detail {
  return {
    resourceId: 'sg-0b2',
    resourceType: 'AWS::EC2::SecurityGroup',
    problem: 'sg-0b2 does not allow tcp/443 from sg-0c3',
    fix: {
      commands: ['aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0b2'],
      documentation:
        'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html',
    },
    ...overrides,
  };
}

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'VPC_ENDPOINTS_SECURITY_GROUPS',
    configRuleName: 'private-eks-vpc-endpoints-security-groups',
    severity: 'critical',
    resourceType: 'AWS::EKS::Cluster',
    resourceId: 'prod-a',
    clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod-a',
    vpcId: 'vpc-0abc',
    compliance: 'COMPLIANT',
    annotation: 'every judged endpoint admits the nodes on tcp/443',
    offenders: [],
    details: [],
    ...overrides,
  };
}

function report(findings: Finding[], generatedAt = '2026-11-22T10:00:05Z'): Report {
  const summary = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0, INSUFFICIENT_DATA: 0 };
  for (const f of findings) summary[f.compliance]++;
  return { schemaVersion: 1, accountId: '111122223333', region: 'eu-west-1', generatedAt, summary, findings };
}

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  kind: string;
  level: string;
  message: { text: string; markdown: string };
  locations: {
    logicalLocations: {
      name: string;
      fullyQualifiedName: string;
      kind: string;
      properties: { resourceType: string };
    }[];
  }[];
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
}

interface Descriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
  properties: { tags: string[]; precision: string; 'security-severity': string };
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        version?: string;
        semanticVersion?: string;
        informationUri?: string;
        rules: Descriptor[];
      };
    };
    automationDetails: { id: string };
    results: SarifResult[];
    properties: Record<string, unknown>;
  }[];
}

function sarif(
  r: Report,
  rules: readonly Rule[] = RULES,
  options: SarifOptions = { version: '0.1.0' },
): SarifLog {
  return JSON.parse(formatSarif(r, rules, options)) as SarifLog;
}

const MIXED = [
  finding({ compliance: 'COMPLIANT', details: [] }),
  finding({
    ruleId: 'NETWORK_ACLS',
    configRuleName: 'private-eks-network-acls',
    compliance: 'NON_COMPLIANT',
    annotation: 'acl-1 denies tcp/443',
    details: [
      detail({
        resourceId: 'acl-1',
        resourceType: 'AWS::EC2::NetworkAcl',
        problem: 'acl-1 denies tcp/443 from 10.0.0.0/19',
      }),
      detail({
        resourceId: 'acl-1',
        resourceType: 'AWS::EC2::NetworkAcl',
        problem: 'acl-1 denies tcp/443 from 10.0.32.0/19',
      }),
    ],
  }),
  finding({
    ruleId: 'SUBNETS_FREE_IPS',
    configRuleName: 'private-eks-subnets-free-ips',
    severity: 'medium',
    compliance: 'INSUFFICIENT_DATA',
    annotation: 'snapshot has no ec2.Subnets',
    details: [
      detail({
        resourceId: 'prod-a',
        resourceType: 'AWS::EKS::Cluster',
        problem: 'snapshot has no ec2.Subnets',
        fix: { commands: [], decide: 'Capture the snapshot again.', documentation: '' },
      }),
    ],
  }),
  finding({
    ruleId: 'S3_GATEWAY_ROUTES',
    compliance: 'NOT_APPLICABLE',
    annotation: 's3 not required',
    details: [],
  }),
];

describe('formatSarif: valid SARIF 2.1.0', () => {
  it('the validator is strict: a log the schema forbids fails', () => {
    const log = sarif(report(MIXED));
    expect(schemaErrors(log)).toEqual([]);
    const badLevel = structuredClone(log);
    (badLevel.runs[0]!.results[0] as { level: string }).level = 'critical';
    expect(schemaErrors(badLevel).join('\n')).toMatch(/level/);
    const unknownKey = structuredClone(log) as unknown as { runs: Record<string, unknown>[] };
    unknownKey.runs[0]!.findings = [];
    expect(schemaErrors(unknownKey)).not.toEqual([]);
    const badUri = structuredClone(log);
    badUri.runs[0]!.tool.driver.rules[0]!.helpUri = 'not a uri';
    expect(schemaErrors(badUri)).not.toEqual([]);
  });

  it.each([
    ...EXAMPLES.map((name) => ({ name, r: exampleReport(name) })),
    { name: 'hand-made, every compliance', r: report(MIXED) },
    { name: 'no clusters', r: report([]) },
  ])('$name validates against the schema', ({ r }) => {
    expect(schemaErrors(sarif(r))).toEqual([]);
    expect(schemaErrors(JSON.parse(formatSarif(r, RULES)))).toEqual([]); // no options at all
  });
});

describe('formatSarif: the tool and its rules', () => {
  const log = sarif(report(MIXED), RULES, {
    version: '0.1.0',
    informationUri: 'https://example.com/private-eks-guard',
  });

  it('names the tool, its version and where to read about it', () => {
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const { driver } = log.runs[0]!.tool;
    expect(driver.name).toBe('private-eks-guard');
    expect(driver.version).toBe('0.1.0');
    expect(driver.semanticVersion).toBe('0.1.0');
    expect(driver.informationUri).toBe('https://example.com/private-eks-guard');
    expect(log.runs[0]!.automationDetails.id).toBe('private-eks-guard/111122223333/eu-west-1/');
    expect(log.runs[0]!.properties).toEqual({
      accountId: '111122223333',
      region: 'eu-west-1',
      generatedAt: '2026-11-22T10:00:05Z',
      summary: { COMPLIANT: 1, NON_COMPLIANT: 1, NOT_APPLICABLE: 1, INSUFFICIENT_DATA: 1 },
    });
  });

  it('leaves out the version and home page when not given', () => {
    const { driver } = JSON.parse(formatSarif(report([]), RULES)).runs[0].tool;
    expect(Object.keys(driver)).toEqual(['name', 'rules']);
  });

  it('has one reporting descriptor per catalog rule, in catalog order, with its texts', () => {
    const { rules } = log.runs[0]!.tool.driver;
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.meta.id));
    for (const [i, rule] of RULES.entries()) {
      const d = rules[i]!;
      expect(d.name).toBe(pascalCase(rule.meta.id));
      expect(d.shortDescription).toEqual({ text: rule.meta.title });
      expect(d.fullDescription).toEqual({ text: rule.meta.rationale });
      expect(d.help.text).toContain(rule.meta.remediation);
      expect(d.help.text).toContain(rule.meta.documentation);
      expect(d.help.markdown).toContain(`](${rule.meta.documentation})`);
      expect(d.helpUri).toBe(rule.meta.documentation);
      expect(d.defaultConfiguration).toEqual({ level: SARIF_LEVEL[rule.meta.severity] });
      expect(d.properties.tags).toContain('security');
      expect(d.properties['security-severity']).toBe(SECURITY_SEVERITY[rule.meta.severity]);
      expect(d.properties.precision).toBe('very-high');
    }
  });

  it.each([
    { severity: 'critical', level: 'error', band: [9.0, 10] },
    { severity: 'high', level: 'error', band: [7.0, 8.9] },
    { severity: 'medium', level: 'warning', band: [4.0, 6.9] },
    { severity: 'low', level: 'note', band: [0.1, 3.9] },
  ] as const)(
    '$severity: level $level, security-severity in GitHub’s $severity band',
    ({ severity, level, band }) => {
      expect(SARIF_LEVEL[severity]).toBe(level);
      const score = Number(SECURITY_SEVERITY[severity]);
      expect(score).toBeGreaterThanOrEqual(band[0]);
      expect(score).toBeLessThanOrEqual(band[1]);
      if (severity === 'critical') expect(score).toBeGreaterThan(9.0);
    },
  );

  it('escapes markdown in help, so placeholders such as <vpc> stay visible', () => {
    const rule: Rule = {
      ...RULES[0]!,
      meta: { ...RULES[0]!.meta, remediation: 'run x --vpc-id <vpc> *now* `y` [z]' },
    };
    const d = sarif(report([]), [rule]).runs[0]!.tool.driver.rules[0]!;
    expect(d.help.text).toContain('run x --vpc-id <vpc> *now* `y` [z]');
    expect(d.help.markdown).toContain('run x --vpc-id \\<vpc\\> \\*now\\* \\`y\\` \\[z\\]');
  });

  it.each([
    { id: 'VPC_ENDPOINTS_PRESENT', name: 'VpcEndpointsPresent' },
    { id: 'S3_GATEWAY_ROUTES', name: 'S3GatewayRoutes' },
    { id: 'X', name: 'X' },
  ])('pascalCase($id) = $name', ({ id, name }) => {
    expect(pascalCase(id)).toBe(name);
  });
});

describe('formatSarif: one result per detail of what failed or was not checked', () => {
  const log = sarif(report(MIXED));
  const results = log.runs[0]!.results;

  it('has none for COMPLIANT and NOT_APPLICABLE findings', () => {
    expect(results.map((r) => r.ruleId)).toEqual(['NETWORK_ACLS', 'NETWORK_ACLS', 'SUBNETS_FREE_IPS']);
  });

  it('points each result at its rule by id and index', () => {
    const { rules } = log.runs[0]!.tool.driver;
    for (const r of results) expect(rules[r.ruleIndex!]!.id).toBe(r.ruleId);
  });

  it('NON_COMPLIANT: kind fail at the rule severity’s level; INSUFFICIENT_DATA: kind review, level none', () => {
    expect(results.map((r) => [r.kind, r.level])).toEqual([
      ['fail', 'error'],
      ['fail', 'error'],
      ['review', 'none'],
    ]);
    const medium = sarif(report([{ ...MIXED[1]!, severity: 'medium' }])).runs[0]!.results[0]!;
    expect(medium.level).toBe('warning');
  });

  it('carries the problem, the commands or what to decide, and the page in its message', () => {
    const [first, , unknown] = results;
    expect(first!.message.text).toMatch(/^acl-1 denies tcp\/443 from 10\.0\.0\.0\/19\n/);
    expect(first!.message.text).toContain(
      'aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0b2',
    );
    expect(first!.message.text).toContain(
      'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html',
    );
    expect(first!.message.markdown).toContain('```sh\naws ec2 authorize-security-group-ingress');
    expect(unknown!.message.text).toBe(
      'Not checked: snapshot has no ec2.Subnets\n\nDecide: Capture the snapshot again.',
    );
  });

  it('locates each result logically: the resource under its cluster ARN, with its type', () => {
    expect(results.map((r) => r.locations[0]!.logicalLocations[0])).toEqual([
      {
        name: 'acl-1',
        fullyQualifiedName: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod-a/acl-1',
        kind: 'resource',
        properties: { resourceType: 'AWS::EC2::NetworkAcl' },
      },
      expect.objectContaining({ name: 'acl-1' }),
      {
        name: 'prod-a',
        fullyQualifiedName: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod-a',
        kind: 'resource',
        properties: { resourceType: 'AWS::EKS::Cluster' },
      },
    ]);
  });

  it('carries compliance, resource and commands in its properties', () => {
    expect(results[0]!.properties).toEqual({
      compliance: 'NON_COMPLIANT',
      severity: 'critical',
      configRuleName: 'private-eks-network-acls',
      accountId: '111122223333',
      region: 'eu-west-1',
      clusterName: 'prod-a',
      clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod-a',
      vpcId: 'vpc-0abc',
      resourceId: 'acl-1',
      resourceType: 'AWS::EC2::NetworkAcl',
      commands: ['aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0b2'],
      documentation:
        'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html',
    });
    expect(results[2]!.properties).toMatchObject({
      compliance: 'INSUFFICIENT_DATA',
      commands: [],
      decide: 'Capture the snapshot again.',
    });
  });

  it('gives a failing finding without details one result still (the cluster and the annotation)', () => {
    const bare = sarif(report([finding({ compliance: 'NON_COMPLIANT', annotation: 'broken', details: [] })]));
    expect(bare.runs[0]!.results).toHaveLength(1);
    expect(bare.runs[0]!.results[0]!.message.text).toBe('broken');
    expect(schemaErrors(bare)).toEqual([]);
  });
});

describe('formatSarif: fingerprints', () => {
  const fingerprints = (r: Report) =>
    sarif(r).runs[0]!.results.map((x) => JSON.stringify(x.partialFingerprints));

  it('are the same in a later run of the same state, and differ between results', () => {
    const drifted = fingerprints(exampleReport('drifted-account.json'));
    expect(fingerprints(exampleReport('drifted-account.json', new Date('2027-01-01T00:00:00Z')))).toEqual(
      drifted,
    );
    expect(new Set(drifted).size).toBe(drifted.length);
  });

  it.each([
    { what: 'account', change: (r: Report): Report => ({ ...r, accountId: '999999999999' }) },
    { what: 'Region', change: (r: Report): Report => ({ ...r, region: 'eu-central-1' }) },
    {
      what: 'cluster',
      change: (r: Report): Report => ({
        ...r,
        findings: r.findings.map((f) => ({ ...f, resourceId: 'prod-b' })),
      }),
    },
    {
      what: 'rule',
      change: (r: Report): Report => ({
        ...r,
        findings: r.findings.map((f) => ({ ...f, ruleId: 'SUBNETS_PRIVATE' })),
      }),
    },
    {
      what: 'resource',
      change: (r: Report): Report => ({
        ...r,
        findings: r.findings.map((f) => ({
          ...f,
          details: f.details.map((d) => ({ ...d, resourceId: 'acl-2' })),
        })),
      }),
    },
  ])('change with the $what', ({ change }) => {
    const base = report([MIXED[1]!]);
    expect(fingerprints(change(base))[0]).not.toBe(fingerprints(base)[0]);
  });

  it('do not change with the wording of the problem (which carries counts)', () => {
    const base = report([MIXED[1]!]);
    const reworded = report([
      { ...MIXED[1]!, details: MIXED[1]!.details.map((d) => ({ ...d, problem: `${d.problem} (now 4)` })) },
    ]);
    expect(fingerprints(reworded)).toEqual(fingerprints(base));
  });
});

describe('formatSarif: the examples', () => {
  it.each(EXAMPLES)('%s: a result per detail of each NON_COMPLIANT or INSUFFICIENT_DATA finding', (name) => {
    const r = exampleReport(name);
    const expected = r.findings
      .filter((f) => f.compliance === 'NON_COMPLIANT' || f.compliance === 'INSUFFICIENT_DATA')
      .flatMap((f) => f.details.map((d) => [f.ruleId, d.resourceId, d.problem]));
    const results = sarif(r).runs[0]!.results;
    expect(results.map((x) => [x.ruleId, x.properties.resourceId, x.message.text.split('\n')[0]])).toEqual(
      expected,
    );
    if (name === 'compliant-private-cluster.json') expect(results).toEqual([]);
    else expect(results.length).toBeGreaterThan(0);
  });
});

describe('formatSarif: any text gives valid SARIF JSON', () => {
  const special = fc.constantFrom(
    '"',
    '\\',
    '<',
    '>',
    '&',
    ']]>',
    '\u0000',
    '\u001f',
    '\u007f',
    '\uD800',
    '\uDFFF',
    '\uFFFE',
    '\n',
    '\r',
    '\u2028',
    '🙂',
  );
  const text = fc.string({
    unit: fc.oneof(special, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
    maxLength: 20,
  });

  it('parses, validates, and carries no lone surrogate', () => {
    fc.assert(
      fc.property(text, text, text, text, (annotation, problem, command, resourceId) => {
        const r = report([
          finding({
            compliance: 'NON_COMPLIANT',
            annotation,
            resourceId: resourceId || 'x',
            details: [
              detail({
                resourceId,
                problem,
                fix: { commands: [command], decide: problem, documentation: '' },
              }),
            ],
          }),
        ]);
        const output = formatSarif(r, RULES, { version: '0.1.0' });
        // Well-formed UTF-16 (so UTF-8 carries it unchanged): a lone surrogate would not survive.
        expect(Buffer.from(output, 'utf8').toString('utf8')).toBe(output);
        const log = JSON.parse(output) as SarifLog;
        expect(schemaErrors(log)).toEqual([]);
        const result = log.runs[0]!.results[0]!;
        const wellFormed = (s: string) =>
          s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
        expect(result.properties.commands).toEqual([wellFormed(command)]);
        expect(result.properties.resourceId).toBe(wellFormed(resourceId));
        expect(result.message.text.startsWith(wellFormed(problem))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
