import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Detail, Finding } from '../../engine/findings';
import type { Report } from '../../engine/report';
import { checkSnapshot } from '../../cli/check-command';
import { formatJson } from '../../cli/format/json';
import { codeFence, escapeCell, escapeText, formatMarkdown } from '../../cli/format/markdown';
import { commandLines, formatTable, shellWords, summaryLines, wrapOnto } from '../../cli/format/table';
import { colors, wrap } from '../../cli/format/text';
import { colorEnabled } from '../../cli/io';
import { resolveCheckSettings } from '../../cli/settings';
import { awsCli, shellWord } from '../../fixes/aws-cli';
import { parseSnapshotText } from '../../snapshot/load';
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

describe('wrapOnto', () => {
  it('writes the lines wrap writes, after the prefixes, for any text and width', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', ' ', ' ', '\t', '\n', '\u00a0', '…'),
      maxLength: 60,
    });
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 12 }), (t, width) => {
        const out: string[] = ['kept'];
        wrapOnto(t, width, '> ', '. ', out);
        expect(out).toEqual(['kept', ...wrap(t, width).map((line, i) => (i === 0 ? '> ' : '. ') + line)]);
      }),
      { numRuns: 2000 },
    );
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

const NOW = new Date('2026-11-22T10:00:05Z');
const EXAMPLES = ['compliant-private-cluster.json', 'drifted-account.json', 'china-region.json'];

function exampleReport(name: string): Report {
  const text = readFileSync(join(__dirname, '..', '..', 'examples', name), 'utf8');
  return checkSnapshot(parseSnapshotText(text, name), resolveCheckSettings({}), NOW);
}

const DOCS = 'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html';
const LONG_COMMAND = awsCli('ec2', 'authorize-security-group-ingress', 'eu-west-1', [
  ['group-id', 'sg-0b2'],
  [
    'ip-permissions',
    [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-0c3' }] }],
  ],
  ['tag-specifications', 'ResourceType=security-group-rule,Tags=[{Key=owner,Value=platform team}]'],
]);

function detail(overrides: Partial<Detail> = {}): Detail {
  return {
    resourceId: 'sg-0b2',
    resourceType: 'AWS::EC2::SecurityGroup',
    problem: `nodes → vpce-0a1 (ecr.dkr): sg-0b2 does not allow tcp/443 from sg-0c3 (cluster SG) or subnet-0d4 10.0.32.0/20, so image pulls time out`,
    fix: { commands: [LONG_COMMAND], documentation: DOCS },
    ...overrides,
  };
}

const DECIDE =
  'Which CIDR the API server should admit is yours to choose: list the networks kubectl runs from.';
const DETAILED = [
  finding({
    compliance: 'NON_COMPLIANT',
    annotation: 'sg-0b2 does not allow tcp/443 … (+2 more)',
    details: [
      detail(),
      detail({ resourceId: 'sg-0e5', problem: 'sg-0e5 does not allow tcp/443 from sg-0c3' }),
      detail({
        resourceId: 'prod-a',
        resourceType: 'AWS::EKS::Cluster',
        problem: 'public endpoint open to 0.0.0.0/0',
        fix: {
          commands: [],
          decide: DECIDE,
          documentation: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
        },
      }),
    ],
  }),
  finding({
    resourceId: 'prod-b',
    ruleId: 'NETWORK_ACLS',
    compliance: 'INSUFFICIENT_DATA',
    annotation: 'snapshot has no ec2.NetworkAcls',
    details: [
      detail({
        resourceId: 'prod-b',
        resourceType: 'AWS::EKS::Cluster',
        problem: 'snapshot has no ec2.NetworkAcls',
        fix: { commands: [], decide: 'Capture the snapshot again.', documentation: '' },
      }),
    ],
  }),
  finding({ severity: 'low', ruleId: 'SUBNETS_INTERNAL_ELB_TAG', resourceId: 'prod-c' }),
  finding({ ruleId: 'S3_GATEWAY_ROUTES', compliance: 'NOT_APPLICABLE', annotation: 's3 is not required' }),
];

/** The lines of the table's "How to fix" section (between the table and the summary), colour removed. */
function fixSection(text: string): string[] {
  const lines = stripAnsi(text).split('\n');
  const start = lines.indexOf(lines.find((l) => l.startsWith('How to fix (')) ?? '\u0000');
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('Summary:'));
  return lines.slice(start, end);
}

