import { IAM_ACTION_BY_COMMAND, type IamAction } from './operations';

/**
 * The IAM actions the collector calls, sorted: all read-only. Derived from aws/operations.ts, the table AwsReader
 * takes each call's action from, so the policy and the calls cannot disagree. The deploy's IAM policy is built
 * from this list (deploy/iam.js), and the collector's tests check that every call they see is on it.
 * (`sts:GetCallerIdentity` needs no permission; it is listed so the list is complete.)
 */
export const COLLECTOR_IAM_ACTIONS: readonly IamAction[] = [
  ...new Set(IAM_ACTION_BY_COMMAND.values()),
].sort();
