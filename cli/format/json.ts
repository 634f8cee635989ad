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

/** Findings per chunk of formatJsonChunks: about 250 KB of text. */
const FINDINGS_PER_CHUNK = 500;
const FINDING_INDENT = '    ';
/** `"key": ` at a finding's depth, each key after the first preceded by the previous line's comma. */
const KEY_PREFIXES = FINDING_KEYS.map(
  (key, i) => `${i === 0 ? '' : ','}\n${FINDING_INDENT}  ${JSON.stringify(key)}: `,
);

/** Per key, the previous finding's string value and its JSON text. */
interface StringJson {
  values: (string | undefined)[];
  json: (string | undefined)[];
}

/**
 * One finding as `JSON.stringify(document, null, 2)` prints it inside `findings` (four
 * spaces deep), written out key by key: stringifying 160,000 findings as one document and
 * encoding the 80 MB result in one piece cost seconds (issue 10).
 */
function findingText(finding: Finding, last: StringJson): string {
  let text = `${FINDING_INDENT}{`;
  for (let i = 0; i < FINDING_KEYS.length; i++) {
    const value: unknown = finding[FINDING_KEYS[i]!];
    let json: string;
    if (typeof value === 'string') {
      // Neighbouring findings repeat most values (the rule's ids, the cluster's): stringify a
      // key's value again only when it differs from the previous finding's.
      if (value !== last.values[i]) {
        last.values[i] = value;
        last.json[i] = JSON.stringify(value);
      }
      json = last.json[i]!;
    } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      json =
        value.length === 0
          ? '[]'
          : `[\n${FINDING_INDENT}    ${value.map((item) => JSON.stringify(item)).join(`,\n${FINDING_INDENT}    `)}\n${FINDING_INDENT}  ]`;
    } else {
      // Not a shape a finding has: the general path, so the output never depends on this one.
      return (
        FINDING_INDENT +
        JSON.stringify(pick(finding, FINDING_KEYS), null, 2).replace(/\n/g, `\n${FINDING_INDENT}`)
      );
    }
    text += KEY_PREFIXES[i]! + json;
  }
  return `${text}\n${FINDING_INDENT}}`;
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
  const last: StringJson = { values: [], json: [] };
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
