import type { Finding } from '../../engine/findings';
import type { Report } from '../../engine/report';
import { formatJson } from '../../cli/format/json';
import { escapeCell, formatMarkdown } from '../../cli/format/markdown';
import { formatTable, summaryLines } from '../../cli/format/table';
import { colors, wrap } from '../../cli/format/text';
import { colorEnabled } from '../../cli/io';
import { hasAnsi, maxLineWidth, SPEC_REPORT_KEYS, stripAnsi } from './helpers';

function finding(overrides: Partial<Finding>): Finding {
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

function report(findings: Finding[]): Report {
  const summary = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0, INSUFFICIENT_DATA: 0 };
  for (const f of findings) summary[f.compliance]++;
  return {
    schemaVersion: 1,
    accountId: '111122223333',
    region: 'eu-west-1',
    generatedAt: '2026-11-22T10:00:05Z',
    summary,
    findings,
  };
}

const LONG_ANNOTATION =
  'vpce-0a1 (ecr.dkr): sg-0b2 does not allow tcp/443 from sg-0c3 (cluster SG) or subnet-0d4 10.0.32.0/20; ' +
  'arn:aws:eks:eu-west-1:111122223333:cluster/' +
  'x'.repeat(120);

describe('wrap', () => {
  it.each([
    { text: 'a bb ccc', width: 4, lines: ['a bb', 'ccc'] },
    { text: 'abcdefghij', width: 4, lines: ['abcd', 'efgh', 'ij'] },
    { text: 'ab cdefghij k', width: 4, lines: ['ab', 'cdef', 'ghij', 'k'] },
    { text: 'one\ntwo three', width: 20, lines: ['one', 'two three'] },
    { text: '', width: 5, lines: [''] },
  ])('wraps $text at $width columns without losing characters', ({ text, width, lines }) => {
    expect(wrap(text, width)).toEqual(lines);
  });
});

describe('formatTable', () => {
  const findings = [
    finding({ compliance: 'NON_COMPLIANT', annotation: LONG_ANNOTATION, offenders: ['vpce-0a1'] }),
    finding({
      resourceId: 'a-cluster-name-far-longer-than-the-cluster-column-of-the-table',
      ruleId: 'NETWORK_ACLS',
      compliance: 'INSUFFICIENT_DATA',
      annotation: 'snapshot has no ec2.NetworkAcls',
    }),
    finding({ severity: 'low', ruleId: 'SUBNETS_INTERNAL_ELB_TAG', annotation: 'COMPLIANT-ONLY-NOTE' }),
  ];

  it.each([{ color: false }, { color: true }])(
    'keeps every line within 80 columns (color: $color)',
    ({ color }) => {
      const text = formatTable(report(findings), colors(color));
      expect(hasAnsi(text)).toBe(color);
      expect(maxLineWidth(text)).toBeLessThanOrEqual(80);
    },
  );

  it('lists what needs attention and counts COMPLIANT findings, unless asked for all', () => {
    const rowsOf = (text: string) => text.split('\n').filter((line) => /^│ (critical|low)/.test(line));
    const brief = formatTable(report(findings), colors(false));
    expect(rowsOf(brief)).toHaveLength(2);
    expect(brief).not.toContain('SUBNETS_INTERNAL_ELB_TAG');
    expect(brief).toContain('1 COMPLIANT finding not listed (--all lists every finding).');
    const all = formatTable(report(findings), colors(false), { all: true });
    expect(rowsOf(all)).toHaveLength(3);
    expect(all).toContain('SUBNETS_INTERNAL_ELB_TAG');
    expect(all).not.toContain('not listed');
  });

  it('says so in one line when every finding is COMPLIANT', () => {
    const text = formatTable(report([finding({}), finding({ resourceId: 'prod-b' })]), colors(false));
    expect(text).toContain('All 2 findings are COMPLIANT (--all lists them).');
    expect(text).not.toContain('┌');
  });

  it('shows annotations of NON_COMPLIANT and INSUFFICIENT_DATA findings in full, not those of COMPLIANT ones', () => {
    const text = formatTable(report(findings), colors(false), { all: true });
    const flattened = text
      .split('\n')
      .map((line) => line.replace(/^│\s*/, '').replace(/\s*│$/, ''))
      .join('')
      .replace(/\s/g, '');
    expect(flattened).toContain(LONG_ANNOTATION.replace(/\s/g, ''));
    expect(text).toContain('snapshot has no ec2.NetworkAcls');
    expect(text).not.toContain('COMPLIANT-ONLY-NOTE');
    expect(text).not.toContain('…');
  });

  it('ends with the four counts and a pointer to the remediation when something is NON_COMPLIANT', () => {
    const lines = formatTable(report(findings), colors(false)).trimEnd().split('\n');
    expect(lines.at(-2)).toBe('Summary: 1 NON_COMPLIANT, 1 INSUFFICIENT_DATA, 1 COMPLIANT, 0 NOT_APPLICABLE');
    expect(lines.at(-1)).toMatch(/rules --format json/);
  });

  it('says so when the snapshot has no clusters', () => {
    const text = formatTable(report([]), colors(false));
    expect(text).toContain('no EKS clusters');
    expect(text).toContain('Summary: 0 NON_COMPLIANT');
  });

  it('wraps the summary between counts when large numbers would pass 80 columns', () => {
    const summary = {
      COMPLIANT: 1234567,
      NON_COMPLIANT: 1234567,
      NOT_APPLICABLE: 1234567,
      INSUFFICIENT_DATA: 1234567,
    };
    const lines = summaryLines(summary, colors(true)).map(stripAnsi);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(lines.join(' ')).toMatch(/1234567 NON_COMPLIANT,.*1234567 NOT_APPLICABLE$/);
  });
});

