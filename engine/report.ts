import type { SnapshotView } from '../snapshot/view';
import { summarize, type Compliance, type Finding } from './findings';

/** The CLI's JSON document (SPEC §5). */
export interface Report {
  schemaVersion: 1;
  accountId: string;
  region: string;
  generatedAt: string;
  summary: Record<Compliance, number>;
  findings: Finding[];
  /**
   * Not a SPEC §5 key (--format json leaves it out): the partition of the account, which ARNs of
   * the Security Hub format need and a snapshot may state apart from its Region.
   */
  partition?: string;
}

export function buildReport(view: SnapshotView, findings: Finding[], now: Date = new Date()): Report {
  return {
    schemaVersion: 1,
    accountId: view.accountId,
    region: view.region,
    generatedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    summary: summarize(findings),
    findings,
    partition: view.partition,
  };
}
