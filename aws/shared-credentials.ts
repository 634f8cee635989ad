/**
 * One assumed-role session for every SDK client given the same provider: each client memoizes its credentials on
 * its own, so an account's EC2, EKS and STS clients would otherwise each assume the role. Used by the CLI's
 * organization runs (aws/organization.ts, AssumedRole) and an Organization hub's Lambdas (aws/member-access.ts).
 */

/** Assume again this long before the session expires (the SDK's clients refresh 5 minutes ahead too). */
export const REFRESH_MS = 5 * 60_000;

export interface SharedCredentialsOptions {
  /**
   * true: a failed assume is the answer for good (a CLI run: one AssumeRole and one error per account, not one per
   * Region); false: the next call assumes again (a Lambda: a member whose roles are deployed later is reached
   * without a cold start).
   */
  keepFailure: boolean;
  now?: () => number;
}

export function sharedCredentials<Args extends unknown[], Credentials extends { expiration?: Date }>(
  assume: (...args: Args) => Promise<Credentials>,
  { keepFailure, now = Date.now }: SharedCredentialsOptions,
): (...args: Args) => Promise<Credentials> {
  let current: Promise<Credentials> | undefined;
  return async (...args: Args): Promise<Credentials> => {
    const held = current;
    if (held !== undefined) {
      const credentials = keepFailure ? await held : await held.catch(() => undefined);
      const expiresAt = credentials?.expiration?.getTime();
      if (credentials !== undefined && (expiresAt === undefined || expiresAt - now() > REFRESH_MS)) {
        return credentials;
      }
      if (current === held) current = undefined;
    }
    current ??= assume(...args);
    return current;
  };
}
