/**
 * Setting the workflow status of our own findings with BatchUpdateFindings (issue 11: a RESOLVED transition is
 * PASSED with Workflow RESOLVED).
 *
 * Why a second call (Security Hub User Guide "BatchImportFindings for finding providers", restricted fields): once a
 * finding exists, BatchImportFindings ignores its `Workflow` (and Note, UserDefinedFields, VerificationState); only
 * BatchUpdateFindings, the customers' operation, changes it. The reverse needs no call: Security Hub itself resets
 * the workflow from RESOLVED or NOTIFIED to NEW when Compliance.Status goes from PASSED to FAILED, WARNING or
 * NOT_AVAILABLE, or RecordState from ARCHIVED to ACTIVE (API reference, Workflow / WorkflowUpdate `Status`).
 *
 * What this follows (API reference BatchUpdateFindings, AwsSecurityFindingIdentifier,
 * BatchUpdateFindingsUnprocessedFinding; User Guide "BatchUpdateFindings for customers"):
 * - at most 100 `FindingIdentifiers` a call, each the finding's `Id` and `ProductArn`;
 * - only `Workflow.Status` is sent: no `Note` (it would replace whatever note a person left on the finding, and both
 *   its `Text` and `UpdatedBy` would have to be set), so the role's permission can be held to that one field
 *   (deploy/iam.js, condition keys `securityhub:ASFFSyntaxPath/<field>`);
 * - the answer lists `ProcessedFindings` and `UnprocessedFindings` (ErrorCode ConcurrentUpdateError,
 *   FindingNotFound, InvalidInput …): any unprocessed finding, or one the answer does not account for, is an error
 *   that names it. ConcurrentUpdateError can follow a BatchImportFindings of the same finding "at the same time", and
 *   FindingNotFound a finding whose import is still being processed: both are worth a retry later.
 * Throttling and server errors are retried by the SDK client's own retry strategy.
 */
import {
  BatchUpdateFindingsCommand,
  type AwsSecurityFindingIdentifier,
  type BatchUpdateFindingsUnprocessedFinding,
  type SecurityHubClient,
  type WorkflowStatus,
} from '@aws-sdk/client-securityhub';

export const MAX_IDENTIFIERS_PER_UPDATE = 100;

/** Findings whose workflow Security Hub did not update, or that could not be sent at all. */
export class SecurityHubWorkflowError extends Error {
  override name = 'SecurityHubWorkflowError';
  constructor(
    message: string,
    /** Each finding not updated, as UnprocessedFindings names it (or `NotSent` / `NotReported`). */
    readonly failures: readonly BatchUpdateFindingsUnprocessedFinding[],
    /** How many findings Security Hub reported as processed. */
    readonly updated: number,
  ) {
    super(message);
  }
}

export interface WorkflowUpdateResult {
  updated: number;
  calls: number;
}

const key = (identifier: AwsSecurityFindingIdentifier | undefined): string =>
  `${identifier?.ProductArn ?? ''}\u0000${identifier?.Id ?? ''}`;

function describeFailure(failure: BatchUpdateFindingsUnprocessedFinding): string {
  const id = failure.FindingIdentifier?.Id ?? '(no id)';
  return `${id} (${failure.ErrorCode ?? 'error'}: ${failure.ErrorMessage ?? 'no message'})`;
}

/**
 * Sets `Workflow.Status` of every finding in `identifiers` to `status`, at most 100 a call. Every batch is sent even
 * when an earlier one had unprocessed findings; then they are thrown together. An error of the call itself (access
 * denied, throttling past the SDK's retries) stops at once, saying how far it got.
 */
export async function setWorkflowStatus(
  client: Pick<SecurityHubClient, 'send'>,
  identifiers: readonly AwsSecurityFindingIdentifier[],
  status: WorkflowStatus,
): Promise<WorkflowUpdateResult> {
  const failures: BatchUpdateFindingsUnprocessedFinding[] = [];
  let updated = 0;
  let calls = 0;
  for (let start = 0; start < identifiers.length; start += MAX_IDENTIFIERS_PER_UPDATE) {
    const batch = identifiers.slice(start, start + MAX_IDENTIFIERS_PER_UPDATE);
    let response;
    try {
      response = await client.send(
        new BatchUpdateFindingsCommand({ FindingIdentifiers: batch, Workflow: { Status: status } }),
      );
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new SecurityHubWorkflowError(
        `BatchUpdateFindings (Workflow.Status ${status}) failed after ${updated} of ${identifiers.length} ` +
          `finding(s) were updated: ${reason}`,
        [
          ...failures,
          ...batch.map((FindingIdentifier) => ({
            FindingIdentifier,
            ErrorCode: 'NotSent',
            ErrorMessage: reason,
          })),
        ],
        updated,
      );
    }
    calls++;
    const processed = response.ProcessedFindings ?? [];
    const unprocessed = response.UnprocessedFindings ?? [];
    updated += processed.length;
    failures.push(...unprocessed);
    // Both lists are required members of the answer: a finding in neither was not confirmed, so it is not done.
    const accounted = new Set([...processed, ...unprocessed.map((u) => u.FindingIdentifier)].map(key));
    for (const identifier of batch) {
      if (accounted.has(key(identifier))) continue;
      failures.push({
        FindingIdentifier: identifier,
        ErrorCode: 'NotReported',
        ErrorMessage: 'Security Hub listed the finding neither as processed nor as unprocessed',
      });
    }
  }
  if (failures.length > 0) {
    const shown = failures.slice(0, 5).map(describeFailure).join('; ');
    const more = failures.length > 5 ? `; … (+${failures.length - 5} more)` : '';
    throw new SecurityHubWorkflowError(
      `Security Hub did not set Workflow.Status ${status} on ${failures.length} of ${identifiers.length} ` +
        `finding(s): ${shown}${more}`,
      failures,
      updated,
    );
  }
  return { updated, calls };
}
