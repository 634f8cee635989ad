import type { CallLedger } from '../aws/call-ledger';
import { plural } from './format/text';

/** `2.1 s`: one decimal is what a person reading progress needs. */
export function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/**
 * Progress of a multi-Region run, one line per Region as it finishes, written to stderr
 * (stdout carries only the report, so `--format json > file` stays clean):
 * `[3/17] eu-west-1: 4 clusters, 96 API calls, 2.1 s`.
 */
export class RegionProgress {
  private finished = 0;

  constructor(
    private readonly total: number,
    private readonly write: (text: string) => void,
  ) {}

  private line(region: string, detail: string): void {
    this.finished += 1;
    this.write(`[${this.finished}/${this.total}] ${region}: ${detail}\n`);
  }

  checked(region: string, clusters: number, calls: number, ms: number): void {
    this.line(region, `${plural(clusters, 'cluster')}, ${plural(calls, 'API call')}, ${formatSeconds(ms)}`);
  }

  failed(region: string, calls: number, ms: number): void {
    this.line(region, `failed after ${plural(calls, 'API call')}, ${formatSeconds(ms)} (error below)`);
  }
}

/** `--debug`: the calls of one Region by IAM action, with attempts and the time spent waiting. */
export function ledgerText(region: string, ledger: CallLedger): string {
  const header = `call ledger for ${region}: ${plural(ledger.totalCalls, 'call')}, ${plural(ledger.totalAttempts, 'attempt')}`;
  return `${header}\n${JSON.stringify(ledger.toJSON(), null, 2)}\n`;
}

/**
 * Progress of an organization run, one line per account × Region as it finishes:
 * `[3/100] 111122223333 eu-west-1: 10 clusters, 44 API calls, 3.5 s`. The total grows when
 * `--region all` lists an account's Regions.
 */
export class AccountRegionProgress {
  private finished = 0;

  constructor(
    private total: number,
    private readonly write: (text: string) => void,
  ) {}

  add(jobs: number): void {
    this.total += jobs;
  }

  private line(accountId: string, region: string, detail: string): void {
    this.finished += 1;
    this.write(`[${this.finished}/${this.total}] ${accountId} ${region}: ${detail}\n`);
  }

  checked(accountId: string, region: string, clusters: number, calls: number, ms: number): void {
    this.line(
      accountId,
      region,
      `${plural(clusters, 'cluster')}, ${plural(calls, 'API call')}, ${formatSeconds(ms)}`,
    );
  }

  failed(accountId: string, region: string, calls: number, ms: number): void {
    this.line(
      accountId,
      region,
      `failed after ${plural(calls, 'API call')}, ${formatSeconds(ms)} (error below)`,
    );
  }

  skipped(accountId: string, region: string): void {
    this.line(accountId, region, 'skipped: the role could not be assumed (error below)');
  }
}
