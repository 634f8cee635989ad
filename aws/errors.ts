import { UsageError } from '../engine/errors';

/**
 * An AWS read that failed, so the scope it belongs to was not collected. It is never
 * turned into findings: a rule must not see half a picture and call it compliant.
 */
export class AwsReadError extends UsageError {
  override name = 'AwsReadError';
  constructor(
    message: string,
    /** The IAM action of the failed call, e.g. `ec2:DescribeSubnets`. */
    readonly action: string,
    /** The AWS error code, e.g. `UnauthorizedOperation`. */
    readonly code: string,
  ) {
    super(message);
  }
}

/** The answers EC2, EKS and STS give a caller that lacks an IAM permission. */
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'UnauthorizedAccess',
]);

/** EC2 appends an encoded authorization message that is long and useless without decoding. */
function firstSentence(message: string): string {
  const cut = message.search(/\. |\. Encoded authorization failure message:/);
  return (cut >= 0 ? message.slice(0, cut + 1) : message).replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Maps an SDK error of `action` to one clear line naming what failed (and the IAM action to grant). */
export function toReadError(error: unknown, action: string, region: string): AwsReadError {
  const e = error as { name?: string; Code?: string; message?: string };
  const code = e.Code ?? e.name ?? 'Error';
  const detail = e.message ? `: ${firstSentence(e.message)}` : '';
  if (DENIED.has(code)) {
    return new AwsReadError(`missing IAM permission ${action} in ${region} (${code}${detail})`, action, code);
  }
  if (code === 'CredentialsProviderError' || code === 'ExpiredToken' || code === 'ExpiredTokenException') {
    return new AwsReadError(
      `no usable AWS credentials for ${action} in ${region} (${code}${detail})`,
      action,
      code,
    );
  }
  return new AwsReadError(`${action} failed in ${region} (${code}${detail})`, action, code);
}

/**
 * A read that failed because a named resource does not exist (any more): EKS's
 * ResourceNotFoundException, EC2's Invalid<Thing>ID.NotFound / InvalidGroup.NotFound.
 */
export function isNotFoundError(error: unknown): boolean {
  return (
    error instanceof AwsReadError &&
    (error.code === 'ResourceNotFoundException' || error.code.endsWith('NotFound'))
  );
}

/** True when `error`, or one error inside an AggregateError, is an AWS read that failed. */
export function isReadFailure(error: unknown): boolean {
  if (error instanceof AwsReadError) return true;
  return error instanceof AggregateError && error.errors.some((inner) => inner instanceof AwsReadError);
}