describe('colorEnabled', () => {
  it.each([
    { isTTY: true, env: {}, expected: true },
    { isTTY: false, env: {}, expected: false },
    { isTTY: false, env: { CI: 'true' }, expected: false },
    { isTTY: true, env: { NO_COLOR: '1' }, expected: false },
    { isTTY: true, env: { NO_COLOR: '' }, expected: true },
    { isTTY: true, env: { TERM: 'dumb' }, expected: false },
    { isTTY: false, env: { FORCE_COLOR: '1' }, expected: true },
    { isTTY: true, env: { FORCE_COLOR: '0' }, expected: false },
    { isTTY: false, env: { FORCE_COLOR: '1', NO_COLOR: '1' }, expected: false },
  ])('TTY $isTTY, env $env → $expected', ({ isTTY, env, expected }) => {
    expect(colorEnabled({ stdoutIsTTY: isTTY, env })).toBe(expected);
  });
});

describe('escapeCell (markdown)', () => {
  it.each([
    { text: 'a|b', escaped: 'a\\|b' },
    { text: 'line one\nline two', escaped: 'line one<br>line two' },
    { text: 'crlf\r\nend', escaped: 'crlf<br>end' },
    { text: 'tag kubernetes.io/cluster/<name>', escaped: 'tag kubernetes.io/cluster/\\<name\\>' },
    { text: 'back\\slash|pipe', escaped: 'back\\\\slash\\|pipe' },
    { text: 'Principal `*`', escaped: 'Principal \\`\\*\\`' },
  ])('$text', ({ text, escaped }) => {
    expect(escapeCell(text)).toBe(escaped);
  });
});

describe('formatMarkdown', () => {
  it('writes a heading, the counts and one escaped row per finding', () => {
    const text = formatMarkdown(
      report([
        finding({ compliance: 'NON_COMPLIANT', annotation: 'sg-1 | sg-2\nsecond line', offenders: ['sg-1'] }),
      ]),
    );
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('# private-eks-guard findings');
    expect(text).toContain(
      '**Summary:** 1 NON_COMPLIANT, 0 INSUFFICIENT_DATA, 0 COMPLIANT, 0 NOT_APPLICABLE',
    );
    expect(lines.at(-3)).toBe('| Severity | Cluster | Rule | Result | Details |');
    expect(lines.at(-1)).toBe(
      '| critical | `prod-a` | `VPC_ENDPOINTS_SECURITY_GROUPS` | **NON_COMPLIANT** | sg-1 \\| sg-2<br>second line |',
    );
  });
});

describe('formatJson', () => {
  it('writes exactly the SPEC §5 keys, even if a finding object carries more', () => {
    const extra = { ...finding({}), debugInfo: 'internal' } as Finding;
    const parsed = JSON.parse(formatJson(report([extra]))) as { findings: Record<string, unknown>[] };
    expect(Object.keys(parsed.findings[0]!)).not.toContain('debugInfo');
    expect(Object.keys(parsed.findings[0]!)).toHaveLength(11);
    expect(Object.keys(parsed)).toEqual(SPEC_REPORT_KEYS);
  });
});
