import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { generateSnapshot } from '../../bench/generate';
import { checkSnapshot } from '../../cli/check-command';
import { formatJunit, xmlAttribute, xmlText } from '../../cli/format/junit';
import { resolveCheckSettings } from '../../cli/settings';
import type { Detail, Finding } from '../../engine/findings';
import type { Report } from '../../engine/report';
import { RULES } from '../../rules';
import { parseSnapshotText } from '../../snapshot/load';

/*
 * --format junit is read back with a strict XML 1.0 reader written here (no XML parser is
 * installed): every character must be one XML 1.0 allows, every reference must be one of the
 * five predefined entities or a character reference to an allowed character, tags must nest,
 * attributes must be unique and quoted, `<` never appears in a value and `]]>` never in text.
 * It accepts a subset of XML (no comments, CDATA, DOCTYPE or processing instructions but the
 * declaration), which is all the formatter writes. The tree is then held to the Jenkins/Surefire
 * JUnit schema (junit-10.xsd): elements, their children and attributes, required attributes.
 */

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

// XML 1.0's Char production.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;

function decodeReferences(raw: string, where: string): string {
  if (raw.includes('<')) throw new Error(`${where}: '<' in character data`);
  return raw.replace(/&([^;]*);|&/g, (whole, body: string | undefined) => {
    if (body === undefined) throw new Error(`${where}: bare '&'`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (body in named) return named[body]!;
    const number = /^#x([0-9a-fA-F]+)$/.exec(body) ?? /^#([0-9]+)$/.exec(body);
    if (!number) throw new Error(`${where}: unknown reference ${whole}`);
    const code = parseInt(number[1]!, body.startsWith('#x') ? 16 : 10);
    if (code > 0x10ffff) throw new Error(`${where}: reference ${whole} past Unicode`);
    const ch = String.fromCodePoint(code);
    if (NOT_XML_CHAR.test(ch) || (code >= 0xd800 && code <= 0xdfff)) {
      throw new Error(`${where}: reference ${whole} to a character XML forbids`);
    }
    return ch;
  });
}

/** Reads a document the formatter could write; throws on anything not well-formed. */
function readXml(document: string): XmlElement {
  const bad = NOT_XML_CHAR.exec(document);
  if (bad) throw new Error(`character U+${bad[0].codePointAt(0)!.toString(16)} is not allowed in XML 1.0`);
  // XML's end-of-line handling, before anything else (§2.11).
  let text = document.replace(/\r\n?/g, '\n');
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>';
  if (!text.startsWith(declaration)) throw new Error('no XML declaration');
  text = text.slice(declaration.length);
  let pos = 0;
  const skipSpace = () => {
    while (pos < text.length && ' \t\n'.includes(text[pos]!)) pos++;
  };
  const readElement = (): XmlElement => {
    if (text[pos] !== '<') throw new Error(`expected '<' at ${pos}`);
    pos++;
    const name = NAME.exec(text.slice(pos))?.[0];
    if (!name) throw new Error(`expected an element name at ${pos}`);
    pos += name.length;
    const element: XmlElement = { name, attributes: {}, children: [], text: '' };
    for (;;) {
      const before = pos;
      skipSpace();
      if (text.startsWith('/>', pos)) {
        pos += 2;
        return element;
      }
      if (text[pos] === '>') {
        pos++;
        break;
      }
      if (pos === before) throw new Error(`expected whitespace before an attribute of <${name}> at ${pos}`);
      const attribute = NAME.exec(text.slice(pos))?.[0];
      if (!attribute) throw new Error(`expected an attribute name in <${name}> at ${pos}`);
      pos += attribute.length;
      skipSpace();
      if (text[pos] !== '=') throw new Error(`expected '=' after ${attribute}`);
      pos++;
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") throw new Error(`unquoted value of ${attribute}`);
      const end = text.indexOf(quote, pos + 1);
      if (end < 0) throw new Error(`unterminated value of ${attribute}`);
      if (attribute in element.attributes) throw new Error(`<${name}> repeats ${attribute}`);
      // Attribute-value normalization (§3.3.3): literal white space becomes a space; references do not.
      const raw = text.slice(pos + 1, end).replace(/[\t\n]/g, ' ');
      element.attributes[attribute] = decodeReferences(raw, `${name}@${attribute}`);
      pos = end + 1;
    }
    for (;;) {
      const next = text.indexOf('<', pos);
      if (next < 0) throw new Error(`<${name}> is not closed`);
      const raw = text.slice(pos, next);
      if (raw.includes(']]>')) throw new Error(`']]>' in the text of <${name}>`);
      element.text += decodeReferences(raw, `text of <${name}>`);
      pos = next;
      if (text.startsWith('</', pos)) {
        const close = `</${name}`;
        if (!text.startsWith(close, pos)) throw new Error(`<${name}> closed by ${text.slice(pos, pos + 30)}`);
        pos += close.length;
        skipSpace();
        if (text[pos] !== '>') throw new Error(`bad end tag of <${name}>`);
        pos++;
        return element;
      }
      if (text.startsWith('<!', pos) || text.startsWith('<?', pos)) throw new Error('unexpected markup');
      element.children.push(readElement());
    }
  };
  skipSpace();
  const root = readElement();
  skipSpace();
  if (pos !== text.length) throw new Error(`content after the root element at ${pos}`);
  return root;
}

/** junit-10.xsd (Jenkins xUnit / Surefire): per element, its attributes (required ones marked) and children. */
const JUNIT_10: Record<
  string,
  { required: string[]; optional: string[]; children: string[]; text: boolean }
> = {
  testsuites: {
    required: [],
    optional: ['name', 'time', 'tests', 'failures', 'errors'],
    children: ['testsuite'],
    text: false,
  },
  testsuite: {
    required: ['name', 'tests', 'failures', 'errors'],
    optional: [
      'group',
      'time',
      'skipped',
      'timestamp',
      'hostname',
      'id',
      'package',
      'file',
      'log',
      'url',
      'version',
    ],
    children: ['testsuite', 'properties', 'testcase', 'system-out', 'system-err'],
    text: false,
  },
  properties: { required: [], optional: [], children: ['property'], text: false },
  property: { required: ['name', 'value'], optional: [], children: [], text: false },
  testcase: {
    required: ['name'],
    optional: ['time', 'classname', 'group'],
    children: ['skipped', 'error', 'failure', 'system-out', 'system-err'],
    text: false,
  },
  failure: { required: [], optional: ['type', 'message'], children: [], text: true },
  skipped: { required: [], optional: ['type', 'message'], children: [], text: true },
};
// junit-10.xsd's SUREFIRE_TIME.
const SUREFIRE_TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]{0,3})?$/;

