'use strict';
/**
 * The read-only member role of the multi-account CLI, as aws/member-role.ts defines it (read through
 * deploy/sources.js, like the rest of the deployment's TypeScript): its name, its policy and its
 * trust policy, so the StackSet and `check --org` can never ask for different roles.
 */
const { loadSources } = require('../sources');

function memberRoleName() {
  return loadSources().MEMBER_ROLE_NAME;
}

/** The role's policy statements (COLLECTOR_IAM_ACTIONS, read-only). */
function memberRoleStatements() {
  return [loadSources().memberRolePolicy().Statement].flat();
}

/**
 * The contract's trust statement as a template fragment: its Sid, Effect and Action, with the principal and the
 * condition the template computes (`${AWS::Partition}`, the ExternalId parameter), so the two cannot drift apart.
 */
function trustStatement(principal, condition) {
  const [contract] = [contractTrustPolicy('000000000000').Statement].flat();
  const rest = { ...contract };
  delete rest.Condition;
  return { ...rest, Principal: { AWS: principal }, ...(condition ? { Condition: condition } : {}) };
}

/** The trust policy for a concrete account (tests compare the template with it). */
function contractTrustPolicy(centralAccount, externalId, partition = 'aws') {
  return loadSources().memberRoleTrustPolicy(centralAccount, externalId, partition);
}

module.exports = { memberRoleName, memberRoleStatements, trustStatement, contractTrustPolicy };
