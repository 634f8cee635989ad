/**
 * Sending ASFF findings to Security Hub with BatchImportFindings, within its documented limits: at most 100 findings
 * a call (API reference, BatchImportFindings `Findings`), 240 KB a finding and 6 MB a call (Partner Integration
 * Guide, "Guidelines for using the BatchImportFindings API"). Throttling and server errors are retried by the SDK
 * client's own retry strategy; a finding Security Hub refuses (`FailedCount` > 0, `FailedFindings`) is an error that
 * names it, never a silent loss.
 */
import {
  BatchImportFindingsCommand,
  type AwsSecurityFinding,
  type ImportFindingsError,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';

export const MAX_FINDINGS_PER_CALL = 100;
/** "up to 240 KB per finding": read as 240 × 1,024 bytes of the finding's JSON. */
export const MAX_FINDING_BYTES = 240 * 1024;
/** "up to 6 MB per batch": read as 6,000,000 bytes of the findings' JSON, the stricter reading of MB. */
export const MAX_CALL_BYTES = 6_000_000;

/** Findings Security Hub refused, or that could not be sent at all. */
export class SecurityHubImportError extends Error {
  override name = 'SecurityHubImportError';
  constructor(
    message: string,
    /** Each refused finding, as FailedFindings names it (or as refused before sending: `TooLarge`). */
    readonly failures: readonly ImportFindingsError[],
    /** How many findings Security Hub accepted before (or besides) the failures. */
    readonly imported: number,
  ) {
    super(message);
  }
}

export interface ImportResult {
  imported: number;
  calls: number;
}

function jsonBytes(finding: AwsSecurityFinding): number {
  return Buffer.byteLength(JSON.stringify(finding), 'utf8');
}

/** Consecutive slices of at most 100 findings and 6 MB of JSON each, in the order given. */
export function importBatches(findings: readonly AwsSecurityFinding[]): AwsSecurityFinding[][] {
  const batches: AwsSecurityFinding[][] = [];
  let batch: AwsSecurityFinding[] = [];
  let bytes = 0;
  for (const finding of findings) {
    // A comma between findings, and the brackets, are a few bytes more than the findings' own JSON.
    const size = jsonBytes(finding) + 1;
    if (batch.length === MAX_FINDINGS_PER_CALL || (batch.length > 0 && bytes + size > MAX_CALL_BYTES - 64)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(finding);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

function describeFailure(failure: ImportFindingsError): string {
  return `${failure.Id ?? '(no id)'} (${failure.ErrorCode ?? 'error'}: ${failure.ErrorMessage ?? 'no message'})`;
}

/**
 * Imports `findings` in as few calls as the limits allow. Every batch is sent even when an earlier one had refused
 * findings, so one bad finding does not hold back the rest; then the refusals are thrown together. An error of the
 * call itself (access denied, throttling past the SDK's retries) stops at once, saying how far it got.
 */
export async function importFindings(
  client: Pick<SecurityHubClient, 'send'>,
  findings: readonly AwsSecurityFinding[],
): Promise<ImportResult> {
  const tooLarge: ImportFindingsError[] = findings
    .filter((finding) => jsonBytes(finding) > MAX_FINDING_BYTES)
    .map((finding) => ({
      Id: finding.Id,
      ErrorCode: 'TooLarge',
      ErrorMessage: `${jsonBytes(finding)} bytes of JSON; Security Hub accepts at most ${MAX_FINDING_BYTES}`,
    }));
  const refusedIds = new Set(tooLarge.map((failure) => failure.Id));
  const sendable = findings.filter((finding) => !refusedIds.has(finding.Id));
  const failures: ImportFindingsError[] = [...tooLarge];
  let imported = 0;
  let calls = 0;
  for (const batch of importBatches(sendable)) {
    let response;
    try {
      response = await client.send(new BatchImportFindingsCommand({ Findings: batch }));
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new SecurityHubImportError(
        `BatchImportFindings failed after ${imported} of ${findings.length} finding(s) were imported: ${reason}`,
        [
          ...failures,
          ...batch.map((finding) => ({ Id: finding.Id, ErrorCode: 'NotSent', ErrorMessage: reason })),
        ],
        imported,
      );
    }
    calls++;
    imported += response.SuccessCount ?? 0;
    const refused = response.FailedFindings ?? [];
    if ((response.FailedCount ?? 0) > 0 && refused.length === 0) {
      // FailedCount without the list: still a failure, named by the batch it came from.
      failures.push({
        Id: batch.map((finding) => finding.Id).join(', '),
        ErrorCode: 'Unknown',
        ErrorMessage: `Security Hub reported ${response.FailedCount} failed finding(s) without naming them`,
      });
    }
    failures.push(...refused);
  }
  if (failures.length > 0) {
    const shown = failures.slice(0, 5).map(describeFailure).join('; ');
    const more = failures.length > 5 ? `; … (+${failures.length - 5} more)` : '';
    throw new SecurityHubImportError(
      `Security Hub refused ${failures.length} of ${findings.length} finding(s): ${shown}${more}`,
      failures,
      imported,
    );
  }
  return { imported, calls };
}
