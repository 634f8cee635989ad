'use strict';
/**
 * The read-only member role of the multi-account CLI (aws/member-role.ts, owned by the CLI side): its name, its
 * policy and its trust policy. When aws/member-role.ts exists it is compiled in memory (like deploy/sources.js) and
 * is the one source; until then the same contract is built here from aws/permissions.ts's COLLECTOR_IAM_ACTIONS, so
 * the StackSet and `check --org` can never ask for different roles.
 */
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const { loadSources, compileModule, REPO_ROOT } = require('../sources');

const MEMBER_ROLE_SOURCE = path.join(REPO_ROOT, 'aws', 'member-role.ts');
/** The contract's name, used while aws/member-role.ts does not exist yet. */
const CONTRACT_MEMBER_ROLE_NAME = 'private-eks-guard-reader';

let loaded;

/** aws/member-role.ts's exports, or undefined when the file does not exist. */
function memberRoleModule() {
  if (loaded !== undefined) return loaded || undefined;
  if (!fs.existsSync(MEMBER_ROLE_SOURCE)) {
    loaded = false;
    return undefined;
  }
  const result = esbuild.buildSync({
    entryPoints: [MEMBER_ROLE_SOURCE],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  loaded = compileModule(
    result.outputFiles[0].text,
    path.join(REPO_ROOT, 'deploy', 'org', '.member-role.generated.js'),
  );
  return loaded;
}

function memberRoleName() {
  return memberRoleModule()?.MEMBER_ROLE_NAME ?? CONTRACT_MEMBER_ROLE_NAME;
}

/** The role's policy statements: aws/member-role.ts's when it exists, else the contract's (COLLECTOR_IAM_ACTIONS). */
function memberRoleStatements() {
  const module = memberRoleModule();
  if (module?.memberRolePolicy) return [module.memberRolePolicy().Statement].flat();
  return [
    {
      Sid: 'PrivateEksGuardRead',
      Effect: 'Allow',
      Action: [...loadSources().COLLECTOR_IAM_ACTIONS],
      Resource: '*',
    },
  ];
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

/**
 * The trust policy's one statement as the contract defines it for a concrete account (tests compare the template
 * with it): `memberRoleTrustPolicy(centralAccount, externalId?)` from aws/member-role.ts when it exists.
 */
function contractTrustPolicy(centralAccount, externalId, partition = 'aws') {
  const module = memberRoleModule();
  if (module?.memberRoleTrustPolicy)
    return module.memberRoleTrustPolicy(centralAccount, externalId, partition);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PrivateEksGuardCentralAccount',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${centralAccount}:root` },
        Action: 'sts:AssumeRole',
        ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
      },
    ],
  };
}

module.exports = {
  memberRoleModule,
  memberRoleName,
  memberRoleStatements,
  trustStatement,
  contractTrustPolicy,
  CONTRACT_MEMBER_ROLE_NAME,
  MEMBER_ROLE_SOURCE,
};