function schemaProblems(element: XmlElement, path = element.name): string[] {
  const rule = JUNIT_10[element.name];
  if (!rule) return [`${path}: no such element in junit-10.xsd`];
  const problems: string[] = [];
  for (const name of rule.required) if (!(name in element.attributes)) problems.push(`${path}: no ${name}`);
  for (const name of Object.keys(element.attributes)) {
    if (!rule.required.includes(name) && !rule.optional.includes(name))
      problems.push(`${path}: attribute ${name}`);
  }
  if ('time' in element.attributes && !SUREFIRE_TIME.test(element.attributes.time!))
    problems.push(`${path}: time`);
  if (!rule.text && element.text.trim() !== '') problems.push(`${path}: text`);
  for (const child of element.children) {
    if (!rule.children.includes(child.name)) problems.push(`${path}: child ${child.name}`);
    problems.push(...schemaProblems(child, `${path}/${child.name}`));
  }
  return problems;
}

const NOW = new Date('2026-11-22T10:00:05Z');
const EXAMPLES = ['compliant-private-cluster.json', 'drifted-account.json', 'china-region.json'];

function exampleReport(name: string): Report {
  const text = readFileSync(join(__dirname, '..', '..', 'examples', name), 'utf8');
  return checkSnapshot(parseSnapshotText(text, name), resolveCheckSettings({}), NOW);
}

function detail(overrides: Partial<Detail> = {}): Detail {
  return {
    resourceId: 'sg-0b2',
    resourceType: 'AWS::EC2::SecurityGroup',
    problem: 'sg-0b2 does not allow tcp/443 from sg-0c3',
    fix: {
      commands: [
        "aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0b2 --ip-permissions '[]'",
      ],
      documentation:
        'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html',
    },
    ...overrides,
  };
}

