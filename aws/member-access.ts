/**
 * An Organization hub's access to its member accounts (deploy/org): the central Lambdas act in a member account
 * through the member's roles, never with their own credentials. The read-only member role (`private-eks-guard-reader`,
 * aws/member-role.ts) reads EC2/EKS; the config-reporter role (deploy/org/templates.js) writes and reads that
 * account's AWS Config results. Credentials come from `fromTemporaryCredentials`, which assumes the role on first use
 * and again before the session expires. Shared by the drift, sweep and Config evaluator Lambdas.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { partitionOfRegion } from '../snapshot/load';
import { isRoleName, memberRoleArn, MEMBER_ROLE_NAME, type Partition } from './member-role';
import { sharedCredentials } from './shared-credentials';
import { CONFIG_REPORTER_ROLE_NAME } from './member-role-name';

export { CONFIG_REPORTER_ROLE_NAME };

/** The session name member accounts see in CloudTrail for the hub's calls. */
export const HUB_SESSION_NAME = 'private-eks-guard-hub';

/** The environment variable a hub stage may set to the member roles' `sts:ExternalId`. */
export const EXTERNAL_ID_VARIABLE = 'MEMBER_ROLE_EXTERNAL_ID';
/** The environment variables a stage that renames the member roles sets (deploy/resources.js; absent: the defaults). */
export const READER_ROLE_NAME_VARIABLE = 'MEMBER_ROLE_NAME';
export const CONFIG_REPORTER_ROLE_NAME_VARIABLE = 'CONFIG_REPORTER_ROLE_NAME';

export interface MemberAccessOptions {
  partition: Partition;
  /** The Region of the STS endpoint (the Lambda's own: Regional STS, no dependency on us-east-1). */
  region: string;
  externalId?: string;
  /** Role names, when a stage deploys them under others (deploy/org's MemberRoleName / ConfigReporterRoleName). */
  readerRoleName?: string;
  configReporterRoleName?: string;
  /** Plugins for the STS client that assumes the roles (the tests answer AssumeRole through one). */
  stsPlugins?: StsPlugins;
}

/** What `fromTemporaryCredentials` returns, and the STS client plugins it takes (types of the package itself). */
export type MemberCredentialProvider = ReturnType<typeof fromTemporaryCredentials>;
type StsPlugins = NonNullable<Parameters<typeof fromTemporaryCredentials>[0]['clientPlugins']>;

export type MemberRole = 'reader' | 'config-reporter';

/**
 * Credentials of `role` in `accountId`, assumed when first needed (once for every client given this provider) and
 * refreshed before they expire.
 */
export function memberCredentials(
  options: MemberAccessOptions,
  accountId: string,
  role: MemberRole,
): MemberCredentialProvider {
  const roleName =
    role === 'reader'
      ? (options.readerRoleName ?? MEMBER_ROLE_NAME)
      : (options.configReporterRoleName ?? CONFIG_REPORTER_ROLE_NAME);
  // A failure is not kept: the next call assumes again (a member whose roles are deployed later is reached without
  // a cold start).
  return sharedCredentials(
    fromTemporaryCredentials({
      params: {
        RoleArn: memberRoleArn(options.partition, accountId, roleName),
        RoleSessionName: HUB_SESSION_NAME,
        ...(options.externalId ? { ExternalId: options.externalId } : {}),
      },
      clientConfig: { region: options.region },
      ...(options.stsPlugins ? { clientPlugins: options.stsPlugins } : {}),
    }),
    { keepFailure: false },
  ) as MemberCredentialProvider;
}

/** The account a Lambda runs in, from its own ARN (`arn:<partition>:lambda:<region>:<account>:function:<name>`). */
export function accountOfFunctionArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * The member account an event or invocation names, or undefined for the Lambda's own account. Only a Lambda that
 * knows its own account ever acts in another: without `ownAccount` (tests, tools) every account is the own one.
 */
export function memberAccountOf(
  ownAccount: string | undefined,
  accountId: string | undefined,
): string | undefined {
  if (ownAccount === undefined || accountId === undefined || accountId === '' || accountId === ownAccount) {
    return undefined;
  }
  return accountId;
}

/**
 * How the hub's Lambdas reach member accounts: the Lambda's partition and Region, the stage's external id and member
 * role names. A role name that is not one (the stage file is validated; this guards a hand-edited environment) fails
 * here, at the cold start, rather than at each AssumeRole.
 */
export function memberAccessFromEnvironment(
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): MemberAccessOptions {
  const externalId = env[EXTERNAL_ID_VARIABLE];
  const readerRoleName = env[READER_ROLE_NAME_VARIABLE];
  const configReporterRoleName = env[CONFIG_REPORTER_ROLE_NAME_VARIABLE];
  for (const [variable, name] of [
    [READER_ROLE_NAME_VARIABLE, readerRoleName],
    [CONFIG_REPORTER_ROLE_NAME_VARIABLE, configReporterRoleName],
  ] as const) {
    if (name && !isRoleName(name))
      throw new Error(`environment variable ${variable} is not an IAM role name`);
  }
  return {
    partition: partitionOfRegion(region),
    region,
    ...(externalId ? { externalId } : {}),
    ...(readerRoleName ? { readerRoleName } : {}),
    ...(configReporterRoleName ? { configReporterRoleName } : {}),
  };
}
