/**
 * The member roles' default names, apart from aws/member-role.ts so the CLI's help can show them
 * without loading the SDK command classes the policy is derived from, and so the deployment
 * (deploy/stage-config.js, through deploy/sources.js) takes them from here too.
 */
export const MEMBER_ROLE_NAME = 'private-eks-guard-reader';

/** The role an Organization hub's Lambdas assume to write a member's AWS Config results (deploy/org). */
export const CONFIG_REPORTER_ROLE_NAME = 'private-eks-guard-config-reporter';
