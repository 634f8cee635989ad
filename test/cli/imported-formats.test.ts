import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { checkSnapshot, formatImported, formatReport } from '../../cli/check-command';
import { resolveCheckSettings } from '../../cli/settings';
import type { Report } from '../../engine/report';
import { parseSnapshotText } from '../../snapshot/load';
import { runCli } from './helpers';

/*
 * The wiring of --format sarif|junit|asff (issue 11): each format's own tests live in sarif,
 * junit and test/securityhub; these check what reaches stdout, from one report and from the
 * several reports of a live check of several Regions (one document either way).
 */

const NOW = new Date('2026-11-22T10:00:05Z');
const IO = { stdoutIsTTY: false, env: {} };

function example(name: string): Report {
  const text = readFileSync(join(__dirname, '..', '..', 'examples', name), 'utf8');
  return checkSnapshot(parseSnapshotText(text, name), resolveCheckSettings({}), NOW);
}

const drifted = example('drifted-account.json');
const china = example('china-region.json');
const failingDetails = (report: Report) =>
  report.findings
    .filter((f) => f.compliance === 'NON_COMPLIANT' || f.compliance === 'INSUFFICIENT_DATA')
    .reduce((n, f) => n + f.details.length, 0);

describe('check --format sarif|junit|asff', () => {
  it.each(['sarif', 'junit', 'asff'])('%s: the document alone on stdout, exit code as check', (format) => {
    const result = runCli(['check', '--snapshot', 'examples/drifted-account.json', '--format', format]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    if (format === 'junit')
      expect(result.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    else expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
  });

  it('sarif: one result per detail of a failing finding; asff: one finding per finding', () => {
    const sarif = JSON.parse(formatReport(drifted, 'sarif', IO)) as { runs: { results: unknown[] }[] };
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.results).toHaveLength(failingDetails(drifted));
    const asff = JSON.parse(formatReport(drifted, 'asff', IO)) as { Id: string }[];
    expect(asff).toHaveLength(drifted.findings.length);
  });

  it('asff takes the partition from the snapshot: aws-cn ARNs for a China Region', () => {
    const [first] = JSON.parse(formatReport(china, 'asff', IO)) as { ProductArn: string }[];
    expect(first!.ProductArn).toMatch(
      /^arn:aws-cn:securityhub:cn-[a-z]+-\d:\d{12}:product\/\d{12}\/default$/,
    );
  });

  it('several Regions make one document of each kind', () => {
    const reports = [drifted, china];
    const sarif = JSON.parse(formatImported(reports, 'sarif')) as {
      runs: { automationDetails: { id: string } }[];
    };
    expect(sarif.runs.map((r) => r.automationDetails.id)).toEqual([
      `private-eks-guard/${drifted.accountId}/${drifted.region}/`,
      `private-eks-guard/${china.accountId}/${china.region}/`,
    ]);
    const junit = formatImported(reports, 'junit');
    expect(junit.match(/<testsuites /g)).toHaveLength(1);
    expect(junit).toContain(`tests="${drifted.findings.length + china.findings.length}"`);
    expect(junit).toContain(`failures="${drifted.summary.NON_COMPLIANT + china.summary.NON_COMPLIANT}"`);
    const ids = (JSON.parse(formatImported(reports, 'asff')) as { Id: string }[]).map((f) => f.Id);
    expect(ids).toHaveLength(drifted.findings.length + china.findings.length);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
