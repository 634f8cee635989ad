import type { CallLedger } from '../aws/call-ledger';
import { plural } from './format/text';

/** `2.1 s`: one decimal is what a person reading progress needs. */
export function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/**
 * Progress of a run over several Regions (or accounts × Regions), one line per job as it finishes, written to
 * stderr (stdout carries only the report, so `--format json > file` stays clean):
 * `[3/17] eu-west-1: 4 clusters, 96 API calls, 2.1 s`, or `[3/100] 111122223333 eu-west-1: …` in an
 * organization run, whose total grows when `--region all` lists an account's Regions.
 */
export class RegionProgress {
  private finished = 0;

  constructor(
    private total: number,
    private readonly write: (text: string) => void,
  ) {}

  add(jobs: number): void {
    this.total += jobs;
  }

  private line(label: string, detail: string): void {
    this.finished += 1;
    this.write(`[${this.finished}/${this.total}] ${label}: ${detail}\n`);
  }

  checked(label: string, clusters: number, calls: number, ms: number): void {
    this.line(label, `${plural(clusters, 'cluster')}, ${plural(calls, 'API call')}, ${formatSeconds(ms)}`);
  }

  failed(label: string, calls: number, ms: number): void {
    this.line(label, `failed after ${plural(calls, 'API call')}, ${formatSeconds(ms)} (error below)`);
  }

  skipped(label: string): void {
    this.line(label, 'skipped: the role could not be assumed (error below)');
  }
}

/** `--debug`: the calls of one Region by IAM action, with attempts and the time spent waiting. */
export function ledgerText(region: string, ledger: CallLedger): string {
  const header = `call ledger for ${region}: ${plural(ledger.totalCalls, 'call')}, ${plural(ledger.totalAttempts, 'attempt')}`;
  return `${header}\n${JSON.stringify(ledger.toJSON(), null, 2)}\n`;
}
