import type { Finding } from '../../engine/findings';
import type { Report } from '../../engine/report';

/** SPEC §5's finding keys, in its order: the JSON carries exactly these, whatever else a finding object holds. */
export const FINDING_KEYS = [
  'ruleId',
  'configRuleName',
  'severity',
  'resourceType',
  'resourceId',
  'clusterArn',
  'vpcId',
  'compliance',
  'annotation',
  'offenders',
] as const satisfies readonly (keyof Finding)[];

export const REPORT_KEYS = [
  'schemaVersion',
  'accountId',
  'region',
  'generatedAt',
  'summary',
  'findings',
] as const satisfies readonly (keyof Report)[];

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = value[key];
  return out;
}

/** `--format json`: the SPEC §5 document, pretty-printed, and nothing else. */
export function formatJson(report: Report): string {
  const document = {
    ...pick(report, REPORT_KEYS),
    summary: pick(report.summary, ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA']),
    findings: report.findings.map((finding) => pick(finding, FINDING_KEYS)),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
