#!/usr/bin/env node
'use strict';
/**
 * Writes the Organization templates for one stage and prints the commands that deploy them:
 *
 *   node deploy/org/generate.js --stage dev [--out dist/org/dev]
 *   node deploy/org/generate.js --stage dev --commands      # the commands only (deploy/org/README.md shows them)
 *
 * The templates come from deploy/stages/<stage>.yml, the same file `serverless deploy --stage` reads.
 */
const { Buffer } = require('node:buffer');
const fs = require('node:fs');
const path = require('node:path');
const { REPO_ROOT } = require('../sources');
const { StageConfigError, loadStage, resolveStageConfig } = require('../stage-config');
const {
  buildOrgTemplates,
  roleNamesOf,
  orgNames,
  CENTRAL_ROLE_PARAMETERS,
  TEMPLATE_BODY_MAX_BYTES,
} = require('./templates');

/** Shell variables the commands use; deploy/org/README.md says what to set them to. */
const SHELL_VARIABLES = {
  centralAccount: '$CENTRAL_ACCOUNT',
  organizationId: '$ORG_ID',
  organizationalUnits: '$OU_IDS',
  regions: '$REGIONS',
  homeRegion: '$HOME_REGION',
  aggregatorRegion: '$AGGREGATOR_REGION',
  externalId: '$EXTERNAL_ID',
};

function defaultOutDir(stage) {
  // dist/ is git-ignored; tsc never cleans it.
  return path.join('dist', 'org', stage);
}

/** The member roles' names the stage file sets (or the defaults), as the templates' parameters take them. */
function stageRoleNames(stage, stagesDir) {
  const { config, source } = loadStage(stage, stagesDir);
  return roleNamesOf(resolveStageConfig(config, source));
}

/**
 * The deployment, in order, as shell lines (`#` lines are comments). `values` default to SHELL_VARIABLES;
 * `outDir` is where `generate.js` wrote the templates (relative to the repository). The member roles' names are the
 * stage file's, passed explicitly to both templates, so an update follows a change of them (`UsePreviousValue` would
 * not) and the hub's AssumeRole grant always names the roles the StackSet creates.
 */
function deploymentCommands(
  stage,
  values = SHELL_VARIABLES,
  outDir = defaultOutDir(stage),
  roleNames = stageRoleNames(stage),
) {
  const v = { ...SHELL_VARIABLES, ...values };
  const roleOverrides = Object.entries(roleNames).map(([key, name]) => `${key}=${name}`);
  const roleParameters = Object.entries(roleNames).map(
    ([key, name]) => `ParameterKey=${key},ParameterValue=${name}`,
  );
  const names = orgNames(stage);
  const memberTemplate = `${outDir}/${names.memberTemplateFile}`;
  const hubTemplate = `${outDir}/${names.hubTemplateFile}`;
  const roleLookups = Object.entries(CENTRAL_ROLE_PARAMETERS).map(
    ([parameter, logicalId]) =>
      `${parameter}=$(aws cloudformation describe-stack-resource --region "$R" --stack-name ${names.serviceStack} ` +
      `--logical-resource-id ${logicalId} --query StackResourceDetail.PhysicalResourceId --output text)`,
  );
  const stackSetParameters = [
    `ParameterKey=CentralAccountId,ParameterValue=${v.centralAccount}`,
    `ParameterKey=HomeRegion,ParameterValue=${v.homeRegion}`,
    `ParameterKey=ExternalId,ParameterValue=${v.externalId}`,
    ...roleParameters,
  ].join(' ');
  return [
    '# 1. Central account, each Region: the pipeline, then the hub beside it',
    `node deploy/org/generate.js --stage ${stage} --out ${outDir}`,
    `for R in ${v.regions}; do`,
    `  npx serverless deploy --stage ${stage} --region "$R"`,
    `  aws cloudformation deploy --region "$R" --stack-name ${names.hubStack} --template-file ${hubTemplate} ` +
      `--capabilities CAPABILITY_IAM --parameter-overrides OrganizationId=${v.organizationId} ` +
      [...roleLookups, ...roleOverrides].join(' ') +
      ` CreateAggregator=$([ "$R" = "${v.aggregatorRegion}" ] && echo true || echo false)`,
    'done',
    '# 2. Central account (StackSets delegated administrator): every member account and Region, and every account added later',
    `aws cloudformation create-stack-set --call-as DELEGATED_ADMIN --stack-set-name ${names.memberStackSet} ` +
      `--template-body file://${memberTemplate} --permission-model SERVICE_MANAGED ` +
      `--auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false --capabilities CAPABILITY_NAMED_IAM ` +
      `--parameters ${stackSetParameters}`,
    `aws cloudformation create-stack-instances --call-as DELEGATED_ADMIN --stack-set-name ${names.memberStackSet} ` +
      `--deployment-targets OrganizationalUnitIds=${v.organizationalUnits} --regions ${v.regions} ` +
      `--operation-preferences RegionConcurrencyType=PARALLEL,FailureToleranceCount=0,MaxConcurrentPercentage=25`,
    '# 3. After a change to the stage file or the code: step 1 again, then',
    `aws cloudformation update-stack-set --call-as DELEGATED_ADMIN --stack-set-name ${names.memberStackSet} ` +
      `--template-body file://${memberTemplate} --capabilities CAPABILITY_NAMED_IAM --parameters ` +
      [
        ...['CentralAccountId', 'HomeRegion', 'ExternalId'].map(
          (key) => `ParameterKey=${key},UsePreviousValue=true`,
        ),
        ...roleParameters,
      ].join(' '),
  ];
}

