import { MEMBER_ROLE_NAME } from './member-role-name';
import { COLLECTOR_IAM_ACTIONS } from './permissions';

/*
 * The role private-eks-guard assumes in each member account of an organization run
 * (`check --org`, `--accounts`), as the CLI assumes it and as deploy/org creates it. This module is the
 * contract between the two: deploy/org imports it, so keep the names and signatures stable.
 */

/** The member role's default name (`--role-name` overrides it). */
export { MEMBER_ROLE_NAME };

/** The session name member accounts see in CloudTrail for the CLI's reads. */
export const MEMBER_ROLE_SESSION_NAME = 'private-eks-guard';

/** A partition: aws, aws-cn, aws-us-gov (or an isolated one, which the CLI derives from its Regions). */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov' | (string & {});

/** IAM's role-name characters, optionally under a path (`team/reader`); 64 characters for the name itself. */
const ROLE_NAME = /^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** sts:AssumeRole's ExternalId: 2–1,224 of these characters. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ACCOUNT_ID = /^\d{12}$/;

export function isRoleName(name: string): boolean {
  return ROLE_NAME.test(name);
}

export function isExternalId(id: string): boolean {
  return EXTERNAL_ID.test(id);
}

export function isAccountId(id: string): boolean {
  return ACCOUNT_ID.test(id);
}

/** `arn:<partition>:iam::<account>:role/<name>`: IAM is global per partition, so the ARN holds no Region. */
export function memberRoleArn(
  partition: Partition,
  accountId: string,
  roleName: string = MEMBER_ROLE_NAME,
): string {
  if (!isAccountId(accountId)) throw new Error(`not an AWS account id: ${accountId}`);
  if (!isRoleName(roleName)) throw new Error(`not an IAM role name: ${roleName}`);
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string | string[];
  Resource?: string;
  Principal?: { AWS: string };
  Condition?: Record<string, Record<string, string>>;
}

/**
 * The member role's permissions: exactly the read-only actions the collector calls
 * (aws/permissions.ts), on every resource, since EC2's Describe* and EKS's List* support no
 * resource-level scoping. The collector's own tests check every call it makes is on this list.
 */
export function memberRolePolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'PrivateEksGuardRead', Effect: 'Allow', Action: [...COLLECTOR_IAM_ACTIONS], Resource: '*' },
    ],
  };
}

/**
 * Who may assume the member role: principals of the central account (the management or
 * delegated-administrator account the CLI runs from) whose own IAM policies allow
 * sts:AssumeRole on it. With `externalId`, only callers that present it (`--external-id`),
 * the guard against a confused deputy when a third party runs the checks.
 */
export function memberRoleTrustPolicy(
  centralAccount: string,
  externalId?: string,
  partition: Partition = 'aws',
): PolicyDocument {
  if (!isAccountId(centralAccount)) throw new Error(`not an AWS account id: ${centralAccount}`);
  if (externalId !== undefined && !isExternalId(externalId)) throw new Error('not a valid sts:ExternalId');
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PrivateEksGuardCentralAccount',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${centralAccount}:root` },
        Action: 'sts:AssumeRole',
        ...(externalId === undefined
          ? {}
          : { Condition: { StringEquals: { 'sts:ExternalId': externalId } } }),
      },
    ],
  };
}

/** What the CLI itself calls, with the caller's credentials, in an organization run. */
export const HUB_IAM_ACTIONS = ['organizations:ListAccounts', 'sts:AssumeRole'] as const;

/**
 * The caller's (hub's) permissions for an organization run: list the accounts, and assume the
 * member role — by name, in any account of the partition.
 */
export function hubPolicy(partition: Partition = 'aws', roleName: string = MEMBER_ROLE_NAME): PolicyDocument {
  if (!isRoleName(roleName)) throw new Error(`not an IAM role name: ${roleName}`);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PrivateEksGuardListAccounts',
        Effect: 'Allow',
        Action: 'organizations:ListAccounts',
        Resource: '*',
      },
      {
        Sid: 'PrivateEksGuardAssumeMemberRole',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: `arn:${partition}:iam::*:role/${roleName}`,
      },
    ],
  };
}
