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
  'details',
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

/** Findings per chunk of formatJsonChunks: about 250 KB of text. */
const FINDINGS_PER_CHUNK = 500;
const FINDING_INDENT = '    ';
/** `"key": ` at a finding's depth, each key after the first preceded by the previous line's comma. */
const KEY_PREFIXES = FINDING_KEYS.map(
  (key, i) => `${i === 0 ? '' : ','}\n${FINDING_INDENT}  ${JSON.stringify(key)}: `,
);

/** Per key, the previous finding's string value and its member text (`,\n      "key": "value"`). */
interface StringJson {
  values: (string | undefined)[];
  members: (string | undefined)[];
}

/** `"key": value` for string value `value` of key number `i`, or undefined when it is not a string. */
function stringMember(i: number, value: unknown, last: StringJson): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Neighbouring findings repeat most values (the rule's ids, the cluster's): build a
  // key's member text again only when its value differs from the previous finding's.
  if (value !== last.values[i]) {
    last.values[i] = value;
    last.members[i] = KEY_PREFIXES[i]! + JSON.stringify(value);
  }
  return last.members[i]!;
}

const OFFENDER_SEPARATOR = `,\n${FINDING_INDENT}    `;

function offendersJson(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  if (value.length === 0) return '[]';
  let text = `[\n${FINDING_INDENT}    `;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'string') return undefined;
    text += (i === 0 ? '' : OFFENDER_SEPARATOR) + JSON.stringify(item);
  }
  return `${text}\n${FINDING_INDENT}  ]`;
}

const DETAILS_INDENT = `\n${FINDING_INDENT}  `;

/** A finding's details as they print at their depth; most findings have none. */
function detailsJson(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  if (value.length === 0) return '[]';
  return JSON.stringify(value, null, 2).replace(/\n/g, DETAILS_INDENT);
}

/**
 * One finding as `JSON.stringify(document, null, 2)` prints it inside `findings` (four
 * spaces deep), written out field by field: stringifying 160,000 findings as one document and
 * encoding the 80 MB result in one piece cost seconds (issue 10). Named fields, not a loop
 * over FINDING_KEYS: the CLI writes most findings before the JIT has optimized this, and a
 * property read by a computed key is slow until then.
 */
// The members in FINDING_KEYS order (test/cli/json-chunks.test.ts holds them to JSON.stringify).
function findingText(finding: Finding, last: StringJson): string {
  const ruleId = stringMember(0, finding.ruleId, last);
  const configRuleName = stringMember(1, finding.configRuleName, last);
  const severity = stringMember(2, finding.severity, last);
  const resourceType = stringMember(3, finding.resourceType, last);
  const resourceId = stringMember(4, finding.resourceId, last);
  const clusterArn = stringMember(5, finding.clusterArn, last);
  const vpcId = stringMember(6, finding.vpcId, last);
  const compliance = stringMember(7, finding.compliance, last);
  const annotation = stringMember(8, finding.annotation, last);
  const offenders = offendersJson(finding.offenders);
  const details = detailsJson(finding.details);
  if (
    ruleId === undefined ||
    configRuleName === undefined ||
    severity === undefined ||
    resourceType === undefined ||
    resourceId === undefined ||
    clusterArn === undefined ||
    vpcId === undefined ||
    compliance === undefined ||
    annotation === undefined ||
    offenders === undefined ||
    details === undefined
  ) {
    // Not a shape a finding has: the general path, so the output never depends on this one.
    return (
      FINDING_INDENT +
      JSON.stringify(pick(finding, FINDING_KEYS), null, 2).replace(/\n/g, `\n${FINDING_INDENT}`)
    );
  }
  return `${FINDING_INDENT}{${ruleId}${configRuleName}${severity}${resourceType}${resourceId}${clusterArn}${vpcId}${compliance}${annotation}${KEY_PREFIXES[9]!}${offenders}${KEY_PREFIXES[10]!}${details}\n${FINDING_INDENT}}`;
}

/**
 * `--format json` in pieces whose concatenation is formatJson's text: the CLI writes them as
 * they come, so the whole document never exists as one string.
 */
export function* formatJsonChunks(report: Report): Generator<string> {
  const head = JSON.stringify(
    {
      ...pick(report, REPORT_KEYS),
      summary: pick(report.summary, ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA']),
      findings: [],
    },
    null,
    2,
  );
  if (report.findings.length === 0) {
    yield `${head}\n`;
    return;
  }
  // `"findings": []\n}` ends the head: the findings go between the brackets.
  let out = `${head.slice(0, -'[]\n}'.length)}[\n`;
  const last: StringJson = { values: [], members: [] };
  for (let i = 0; i < report.findings.length; i++) {
    out += (i === 0 ? '' : ',\n') + findingText(report.findings[i]!, last);
    if ((i + 1) % FINDINGS_PER_CHUNK === 0) {
      yield out;
      out = '';
    }
  }
  yield `${out}\n  ]\n}\n`;
}

/** `--format json`: the SPEC §5 document, pretty-printed (as `JSON.stringify(document, null, 2)`), and nothing else. */
export function formatJson(report: Report): string {
  let text = '';
  for (const chunk of formatJsonChunks(report)) text += chunk;
  return text;
}
