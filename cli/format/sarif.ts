import { createHash } from 'node:crypto';
import type { Detail, Finding, Severity } from '../../engine/findings';
import type { Report } from '../../engine/report';
import type { Rule } from '../../engine/rule';
import { codeFence, escapeMarkdown, linkTarget } from './markdown';

/*
 * `--format sarif`: the report as a SARIF 2.1.0 log (OASIS), for security tools and GitHub code
 * scanning. One run; one reportingDescriptor per catalog rule; one result per detail of each
 * NON_COMPLIANT and INSUFFICIENT_DATA finding. There are no source files: a result's location
 * is logical (the cluster ARN / the offending resource's id, with its CloudFormation type).
 */

/** The schema URI GitHub's documentation gives for `$schema` (the OASIS 2.1.0 schema, as SchemaStore serves it). */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';
export const TOOL_NAME = 'private-eks-guard';

export interface SarifOptions {
  /** The tool's version (package.json's `version`); left out of the log when not given. */
  version?: string;
  /** An absolute URI about the tool (its home page); left out when not given. */
  informationUri?: string;
}

type Level = 'error' | 'warning' | 'note' | 'none';

/** SARIF's level for a rule's severity: what must be fixed is an error, what should be, a warning. */
export const SARIF_LEVEL: Readonly<Record<Severity, Level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/**
 * GitHub code scanning's `security-severity` (a score in (0, 10] as a string): it reads over 9.0
 * as critical, 7.0–8.9 as high, 4.0–6.9 as medium and 0.1–3.9 as low. Each value sits inside
 * its band, so the alert shows the severity the catalog gives the rule.
 */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

