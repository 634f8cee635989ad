import type { Detail, Finding } from '../../engine/findings';
import { findingsByCluster, type ClusterFindings, type Report } from '../../engine/report';

/*
 * `--format junit`: the report as the JUnit XML that CI servers read (Jenkins' JUnit plugin,
 * GitLab's unit test reports, GitHub Actions test reporters), following the Jenkins/Surefire
 * schema (junit-10.xsd): <testsuites> of <testsuite>s of <testcase>s, each with at most one
 * <failure> or <skipped>.
 *
 * One <testsuite> per cluster, one <testcase> per cluster × rule: a cluster is what a team
 * owns and fixes, so its suite reads as that cluster's checklist. A test case's classname is
 * `<account>.<Region>.<cluster>` and its name the rule id: tools that split the classname at
 * its last dot (Jenkins) show package `<account>.<Region>`, class `<cluster>`, test `<rule>`
 * (EKS cluster names and Regions hold no dots).
 *
 * NON_COMPLIANT → <failure> (message: the annotation; text: every detail with its fix).
 * NOT_APPLICABLE and INSUFFICIENT_DATA → <skipped> (message: which, and the annotation; for
 * INSUFFICIENT_DATA the text lists what was not shown and how to capture it). COMPLIANT
 * passes. Nothing is an <error>: a check that cannot evaluate stops the CLI (exit 2) before
 * any report exists. Times are not measured per rule: every `time` is 0.
 */

// Characters XML 1.0 allows (its Char production); anything else, lone surrogates included, is replaced.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const TEXT_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * Character data: markup characters escaped (`>` too, so `]]>` never appears), a carriage return
 * as a reference (a parser would turn a literal one into a line feed), and characters XML 1.0
 * forbids replaced by U+FFFD.
 */
export function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>\r]/g, (ch) => TEXT_ESCAPES[ch]!);
}

/** An attribute value in double quotes: as xmlText, plus the quote, and tabs and line breaks as references (a parser would turn literal ones into spaces). */
export function xmlAttribute(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"\t\n\r]/g, (ch) => TEXT_ESCAPES[ch]!);
}

function element(name: string, attributes: readonly (readonly [string, string | number])[]): string {
  return `<${name}${attributes.map(([key, value]) => ` ${key}="${xmlAttribute(String(value))}"`).join('')}`;
}

/** A detail as plain lines: the resource and problem, then the commands or what to decide, then the page. */
export function detailText(detail: Detail): string {
  const lines = [`- ${detail.resourceId} (${detail.resourceType}): ${detail.problem}`];
  for (const command of detail.fix.commands) lines.push(`    ${command}`);
  if (detail.fix.decide) lines.push(`    decide: ${detail.fix.decide}`);
  if (detail.fix.documentation) lines.push(`    docs: ${detail.fix.documentation}`);
  return lines.join('\n');
}

function findingText(finding: Finding): string {
  const head = [
    `${finding.compliance}: ${finding.annotation}`,
    `severity ${finding.severity}; Config rule ${finding.configRuleName}; cluster ${finding.clusterArn}; VPC ${finding.vpcId}`,
  ];
  if (finding.details.length === 0) return head.join('\n');
  return `${head.join('\n')}\n\n${finding.details.map(detailText).join('\n')}`;
}

const SKIP_REASON: Readonly<Record<'NOT_APPLICABLE' | 'INSUFFICIENT_DATA', string>> = {
  NOT_APPLICABLE: 'NOT_APPLICABLE (the rule does not apply to this cluster)',
  INSUFFICIENT_DATA: 'INSUFFICIENT_DATA (not checked: the snapshot does not show enough)',
};

function testCase(finding: Finding, classname: string, indent: string): string {
  const open = `${indent}${element('testcase', [
    ['classname', classname],
    ['name', finding.ruleId],
    ['time', 0],
  ])}`;
  switch (finding.compliance) {
    case 'COMPLIANT':
      return `${open}/>`;
    case 'NON_COMPLIANT': {
      const failure = element('failure', [
        ['message', finding.annotation],
        ['type', finding.compliance],
      ]);
      return `${open}>\n${indent}  ${failure}>${xmlText(findingText(finding))}</failure>\n${indent}</testcase>`;
    }
    case 'NOT_APPLICABLE':
    case 'INSUFFICIENT_DATA': {
      const skipped = element('skipped', [
        ['message', `${SKIP_REASON[finding.compliance]}: ${finding.annotation}`],
      ]);
      const body = finding.details.length > 0 ? `>${xmlText(findingText(finding))}</skipped>` : '/>';
      return `${open}>\n${indent}  ${skipped}${body}\n${indent}</testcase>`;
    }
  }
}

function count(findings: readonly Finding[], ...compliance: Finding['compliance'][]): number {
  return findings.filter((f) => compliance.includes(f.compliance)).length;
}

/** The `<testsuite>` elements of one report's suites, numbered from `firstId`. */
function suiteLines(report: Report, suites: readonly ClusterFindings[], firstId: number): string[] {
  const packageName = `${report.accountId}.${report.region}`;
  const lines: string[] = [];
  suites.forEach((suite, index) => {
    lines.push(
      `  ${element('testsuite', [
        ['name', suite.name],
        ['tests', suite.findings.length],
        ['failures', count(suite.findings, 'NON_COMPLIANT')],
        ['errors', 0],
        ['skipped', count(suite.findings, 'NOT_APPLICABLE', 'INSUFFICIENT_DATA')],
        ['time', 0],
        ['timestamp', report.generatedAt],
        ['id', firstId + index],
        ['package', packageName],
      ])}>`,
      '    <properties>',
      ...(
        [
          ['accountId', report.accountId],
          ['region', report.region],
          ['clusterArn', suite.clusterArn],
          ['vpcId', suite.vpcId],
        ] as const
      ).map(
        ([name, value]) =>
          `      ${element('property', [
            ['name', name],
            ['value', value],
          ])}/>`,
      ),
      '    </properties>',
    );
    const classname = `${packageName}.${suite.name}`;
    for (const finding of suite.findings) lines.push(testCase(finding, classname, '    '));
    lines.push('  </testsuite>');
  });
  return lines;
}

/**
 * `--format junit`: one test suite per cluster, one test case per cluster × rule. Several
 * reports (a live check of several Regions) make one document: CI tools read one file.
 */
export function formatJunit(...reports: Report[]): string {
  const name = `private-eks-guard ${reports.map((r) => `${r.accountId} ${r.region}`).join(', ')}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `${element('testsuites', [
      ['name', name],
      ['tests', reports.reduce((n, r) => n + r.findings.length, 0)],
      ['failures', reports.reduce((n, r) => n + r.summary.NON_COMPLIANT, 0)],
      ['errors', 0],
      ['time', 0],
    ])}>`,
  ];
  let id = 0;
  for (const report of reports) {
    const suites = findingsByCluster(report);
    lines.push(...suiteLines(report, suites, id));
    id += suites.length;
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