/** A command as a shell reads the lines commandLines wrote: each ` \` and line break removed. */
function asShellReadsIt(lines: readonly string[]): string {
  return lines.map((l) => l.trim().replace(/ \\$/, '')).join(' ');
}

/** Every line fits 80 columns, but for one holding a single word that cannot be broken (a link, a quoted value). */
function expectTerminalWidth(text: string): void {
  for (const line of stripAnsi(text).split('\n')) {
    if ([...line].length <= 80) continue;
    expect(line).toMatch(/^ *(docs: )?\S+( \\)?$/);
  }
}

describe('shellWords', () => {
  it.each([
    { command: 'aws ec2 x --a b', words: ['aws', 'ec2', 'x', '--a', 'b'] },
    {
      command: 'aws  x --d \'two words\' --e "x y"',
      words: ['aws', 'x', '--d', "'two words'", '--e', '"x y"'],
    },
    { command: "a b\\ c 'it'\\''s'", words: ['a', 'b\\ c', "'it'\\''s'"] },
    { command: 'X=$(aws a --b c)', words: ['X=$(aws', 'a', '--b', 'c)'] },
    { command: 'a "x y" "$(aws b --c d)"', words: ['a', '"x y"', '"$(aws', 'b', '--c', 'd)"'] },
    { command: `"$(a 'x y' "z w")" e`, words: ['"$(a', "'x y'", '"z w")"', 'e'] },
    { command: 'a "$(b', words: undefined },
    { command: "a 'open", words: undefined },
    { command: 'a \\', words: undefined },
    { command: 'a\nb', words: undefined },
  ])('$command', ({ command, words }) => {
    expect(shellWords(command)).toEqual(words);
  });
});