/** Rule ids in Pascal case (`VPC_ENDPOINTS_PRESENT` → `VpcEndpointsPresent`), as SARIF recommends for `name`. */
export function pascalCase(id: string): string {
  return id
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function reportingDescriptor(rule: Rule): Record<string, unknown> {
  const { meta } = rule;
  const help = meta.documentation
    ? {
        text: `${meta.remediation}\n\nDocumentation: ${meta.documentation}`,
        markdown: `${escapeMarkdown(meta.remediation)}\n\n[AWS documentation](${linkTarget(meta.documentation)})`,
      }
    : { text: meta.remediation, markdown: escapeMarkdown(meta.remediation) };
  return {
    id: meta.id,
    name: pascalCase(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.rationale },
    ...(meta.documentation ? { helpUri: meta.documentation } : {}),
    help,
    defaultConfiguration: { level: SARIF_LEVEL[meta.severity] },
    properties: {
      tags: ['security', 'aws', 'eks', 'network'],
      precision: 'very-high',
      'security-severity': SECURITY_SEVERITY[meta.severity],
      severity: meta.severity,
      parameters: [...meta.parameters],
    },
  };
}

/** The result's message: the problem, then what resolves it (commands, or what to decide) and the page. */
function message(finding: Finding, detail: Detail): { text: string; markdown: string } {
  const { commands, decide, documentation } = detail.fix;
  const lead = finding.compliance === 'INSUFFICIENT_DATA' ? 'Not checked: ' : '';
  const text = [`${lead}${detail.problem}`];
  const markdown = [`${escapeMarkdown(lead + detail.problem)}`];
  if (commands.length > 0) {
    text.push(`Fix (AWS CLI v2):\n${commands.join('\n')}`);
    const f = codeFence(commands);
    markdown.push(`Fix (AWS CLI v2):\n\n${f}sh\n${commands.join('\n')}\n${f}`);
  }
  if (decide) {
    text.push(`Decide: ${decide}`);
    markdown.push(`**Decide:** ${escapeMarkdown(decide)}`);
  }
  if (documentation) {
    text.push(`Documentation: ${documentation}`);
    markdown.push(`[AWS documentation](${linkTarget(documentation)})`);
  }
  return { text: text.join('\n\n'), markdown: markdown.join('\n\n') };
}

/** The offending resource, named under its cluster (the cluster ARN itself when the detail is the cluster). */
function logicalLocation(finding: Finding, detail: Detail): Record<string, unknown> {
  const isCluster = detail.resourceType === finding.resourceType && detail.resourceId === finding.resourceId;
  return {
    name: detail.resourceId,
    fullyQualifiedName: isCluster ? finding.clusterArn : `${finding.clusterArn}/${detail.resourceId}`,
    kind: 'resource',
    properties: { resourceType: detail.resourceType },
  };
}

/**
 * A failing finding's details; the engine gives every one at least one, but a finding made
 * elsewhere without any still yields a result (the cluster, the annotation), never silence.
 */
export function detailsOf(finding: Finding): readonly Detail[] {
  if (finding.details.length > 0) return finding.details;
  return [
    {
      resourceId: finding.resourceId,
      resourceType: finding.resourceType,
      problem: finding.annotation,
      fix: { commands: [], documentation: '' },
    },
  ];
}

function sha256(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * One result per detail. NON_COMPLIANT: kind `fail` at the rule's level. INSUFFICIENT_DATA:
 * kind `review` (a person must look: nothing was found wrong, but the snapshot did not show
 * enough to say so), and SARIF requires level `none` for any kind but `fail` (§3.27.10).
 */
function results(report: Report, ruleIndex: ReadonlyMap<string, number>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const finding of report.findings) {
    if (finding.compliance !== 'NON_COMPLIANT' && finding.compliance !== 'INSUFFICIENT_DATA') continue;
    const failed = finding.compliance === 'NON_COMPLIANT';
    const index = ruleIndex.get(finding.ruleId);
    /** How often each resource has come up in this finding: the n-th detail of one resource is a result of its own. */
    const seen = new Map<string, number>();
    for (const detail of detailsOf(finding)) {
      const resourceKey = `${detail.resourceType}\u0000${detail.resourceId}`;
      const occurrence = seen.get(resourceKey) ?? 0;
      seen.set(resourceKey, occurrence + 1);
      out.push({
        ruleId: finding.ruleId,
        ...(index === undefined ? {} : { ruleIndex: index }),
        kind: failed ? 'fail' : 'review',
        level: failed ? SARIF_LEVEL[finding.severity] : 'none',
        message: message(finding, detail),
        locations: [{ logicalLocations: [logicalLocation(finding, detail)] }],
        partialFingerprints: {
          // Account, Region, cluster, rule and resource (not the problem's wording, which
          // carries counts that change): the same resource failing the same rule stays one alert.
          'privateEksGuardResource/v1': sha256([
            report.accountId,
            report.region,
            finding.resourceId,
            finding.ruleId,
            detail.resourceType,
            detail.resourceId,
            String(occurrence),
          ]),
        },
        properties: {
          compliance: finding.compliance,
          severity: finding.severity,
          configRuleName: finding.configRuleName,
          accountId: report.accountId,
          region: report.region,
          clusterName: finding.resourceId,
          clusterArn: finding.clusterArn,
          vpcId: finding.vpcId,
          resourceId: detail.resourceId,
          resourceType: detail.resourceType,
          commands: [...detail.fix.commands],
          ...(detail.fix.decide ? { decide: detail.fix.decide } : {}),
          documentation: detail.fix.documentation,
        },
      });
    }
  }
  return out;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Strings as well-formed Unicode: a lone surrogate (which UTF-8 cannot carry) becomes U+FFFD. */
function wellFormed(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.replace(LONE_SURROGATE, '\uFFFD') : value;
}

/** The SARIF log as an object (what formatSarif prints). */
export function sarifLog(
  report: Report,
  rules: readonly Rule[],
  options: SarifOptions = {},
): Record<string, unknown> {
  const ruleIndex = new Map<string, number>();
  rules.forEach((rule, i) => {
    if (!ruleIndex.has(rule.meta.id)) ruleIndex.set(rule.meta.id, i);
  });
  return {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            ...(options.version ? { version: options.version } : {}),
            ...(options.version && /^\d+\.\d+\.\d+(?:[-+].*)?$/.test(options.version)
              ? { semanticVersion: options.version }
              : {}),
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            rules: rules.map(reportingDescriptor),
          },
        },
        // GitHub code scanning keeps one analysis per category: one per account and Region.
        automationDetails: { id: `${TOOL_NAME}/${report.accountId}/${report.region}/` },
        invocations: [{ executionSuccessful: true, endTimeUtc: report.generatedAt }],
        results: results(report, ruleIndex),
        properties: {
          accountId: report.accountId,
          region: report.region,
          generatedAt: report.generatedAt,
          summary: { ...report.summary },
        },
      },
    ],
  };
}

/**
 * `--format sarif`: the SARIF 2.1.0 log, pretty-printed. Several reports (a live check of
 * several Regions) are one log with a run per account and Region, as SARIF allows.
 */
export function formatSarif(
  reports: Report | readonly Report[],
  rules: readonly Rule[],
  options: SarifOptions = {},
): string {
  const list = Array.isArray(reports) ? reports : [reports as Report];
  const logs = list.map((report) => sarifLog(report, rules, options));
  const log = logs[0] ?? sarifLog(emptyReport(), rules, options);
  if (logs.length > 1) log.runs = logs.flatMap((l) => l.runs as unknown[]);
  return `${JSON.stringify(log, wellFormed, 2)}\n`;
}

function emptyReport(): Report {
  const summary = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0, INSUFFICIENT_DATA: 0 };
  return { schemaVersion: 1, accountId: '', region: '', generatedAt: '', summary, findings: [] };
}