function parseArgs(argv) {
  const args = { commands: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--stage') args.stage = argv[(i += 1)];
    else if (arg === '--out') args.out = argv[(i += 1)];
    else if (arg === '--commands') args.commands = true;
    else throw new StageConfigError(`unknown argument "${arg}" (usage: --stage S [--out DIR] [--commands])`);
  }
  if (!args.stage) throw new StageConfigError('--stage is required');
  return args;
}

/** Writes both templates; returns their paths. A template too large for --template-body is an error. */
function writeTemplates(stage, outDir, stagesDir) {
  const { member, hub, notice } = buildOrgTemplates(stage, stagesDir);
  const names = orgNames(stage);
  fs.mkdirSync(outDir, { recursive: true });
  const written = {};
  for (const [key, template, file] of [
    ['member', member, names.memberTemplateFile],
    ['hub', hub, names.hubTemplateFile],
  ]) {
    const text = `${JSON.stringify(template, null, 2)}\n`;
    if (Buffer.byteLength(text) > TEMPLATE_BODY_MAX_BYTES) {
      throw new StageConfigError(
        `${file} is ${Buffer.byteLength(text)} bytes; --template-body takes ${TEMPLATE_BODY_MAX_BYTES}`,
      );
    }
    written[key] = path.join(outDir, file);
    fs.writeFileSync(written[key], text);
  }
  return { ...written, notice };
}

function main(argv = process.argv.slice(2)) {
  try {
    const args = parseArgs(argv);
    const outDir = args.out ?? defaultOutDir(args.stage);
    if (!args.commands) {
      const written = writeTemplates(args.stage, path.resolve(REPO_ROOT, outDir));
      if (written.notice) process.stderr.write(`${written.notice}\n`);
      process.stderr.write(`wrote ${written.member} and ${written.hub}\n`);
    }
    process.stdout.write(
      `${deploymentCommands(args.stage, SHELL_VARIABLES, outDir, stageRoleNames(args.stage)).join('\n')}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof StageConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) process.exitCode = main();

module.exports = {
  deploymentCommands,
  stageRoleNames,
  writeTemplates,
  parseArgs,
  main,
  SHELL_VARIABLES,
  defaultOutDir,
};