describe('commandLines', () => {
  it('keeps a command that fits on one line as it is', () => {
    expect(commandLines('aws eks describe-cluster --name a', 80, '    ', '      ')).toEqual([
      '    aws eks describe-cluster --name a',
    ]);
  });

  it('breaks between words with a shell line continuation, an option beside its value', () => {
    const lines = commandLines(LONG_COMMAND, 80, '    ', '      ');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]).toBe('    aws ec2 authorize-security-group-ingress --region eu-west-1 \\');
    expect(lines[1]).toBe('      --group-id sg-0b2 --ip-permissions \\');
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/ \\$/);
    expect(lines.at(-1)).not.toMatch(/\\$/);
    expect(shellWords(asShellReadsIt(lines))).toEqual(shellWords(LONG_COMMAND));
  });

  it('leaves a command whose quoting it cannot follow on one line', () => {
    const command = `aws ec2 x --description 'unclosed ${'y'.repeat(80)}`;
    expect(commandLines(command, 80, '  ', '    ')).toEqual([`  ${command}`]);
  });

  it('any command of shell words: within the width but for a word too long, and the same words read back', () => {
    const word = fc.oneof(
      fc.string({
        unit: fc.constantFrom('a', '-', '=', ' ', "'", '"', '\\', '$', '(', ')', '{', '}', ','),
        maxLength: 30,
      }),
      fc.constantFrom('--region', '--group-id', '--ip-permissions', 'sg-0b2', '--ingress'),
    );
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 30, max: 100 }),
        (values, width) => {
          // Some values as a command substitution in double quotes, as fixes write a looked-up id.
          const words = values.map((v, i) =>
            i % 3 === 2 ? `"$(aws ec2 x --filters ${shellWord(v)} --output text)"` : shellWord(v),
          );
          const command = ['aws', ...words].join(' ');
          const lines = commandLines(command, width, '    ', '      ');
          expect(shellWords(asShellReadsIt(lines))).toEqual(shellWords(command));
          for (const line of lines) {
            if (line.length > width) expect(shellWords(line.replace(/ \\$/, ''))).toHaveLength(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('commandLines: a POSIX shell reads the lines as the command', () => {
  it('runs each wrapped command exactly as it runs unwrapped (sh, printf of every argument)', () => {
    const value = fc.string({
      unit: fc.constantFrom(
        'a',
        '-',
        '=',
        ' ',
        "'",
        '"',
        '\\',
        '$',
        '(',
        ')',
        '{',
        '}',
        ',',
        '`',
        '*',
        '#',
        ';',
      ),
      maxLength: 24,
    });
    const samples = fc.sample(
      fc.tuple(fc.array(value, { minLength: 1, maxLength: 10 }), fc.integer({ min: 24, max: 90 })),
      150,
    );
    const originals: string[] = [];
    const wrapped: string[] = [];
    for (const [values, width] of samples) {
      // Arguments quoted as fixes quote them, some through a command substitution in double quotes.
      const words = values.map((v, i) => (i % 3 === 2 ? `"$(printf '%s' ${shellWord(v)})"` : shellWord(v)));
      const command = `printf '[%s]' --region ${words.join(' ')}`;
      originals.push(command);
      wrapped.push(commandLines(command, width, '    ', '      ').join('\n'));
    }
    const run = (commands: string[]) => {
      const result = spawnSync('sh', ['-c', commands.map((c) => `${c}\necho`).join('\n')], {
        encoding: 'utf8',
      });
      if (result.error) throw result.error;
      expect(result.stderr).toBe('');
      return result.stdout.split('\n');
    };
    const expected = run(originals);
    expect(expected).toHaveLength(samples.length + 1);
    expect(run(wrapped)).toEqual(expected);
    expect(wrapped.some((w) => w.includes('\n'))).toBe(true);
  });
});

describe('formatTable: details and fixes under the table', () => {
  it('follows the table with each listed finding’s details: the resource, the problem, the fix, the page', () => {
    const section = fixSection(formatTable(report(DETAILED), colors(false)));
    const text = section.join('\n');
    expect(section.slice(0, 2)).toEqual([
      'How to fix (AWS CLI v2 commands for a POSIX shell; where a line ends in a',
      'backslash, the command goes on):',
    ]);
    const headings = section.filter((l) => /^(critical|low) /.test(l));
    expect(headings).toEqual([
      'critical prod-a VPC_ENDPOINTS_SECURITY_GROUPS NON_COMPLIANT',
      'critical prod-b NETWORK_ACLS INSUFFICIENT_DATA',
    ]);
    const first = section.indexOf(
      '  - sg-0b2 (AWS::EC2::SecurityGroup): nodes → vpce-0a1 (ecr.dkr): sg-0b2 does',
    );
    expect(section.slice(first + 1, first + 3)).toEqual([
      '    not allow tcp/443 from sg-0c3 (cluster SG) or subnet-0d4 10.0.32.0/20, so',
      '    image pulls time out',
    ]);
    const commandStart = section.indexOf(
      '    aws ec2 authorize-security-group-ingress --region eu-west-1 \\',
    );
    expect(commandStart).toBeGreaterThan(0);
    const commandEnd = section.findIndex((l, i) => i >= commandStart && !l.endsWith(' \\'));
    expect(shellWords(asShellReadsIt(section.slice(commandStart, commandEnd + 1)))).toEqual(
      shellWords(LONG_COMMAND),
    );
    expect(section[commandEnd + 1]).toBe(`    docs: ${DOCS}`);
    // The second detail has the same fix: it is not repeated.
    expect(section.slice(commandEnd + 2, commandEnd + 4)).toEqual([
      '  - sg-0e5 (AWS::EC2::SecurityGroup): sg-0e5 does not allow tcp/443 from sg-0c3',
      '    fix: as above',
    ]);
    expect(text.replace(/\n\s+/g, ' ')).toContain(`decide: ${DECIDE}`);
    expect(text).toContain(
      '    docs: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
    );
    expect(text).toContain(
      '  - prod-b (AWS::EKS::Cluster): snapshot has no ec2.NetworkAcls\n    decide: Capture the snapshot again.',
    );
    expect(text).not.toContain('S3_GATEWAY_ROUTES');
  });

  it.each([{ color: false }, { color: true }])(
    'stays within 80 columns but for words it must not break (color: $color)',
    ({ color }) => {
      expectTerminalWidth(formatTable(report(DETAILED), colors(color), { all: true }));
    },
  );

  it('does no work for the COMPLIANT rows it does not list, and none for their details with --all', () => {
    const untouchable = finding({ resourceId: 'prod-z' });
    Object.defineProperty(untouchable, 'details', {
      get: () => {
        throw new Error('details of a COMPLIANT finding read');
      },
    });
    for (const all of [false, true]) {
      expect(() => formatTable(report([...DETAILED, untouchable]), colors(false), { all })).not.toThrow();
    }
  });

  it('has no section when nothing listed has details', () => {
    const text = formatTable(report([finding({}), finding({ compliance: 'NOT_APPLICABLE' })]), colors(false));
    expect(text).not.toContain('How to fix');
  });

  it.each(EXAMPLES)(
    '%s: a heading per listed finding that failed or was not checked, every detail under it',
    (name) => {
      const r = exampleReport(name);
      const text = formatTable(r, colors(false));
      const section = fixSection(text);
      const needing = r.findings.filter(
        (f) => f.compliance === 'NON_COMPLIANT' || f.compliance === 'INSUFFICIENT_DATA',
      );
      expect(section.filter((l) => /^(critical|high|medium|low) /.test(l))).toEqual(
        needing.map((f) => `${f.severity} ${f.resourceId} ${f.ruleId} ${f.compliance}`),
      );
      // As a reader (or a shell, for commands) takes the wrapped lines back together.
      const flat = section.join('\n').replace(/ \\\n/g, ' ').replace(/\s+/g, '');
      for (const f of needing) {
        for (const d of f.details) {
          expect(flat).toContain(`${d.resourceId}(${d.resourceType}):${d.problem}`.replace(/\s+/g, ''));
          for (const command of d.fix.commands) expect(flat).toContain(command.replace(/\s+/g, ''));
        }
      }
      expectTerminalWidth(text);
      if (needing.length === 0) expect(section).toEqual([]);
      else expect(section.length).toBeGreaterThan(needing.length);
    },
  );
});

describe('escapeText (markdown)', () => {
  it.each([
    { text: 'snake_case [link](x)', escaped: 'snake\\_case \\[link\\](x)' },
    { text: '# not a heading', escaped: '\\# not a heading' },
    { text: '--vpc-id <vpc> a|b `c` *d*', escaped: '--vpc-id \\<vpc\\> a\\|b \\`c\\` \\*d\\*' },
    { text: 'one\ntwo', escaped: 'one<br>two' },
  ])('$text', ({ text, escaped }) => {
    expect(escapeText(text)).toBe(escaped);
  });

  it.each([
    { lines: ['aws ec2 x'], fence: '```' },
    { lines: ['echo ```'], fence: '````' },
    { lines: ['a `b`', 'c ``````'], fence: '```````' },
  ])('codeFence($lines) = $fence', ({ lines, fence }) => {
    expect(codeFence(lines)).toBe(fence);
  });
});

describe('formatMarkdown: rows as the table lists them, then how to fix each', () => {
  const rowsOf = (text: string) =>
    text.split('\n').filter((l) => /^\| (critical|high|medium|low) \|/.test(l));

  it.each([
    { all: false, rows: 3, notListed: true },
    { all: true, rows: 4, notListed: false },
  ])('--all $all: $rows rows', ({ all, rows, notListed }) => {
    const text = formatMarkdown(report(DETAILED), { all });
    expect(rowsOf(text)).toHaveLength(rows);
    expect(text.includes('1 COMPLIANT finding not listed (--all lists every finding).')).toBe(notListed);
    expect(text.includes('SUBNETS_INTERNAL_ELB_TAG')).toBe(all);
  });

  it('says so in one line when every finding is COMPLIANT, unless asked for all', () => {
    const compliant = report([finding({}), finding({ resourceId: 'prod-b' })]);
    const text = formatMarkdown(compliant);
    expect(text).toContain('All 2 findings are COMPLIANT (--all lists them).');
    expect(rowsOf(text)).toEqual([]);
    expect(rowsOf(formatMarkdown(compliant, { all: true }))).toHaveLength(2);
  });

  it('lists each detail with its commands in a shell block, unwrapped, what to decide and the page', () => {
    const text = formatMarkdown(report(DETAILED));
    const section = text.slice(text.indexOf('## How to fix'));
    expect(section).toContain(
      '### critical · `prod-a` · `VPC_ENDPOINTS_SECURITY_GROUPS` · **NON_COMPLIANT**',
    );
    expect(section).toContain('### critical · `prod-b` · `NETWORK_ACLS` · INSUFFICIENT_DATA');
    expect(section).toContain(`  \`\`\`sh\n  ${LONG_COMMAND}\n  \`\`\``);
    expect(section).toContain(`  [AWS documentation](${DOCS})`);
    expect(section).toContain(
      '- `sg-0e5` (AWS::EC2::SecurityGroup): sg-0e5 does not allow tcp/443 from sg-0c3\n\n  Fix: as above.',
    );
    expect(section).toContain(`  **Decide:** ${escapeText(DECIDE)}`);
    expect(section).not.toContain('S3_GATEWAY_ROUTES');
  });

  it('reads nothing of the COMPLIANT findings it does not list, and not their details with --all', () => {
    const untouchable = finding({ resourceId: 'prod-z' });
    Object.defineProperty(untouchable, 'details', {
      get: () => {
        throw new Error('details of a COMPLIANT finding read');
      },
    });
    Object.defineProperty(untouchable, 'annotation', {
      get: () => {
        throw new Error('annotation of an unlisted finding read');
      },
    });
    expect(() => formatMarkdown(report([...DETAILED, untouchable]))).not.toThrow();
    const listedWithoutDetails = finding({ resourceId: 'prod-y' });
    Object.defineProperty(listedWithoutDetails, 'details', {
      get: () => {
        throw new Error('details of a COMPLIANT finding read');
      },
    });
    const all = formatMarkdown(report([...DETAILED, listedWithoutDetails]), { all: true });
    expect(all).toContain('| `prod-y` |');
  });

  it('keeps a command with backticks or line breaks inside its code block', () => {
    const odd = finding({
      compliance: 'NON_COMPLIANT',
      annotation: 'x',
      details: [detail({ fix: { commands: ['echo ```', "printf 'a\nb'"], documentation: '' } })],
    });
    const lines = formatMarkdown(report([odd])).split('\n');
    const open = lines.indexOf('  ````sh');
    expect(open).toBeGreaterThan(0);
    expect(lines.slice(open + 1, open + 5)).toEqual(['  echo ```', "  printf 'a", "  b'", '  ````']);
  });

  it('escapes problems, so markup in them shows as text', () => {
    const odd = finding({
      compliance: 'NON_COMPLIANT',
      annotation: 'x',
      details: [detail({ resourceId: 'a b|c', problem: 'tag <name> is *missing*\n# not a heading' })],
    });
    const text = formatMarkdown(report([odd]));
    expect(text).toContain(
      '- a b\\|c (AWS::EC2::SecurityGroup): tag \\<name\\> is \\*missing\\*<br>\\# not a heading',
    );
  });

  it.each(EXAMPLES)(
    '%s: a heading per finding that failed or was not checked, and a list item per detail',
    (name) => {
      const r = exampleReport(name);
      const text = formatMarkdown(r);
      const needing = r.findings.filter(
        (f) => f.compliance === 'NON_COMPLIANT' || f.compliance === 'INSUFFICIENT_DATA',
      );
      expect(text.split('\n').filter((l) => l.startsWith('### '))).toHaveLength(needing.length);
      expect(text.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(
        needing.reduce((n, f) => n + f.details.length, 0),
      );
      for (const f of needing)
        for (const d of f.details) for (const c of d.fix.commands) expect(text).toContain(`\n  ${c}\n`);
      expect(rowsOf(text)).toHaveLength(needing.length + r.summary.NOT_APPLICABLE);
    },
  );
});
