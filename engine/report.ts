import type { SnapshotView } from '../snapshot/view';
import { byText, summarize, type Compliance, type Finding } from './findings';

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

/** One cluster's findings, in report order. */
export interface ClusterFindings {
  name: string;
  clusterArn: string;
  vpcId: string;
  findings: Finding[];
}

/** The findings per cluster (by ARN, so two clusters of one name stay apart), clusters by name, then ARN. */
export function findingsByCluster(report: Report): ClusterFindings[] {
  const byArn = new Map<string, ClusterFindings>();
  for (const finding of report.findings) {
    let cluster = byArn.get(finding.clusterArn);
    if (!cluster) {
      cluster = {
        name: finding.resourceId,
        clusterArn: finding.clusterArn,
        vpcId: finding.vpcId,
        findings: [],
      };
      byArn.set(finding.clusterArn, cluster);
    }
    cluster.findings.push(finding);
  }
  return [...byArn.values()].sort((a, b) => byText(a.name, b.name) || byText(a.clusterArn, b.clusterArn));
}
