import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MEMBER_ROLE_NAME,
  memberRoleArn,
  memberRolePolicy,
  memberRoleTrustPolicy,
} from '../../aws/member-role';
import { MEMBER_ROLE_NAME as HELP_NAME } from '../../aws/member-role-name';
import { accountState, AssumedRole, type AssumedCredentials } from '../../aws/organization';
import { COLLECTOR_IAM_ACTIONS } from '../../aws/permissions';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The JSON code blocks of the README's `## Organizations` section, in order. */
function organizationsJson(): unknown[] {
  const start = README.indexOf('\n## Organizations\n');
  const end = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, end);
  return [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as unknown);
}

describe('the member role', () => {
  it('is named once, for the CLI help and the deploy side alike', () => {
    expect(MEMBER_ROLE_NAME).toBe('private-eks-guard-reader');
    expect(HELP_NAME).toBe(MEMBER_ROLE_NAME);
  });

  it('allows exactly the collector actions, read-only', () => {
    const [statement] = memberRolePolicy().Statement;
    expect(statement!.Action).toEqual([...COLLECTOR_IAM_ACTIONS]);
    for (const action of statement!.Action) expect(action).toMatch(/^(ec2|eks|sts):(Describe|List|Get)/);
  });

  it('has the ARN of its partition', () => {
    expect(memberRoleArn('aws-cn', '111122223333')).toBe(
      'arn:aws-cn:iam::111122223333:role/private-eks-guard-reader',
    );
    expect(memberRoleArn('aws-us-gov', '111122223333', 'audit/r')).toBe(
      'arn:aws-us-gov:iam::111122223333:role/audit/r',
    );
    expect(() => memberRoleArn('aws', '1111')).toThrow('not an AWS account id');
  });

  it('trusts the central account, with the external id only when one is given', () => {
    expect(memberRoleTrustPolicy('999988887777').Statement[0]).toEqual({
      Sid: 'PrivateEksGuardCentralAccount',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::999988887777:root' },
      Action: 'sts:AssumeRole',
    });
    expect(memberRoleTrustPolicy('999988887777', 'x-1', 'aws-cn').Statement[0]).toMatchObject({
      Principal: { AWS: 'arn:aws-cn:iam::999988887777:root' },
      Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } },
    });
  });

  it("is documented in the README's Organizations section exactly as the code builds it", () => {
    expect(organizationsJson()).toEqual([
      memberRolePolicy(),
      memberRoleTrustPolicy('999988887777', 'YOUR-EXTERNAL-ID'),
    ]);
    expect(README).toContain('<!-- StackSet and hub commands: deploy/org -->');
  });
});

describe('accounts of an organization', () => {
  it('reads State, else the retiring Status', () => {
    expect(accountState({ State: 'CLOSED', Status: undefined })).toBe('CLOSED');
    expect(accountState({ Status: 'SUSPENDED' })).toBe('SUSPENDED');
    expect(accountState({ State: 'ACTIVE', Status: 'ACTIVE' })).toBe('ACTIVE');
    expect(accountState({})).toBe('UNKNOWN');
  });
});

describe('AssumedRole', () => {
  const credentials = (expiresAt: number): AssumedCredentials => ({
    accessKeyId: 'ASIA',
    secretAccessKey: 's',
    sessionToken: 't',
    expiration: new Date(expiresAt),
  });

  it('assumes once for concurrent users, again only near expiry', async () => {
    let now = 0;
    let calls = 0;
    const role = new AssumedRole(
      async () => ((calls += 1), credentials(now + 3_600_000)),
      () => now,
    );
    await Promise.all([role.provide(), role.provide(), role.provide()]);
    expect(calls).toBe(1);
    now = 3_600_000 - 6 * 60_000;
    await role.provide();
    expect(calls).toBe(1);
    now = 3_600_000 - 4 * 60_000;
    await role.provide();
    expect(calls).toBe(2);
  });

  it('keeps a failure: one AssumeRole, however many Regions ask', async () => {
    let calls = 0;
    const role = new AssumedRole(async () => {
      calls += 1;
      throw new Error('AccessDenied');
    });
    await expect(Promise.all([role.provide(), role.provide()])).rejects.toThrow('AccessDenied');
    await expect(role.provide()).rejects.toThrow('AccessDenied');
    expect(calls).toBe(1);
  });
});
