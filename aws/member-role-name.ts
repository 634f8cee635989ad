/**
 * The member role's default name, apart from aws/member-role.ts so the CLI's help can show it
 * without loading the SDK command classes the policy is derived from.
 */
export const MEMBER_ROLE_NAME = 'private-eks-guard-reader';
