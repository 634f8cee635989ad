import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { generateSnapshot } from '../../bench/generate';
import { checkSnapshot } from '../../cli/check-command';
import { formatJson, formatJsonChunks } from '../../cli/format/json';
import { resolveCheckSettings } from '../../cli/settings';
import { COMPLIANCE, SEVERITIES, type Finding } from '../../engine/findings';
import type { Report } from '../../engine/report';
import { parseSnapshotText } from '../../snapshot/load';

/*
 * formatJson writes findings out key by key, in chunks (issue 10). Its text must be what the
 * straightforward formatter prints: the SPEC §5 keys picked in order, JSON.stringify(…, null, 2).
 */

const NOW = new Date('2026-11-22T10:00:05Z');

function straightforward(report: Report): string {
  const finding = (f: Finding) => ({
    ruleId: f.ruleId,
    configRuleName: f.configRuleName,
    severity: f.severity,
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    clusterArn: f.clusterArn,
    vpcId: f.vpcId,
    compliance: f.compliance,
    annotation: f.annotation,
    offenders: f.offenders,
    details: f.details,
  });
  const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA } = report.summary;
  const document = {
    schemaVersion: report.schemaVersion,
    accountId: report.accountId,
    region: report.region,
    generatedAt: report.generatedAt,
    summary: { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA },
    findings: report.findings.map(finding),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function reportOf(text: string): Report {
  return checkSnapshot(parseSnapshotText(text), resolveCheckSettings({}), NOW);
}

describe('formatJson is the straightforward JSON.stringify, byte for byte', () => {
  const files = ['compliant-private-cluster.json', 'drifted-account.json', 'china-region.json'];
  it.each(files)('examples/%s', (file) => {
    const report = reportOf(readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8'));
    expect(formatJson(report)).toBe(straightforward(report));
  });

  it('a generated snapshot of 1,200 clusters (several chunks), chunks joined', () => {
    const report = reportOf(JSON.stringify(generateSnapshot(1200).snapshot));
    const chunks = [...formatJsonChunks(report)];
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join('')).toBe(straightforward(report));
    expect(formatJson(report)).toBe(chunks.join(''));
  });

  it('no findings', () => {
    const report = reportOf(JSON.stringify(generateSnapshot(0).snapshot));
    expect(report.findings).toHaveLength(0);
    expect(formatJson(report)).toBe(straightforward(report));
  });

  it('any strings: quotes, control characters, unicode, lone surrogates, extra keys', () => {
    const text = fc.string({ unit: 'binary', maxLength: 20 });
    const finding = fc.record({
      ruleId: text,
      configRuleName: text,
      severity: fc.constantFrom(...SEVERITIES),
      resourceType: fc.constant('AWS::EKS::Cluster' as const),
      resourceId: text,
      clusterArn: text,
      vpcId: text,
      compliance: fc.constantFrom(...COMPLIANCE),
      annotation: text,
      offenders: fc.array(text, { maxLength: 4 }),
      details: fc.array(
        fc.record({
          resourceId: text,
          resourceType: text,
          problem: text,
          fix: fc.record(
            { commands: fc.array(text, { maxLength: 3 }), decide: text, documentation: text },
            { requiredKeys: ['commands', 'documentation'] },
          ),
        }),
        { maxLength: 3 },
      ),
      extra: text,
    });
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 1100 }), text, (findings, accountId) => {
        const report: Report = {
          schemaVersion: 1,
          accountId,
          region: 'eu-west-1',
          generatedAt: '2026-11-22T10:00:05Z',
          summary: { COMPLIANT: 1, NON_COMPLIANT: 2, NOT_APPLICABLE: 3, INSUFFICIENT_DATA: 4 },
          findings,
        };
        expect(formatJson(report)).toBe(straightforward(report));
      }),
      { numRuns: 60 },
    );
  });
});