function finding(overrides: Partial<Finding> = {}): Finding {
  const name = overrides.resourceId ?? 'prod-a';
  return {
    ruleId: 'VPC_ENDPOINTS_SECURITY_GROUPS',
    configRuleName: 'private-eks-vpc-endpoints-security-groups',
    severity: 'critical',
    resourceType: 'AWS::EKS::Cluster',
    resourceId: name,
    clusterArn: `arn:aws:eks:eu-west-1:111122223333:cluster/${name}`,
    vpcId: 'vpc-0abc',
    compliance: 'COMPLIANT',
    annotation: 'every judged endpoint admits the nodes on tcp/443',
    offenders: [],
    details: [],
    ...overrides,
  };
}

function report(findings: Finding[], accountId = '111122223333', region = 'eu-west-1'): Report {
  const summary = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0, INSUFFICIENT_DATA: 0 };
  for (const f of findings) summary[f.compliance]++;
  return { schemaVersion: 1, accountId, region, generatedAt: '2026-11-22T10:00:05Z', summary, findings };
}

const MIXED = report([
  finding({ resourceId: 'prod-b', ruleId: 'ENDPOINT_PRIVATE_ACCESS' }),
  finding({
    compliance: 'NON_COMPLIANT',
    annotation: 'sg-0b2 does not allow tcp/443 … (+1 more)',
    details: [
      detail(),
      detail({ resourceId: 'sg-0d4', problem: 'sg-0d4 does not allow tcp/443 from sg-0c3' }),
    ],
  }),
  finding({ ruleId: 'S3_GATEWAY_ROUTES', compliance: 'NOT_APPLICABLE', annotation: 's3 is not required' }),
  finding({
    ruleId: 'NETWORK_ACLS',
    compliance: 'INSUFFICIENT_DATA',
    annotation: 'snapshot has no ec2.NetworkAcls',
    details: [
      detail({
        resourceId: 'prod-a',
        resourceType: 'AWS::EKS::Cluster',
        problem: 'snapshot has no ec2.NetworkAcls',
        fix: { commands: [], decide: 'Capture the snapshot again.', documentation: '' },
      }),
    ],
  }),
]);

const suitesOf = (root: XmlElement) => root.children.filter((c) => c.name === 'testsuite');
const casesOf = (suite: XmlElement) => suite.children.filter((c) => c.name === 'testcase');

describe('xmlText and xmlAttribute', () => {
  it.each([
    {
      name: 'markup characters',
      input: 'a & b < c > d',
      text: 'a &amp; b &lt; c &gt; d',
      attribute: 'a &amp; b &lt; c &gt; d',
    },
    { name: 'double quotes', input: 'say "hi"', text: 'say "hi"', attribute: 'say &quot;hi&quot;' },
    { name: '"]]>"', input: 'x]]>y', text: 'x]]&gt;y', attribute: 'x]]&gt;y' },
    {
      name: 'tab, line feed, carriage return',
      input: 'tab\tline\nreturn\r',
      text: 'tab\tline\nreturn&#13;',
      attribute: 'tab&#9;line&#10;return&#13;',
    },
    {
      name: 'characters XML 1.0 forbids',
      input: 'nul\u0000 esc\u001b ff\uFFFF',
      text: 'nul\uFFFD esc\uFFFD ff\uFFFD',
      attribute: 'nul\uFFFD esc\uFFFD ff\uFFFD',
    },
    {
      name: 'lone surrogates (a pair stays)',
      input: 'lone \uD800 and \uDC00, pair 🙂',
      text: 'lone \uFFFD and \uFFFD, pair 🙂',
      attribute: 'lone \uFFFD and \uFFFD, pair 🙂',
    },
  ])('$name', ({ input, text, attribute }) => {
    expect(xmlText(input)).toBe(text);
    expect(xmlAttribute(input)).toBe(attribute);
  });
});

describe('the strict reader rejects what is not well-formed', () => {
  const head = '<?xml version="1.0" encoding="UTF-8"?>';
  it.each([
    ['a bare ampersand', `${head}<a>x & y</a>`],
    ['an unknown entity', `${head}<a>&nbsp;</a>`],
    ['a reference to NUL', `${head}<a>&#0;</a>`],
    ['a control character', `${head}<a>\u0001</a>`],
    ['a lone surrogate', `${head}<a>\uD800</a>`],
    ['"]]>" in text', `${head}<a>]]></a>`],
    ['"<" in a value', `${head}<a b="<"/>`],
    ['a repeated attribute', `${head}<a b="1" b="2"/>`],
    ['crossed tags', `${head}<a><b></a></b>`],
    ['two roots', `${head}<a/><b/>`],
  ])('%s', (_, document) => {
    expect(() => readXml(document)).toThrow();
  });
});

