import { describe, expect, it } from '@jest/globals';
import {
  CONFIG_REPORTER_ROLE_NAME,
  memberAccessFromEnvironment,
  memberCredentials,
  type MemberAccessOptions,
} from '../../aws/member-access';
import { MEMBER_ROLE_NAME } from '../../aws/member-role';

/*
 * The member roles' names from the Lambda's environment (deploy/resources.js sets MEMBER_ROLE_NAME and
 * CONFIG_REPORTER_ROLE_NAME when the stage renames the roles), and the RoleArn each role's credentials assume.
 */

const MEMBER = '444455556666';

/** The AssumeRole requests a provider makes, answered without a network (the STS client's `initialize` step). */
function recordingAccess(options: Omit<MemberAccessOptions, 'stsPlugins'>) {
  const requests: Record<string, unknown>[] = [];
  const access: MemberAccessOptions = {
    ...options,
    stsPlugins: [
      {
        applyToStack: (stack) => {
          stack.add(
            () => async (args) => {
              requests.push(args.input as Record<string, unknown>);
              return {
                output: {
                  $metadata: {},
                  Credentials: {
                    AccessKeyId: 'ASIAFAKE',
                    SecretAccessKey: 'secret',
                    SessionToken: 'token',
                    Expiration: new Date(Date.now() + 3_600_000),
                  },
                },
                response: {},
              } as never;
            },
            { step: 'initialize', name: 'answerAssumeRole' },
          );
        },
      },
    ],
  };
  return { access, requests };
}

describe('memberAccessFromEnvironment', () => {
  it('reads the role names and the external id only when set', () => {
    expect(memberAccessFromEnvironment('eu-west-1', {})).toEqual({ partition: 'aws', region: 'eu-west-1' });
    expect(
      memberAccessFromEnvironment('cn-north-1', {
        MEMBER_ROLE_NAME: 'guard-reader',
        CONFIG_REPORTER_ROLE_NAME: 'guard-reporter',
        MEMBER_ROLE_EXTERNAL_ID: 'ext-1',
      }),
    ).toEqual({
      partition: 'aws-cn',
      region: 'cn-north-1',
      externalId: 'ext-1',
      readerRoleName: 'guard-reader',
      configReporterRoleName: 'guard-reporter',
    });
  });

  it('refuses a role name that is not one, at once', () => {
    expect(() => memberAccessFromEnvironment('eu-west-1', { MEMBER_ROLE_NAME: 'has space' })).toThrow(
      'environment variable MEMBER_ROLE_NAME is not an IAM role name',
    );
    expect(() => memberAccessFromEnvironment('eu-west-1', { CONFIG_REPORTER_ROLE_NAME: '*' })).toThrow(
      'environment variable CONFIG_REPORTER_ROLE_NAME is not an IAM role name',
    );
  });
});

describe('memberCredentials', () => {
  it.each<[string, Record<string, string>, string, string]>([
    ['the defaults', {}, MEMBER_ROLE_NAME, CONFIG_REPORTER_ROLE_NAME],
    [
      'the stage’s names',
      { MEMBER_ROLE_NAME: 'guard-reader', CONFIG_REPORTER_ROLE_NAME: 'guard-reporter' },
      'guard-reader',
      'guard-reporter',
    ],
  ])('assumes %s', async (_, env, reader, reporter) => {
    const { access, requests } = recordingAccess(memberAccessFromEnvironment('eu-west-1', env));
    await memberCredentials(access, MEMBER, 'reader')();
    await memberCredentials(access, MEMBER, 'config-reporter')();
    expect(requests.map((r) => r.RoleArn)).toEqual([
      `arn:aws:iam::${MEMBER}:role/${reader}`,
      `arn:aws:iam::${MEMBER}:role/${reporter}`,
    ]);
  });
});

describe('the default names', () => {
  it('are the ones the deployment assumes unless the stage renames the roles (deploy/stage-config.js)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stageConfig = require('../../deploy/stage-config') as Record<string, unknown>;
    expect(stageConfig.DEFAULT_MEMBER_ROLE_NAME).toBe(MEMBER_ROLE_NAME);
    expect(stageConfig.DEFAULT_CONFIG_REPORTER_ROLE_NAME).toBe(CONFIG_REPORTER_ROLE_NAME);
  });
});
