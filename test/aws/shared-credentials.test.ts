import { describe, expect, it } from '@jest/globals';
import { REFRESH_MS, sharedCredentials } from '../../aws/shared-credentials';

/*
 * The session an Organization hub's Lambdas share per member role (aws/member-access.ts): keepFailure false. The
 * CLI's keepFailure true is test/aws/member-role.test.ts's AssumedRole.
 */

const HOUR = 3_600_000;

describe('sharedCredentials without keeping failures (the hub Lambdas)', () => {
  it('assumes once for concurrent clients, passes their arguments, again only within REFRESH_MS of expiry', async () => {
    let now = 0;
    const seen: unknown[] = [];
    const provide = sharedCredentials(
      async (callerOptions?: { tag: string }) => {
        seen.push(callerOptions);
        return { expiration: new Date(now + HOUR) };
      },
      { keepFailure: false, now: () => now },
    );
    await Promise.all([provide({ tag: 'ec2' }), provide({ tag: 'eks' }), provide({ tag: 'sts' })]);
    expect(seen).toEqual([{ tag: 'ec2' }]);
    now = HOUR - REFRESH_MS - 1;
    await provide({ tag: 'ec2' });
    expect(seen).toHaveLength(1);
    now = HOUR - REFRESH_MS + 1;
    await provide({ tag: 'eks' });
    expect(seen).toEqual([{ tag: 'ec2' }, { tag: 'eks' }]);
  });

  it('does not keep a failure: the call after one assumes again, and its success is then shared', async () => {
    let calls = 0;
    const provide = sharedCredentials(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('AccessDenied: role not deployed yet');
        return { expiration: undefined };
      },
      { keepFailure: false },
    );
    await expect(provide()).rejects.toThrow('AccessDenied');
    await expect(provide()).resolves.toEqual({ expiration: undefined });
    await provide();
    expect(calls).toBe(2);
  });

  it('credentials without an expiration are kept for good', async () => {
    let calls = 0;
    let now = 0;
    const provide = sharedCredentials(async () => ((calls += 1), {}), { keepFailure: false, now: () => now });
    await provide();
    now = 100 * HOUR;
    await provide();
    expect(calls).toBe(1);
  });
});