describe('formatJunit', () => {
  it.each([
    ...EXAMPLES.map((name) => ({ name, r: exampleReport(name) })),
    {
      name: 'generated 20 clusters',
      r: checkSnapshot(
        parseSnapshotText(JSON.stringify(generateSnapshot(20).snapshot), 'generated'),
        resolveCheckSettings({}),
        NOW,
      ),
    },
    { name: 'hand-made, every compliance', r: MIXED },
    { name: 'no clusters', r: report([]) },
  ])('$name: well-formed, junit-10.xsd, one test case per cluster × rule, counts that add up', ({ r }) => {
    const root = readXml(formatJunit(r));
    expect(root.name).toBe('testsuites');
    expect(schemaProblems(root)).toEqual([]);
    const suites = suitesOf(root);
    const clusters = [...new Set(r.findings.map((f) => f.clusterArn))];
    expect(suites).toHaveLength(clusters.length);
    expect(Number(root.attributes.tests)).toBe(r.findings.length);
    expect(Number(root.attributes.failures)).toBe(r.summary.NON_COMPLIANT);
    expect(root.attributes.errors).toBe('0');
    let cases = 0;
    for (const suite of suites) {
      const testcases = casesOf(suite);
      const arn = suite.children
        .find((c) => c.name === 'properties')!
        .children.find((p) => p.attributes.name === 'clusterArn')!.attributes.value!;
      const findings = r.findings.filter((f) => f.clusterArn === arn);
      expect(suite.attributes.name).toBe(findings[0]!.resourceId);
      expect(testcases.map((t) => t.attributes.name)).toEqual(findings.map((f) => f.ruleId));
      for (const t of testcases)
        expect(t.attributes.classname).toBe(`${r.accountId}.${r.region}.${findings[0]!.resourceId}`);
      const n = (kind: string) => testcases.filter((t) => t.children.some((c) => c.name === kind)).length;
      expect(Number(suite.attributes.tests)).toBe(testcases.length);
      expect(Number(suite.attributes.failures)).toBe(n('failure'));
      expect(Number(suite.attributes.skipped)).toBe(n('skipped'));
      expect(suite.attributes.errors).toBe('0');
      expect(n('failure')).toBe(findings.filter((f) => f.compliance === 'NON_COMPLIANT').length);
      expect(n('skipped')).toBe(
        findings.filter((f) => f.compliance === 'NOT_APPLICABLE' || f.compliance === 'INSUFFICIENT_DATA')
          .length,
      );
      for (const t of testcases) expect(t.children.length).toBeLessThanOrEqual(1);
      cases += testcases.length;
    }
    expect(cases).toBe(r.findings.length);
    // Suites by cluster name: a CI tool lists them in a stable order.
    const names = suites.map((s) => s.attributes.name!);
    expect(names).toEqual([...names].sort());
  });

  it('a NON_COMPLIANT finding fails with the annotation, and every detail and fix in the text', () => {
    const root = readXml(formatJunit(MIXED));
    const prodA = suitesOf(root).find((s) => s.attributes.name === 'prod-a')!;
    const failed = casesOf(prodA).find((t) => t.attributes.name === 'VPC_ENDPOINTS_SECURITY_GROUPS')!;
    const failure = failed.children[0]!;
    expect(failure.name).toBe('failure');
    expect(failure.attributes).toEqual({
      message: 'sg-0b2 does not allow tcp/443 … (+1 more)',
      type: 'NON_COMPLIANT',
    });
    expect(failure.text).toContain(
      '- sg-0b2 (AWS::EC2::SecurityGroup): sg-0b2 does not allow tcp/443 from sg-0c3',
    );
    expect(failure.text).toContain(
      '- sg-0d4 (AWS::EC2::SecurityGroup): sg-0d4 does not allow tcp/443 from sg-0c3',
    );
    expect(failure.text).toContain(
      "    aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0b2 --ip-permissions '[]'",
    );
    expect(failure.text).toContain(
      '    docs: https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html',
    );
    expect(failure.text).toContain('severity critical');
  });

  it.each([
    { rule: 'S3_GATEWAY_ROUTES', message: /^NOT_APPLICABLE \(.*\): s3 is not required$/, text: '' },
    {
      rule: 'NETWORK_ACLS',
      message: /^INSUFFICIENT_DATA \(not checked.*\): snapshot has no ec2\.NetworkAcls$/,
      text: 'decide: Capture the snapshot again.',
    },
  ])('$rule is skipped, saying which and why', ({ rule, message, text }) => {
    const prodA = suitesOf(readXml(formatJunit(MIXED))).find((s) => s.attributes.name === 'prod-a')!;
    const skipped = casesOf(prodA).find((t) => t.attributes.name === rule)!.children[0]!;
    expect(skipped.name).toBe('skipped');
    expect(skipped.attributes.message).toMatch(message);
    if (text) expect(skipped.text).toContain(text);
    else expect(skipped.text).toBe('');
  });

  it('a COMPLIANT finding passes: a test case with nothing in it', () => {
    const prodB = suitesOf(readXml(formatJunit(MIXED))).find((s) => s.attributes.name === 'prod-b')!;
    expect(casesOf(prodB)).toEqual([
      expect.objectContaining({
        children: [],
        attributes: expect.objectContaining({ name: 'ENDPOINT_PRIVATE_ACCESS' }),
      }),
    ]);
  });

  it('keeps two clusters of one name apart (by ARN)', () => {
    const twins = report([
      finding({ clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/x', resourceId: 'x' }),
      finding({ clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/x-copy', resourceId: 'x' }),
    ]);
    const suites = suitesOf(readXml(formatJunit(twins)));
    expect(suites).toHaveLength(2);
    expect(suites.map((s) => s.attributes.id)).toEqual(['0', '1']);
  });

  it('the catalog fits: every rule id is a test name as it stands', () => {
    for (const rule of RULES) expect(rule.meta.id).toMatch(/^[A-Z0-9_]+$/);
  });
});

describe('formatJunit: any text gives well-formed XML that reads back as written', () => {
  const special = fc.constantFrom(
    '"',
    "'",
    '<',
    '>',
    '&',
    ']]>',
    '&amp;',
    '\u0000',
    '\u0008',
    '\u000b',
    '\u001f',
    '\u007f',
    '\uD800',
    '\uDFFF',
    '\uFFFE',
    '\uFFFF',
    '\t',
    '\n',
    '\r',
    '\r\n',
    '🙂',
  );
  const text = fc.string({
    unit: fc.oneof(special, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
    maxLength: 20,
  });
  /** What the document should carry for `s`: characters XML forbids replaced. */
  const expected = (s: string) =>
    s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');

  it('for annotations, problems, commands, decisions and names', () => {
    fc.assert(
      fc.property(
        text,
        text,
        text,
        text,
        text,
        fc.constantFrom('NON_COMPLIANT', 'INSUFFICIENT_DATA', 'NOT_APPLICABLE'),
        (annotation, problem, command, cluster, region, compliance) => {
          const r = report(
            [
              finding({
                resourceId: cluster,
                compliance,
                annotation,
                details:
                  compliance === 'NOT_APPLICABLE'
                    ? []
                    : [
                        detail({
                          resourceId: cluster,
                          problem,
                          fix: { commands: [command], decide: problem, documentation: '' },
                        }),
                      ],
              }),
            ],
            '111122223333',
            region,
          );
          const root = readXml(formatJunit(r));
          expect(schemaProblems(root)).toEqual([]);
          const suite = suitesOf(root)[0]!;
          expect(suite.attributes.name).toBe(expected(cluster));
          const testcase = casesOf(suite)[0]!;
          expect(testcase.attributes.classname).toBe(expected(`111122223333.${region}.${cluster}`));
          const outcome = testcase.children[0]!;
          if (compliance === 'NON_COMPLIANT') expect(outcome.attributes.message).toBe(expected(annotation));
          else expect(outcome.attributes.message!.endsWith(`: ${expected(annotation)}`)).toBe(true);
          if (compliance !== 'NOT_APPLICABLE') {
            expect(outcome.text).toContain(`(AWS::EC2::SecurityGroup): ${expected(problem)}`);
            expect(outcome.text).toContain(`    ${expected(command)}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
