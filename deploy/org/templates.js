'use strict';
/**
 * Hub and spoke for an AWS Organization (deploy/org/README.md says why): the pipeline stays in one central account
 * (`serverless deploy` per Region, unchanged); every member account and Region gets only what this file's member
 * template holds, rolled out by a service-managed StackSet with automatic deployment; the central account gets the
 * hub template next to its pipeline in each Region. Both are generated from the same stage configuration as
 * serverless.yml (deploy/stages/<stage>.yml through deploy/stage-config.js). Every ARN is an Fn::Sub over
 * ${AWS::Partition}, so the templates deploy unchanged in aws, aws-cn and aws-us-gov.
 */
const { loadSources } = require('../sources');
const { loadStage, resolveStageConfig, DEFAULT_CONFIG_REPORTER_ROLE_NAME } = require('../stage-config');
const { functionName, configRuleLogicalId, SERVICE } = require('../resources');
const { memberRoleName, memberRoleStatements, trustStatement } = require('./member-role');

const sub = (text) => ({ 'Fn::Sub': text });
const ref = (name) => ({ Ref: name });

/** The member role the hub's Lambdas assume to write Config results (PutEvaluations needs the member's credentials). */
const CONFIG_REPORTER_ROLE_NAME = DEFAULT_CONFIG_REPORTER_ROLE_NAME;
/** AWS Config's own trigger types for an organization custom rule (API OrganizationConfigRuleTriggerType). */
const ORGANIZATION_TRIGGER_TYPES = [
  'ConfigurationItemChangeNotification',
  'OversizedConfigurationItemChangeNotification',
  'ScheduledNotification',
];
/**
 * The serverless roles whose Lambdas work in member accounts (deploy/iam.js logical ids). Not the sweep's: it
 * queues the members' sweeps, which drift runs (drift/organization-sweep.ts).
 */
const CENTRAL_ROLE_PARAMETERS = {
  ConfigEvaluatorRoleName: 'ConfigEvaluatorRole',
  DriftRoleName: 'DriftRole',
};
/** CloudFormation's limit on a template passed as a body (`--template-body`, `aws cloudformation deploy` without S3). */
const TEMPLATE_BODY_MAX_BYTES = 51200;

/**
 * The two member roles' names for a stage (its `organization.memberRoleName` / `configReporterRoleName`, else the
 * defaults): both templates' parameter defaults, and the values generate.js's commands pass explicitly.
 */
function roleNamesOf(resolved) {
  return {
    MemberRoleName: resolved?.memberRoleNames?.reader ?? memberRoleName(),
    ConfigReporterRoleName: resolved?.memberRoleNames?.configReporter ?? CONFIG_REPORTER_ROLE_NAME,
  };
}

/** The role-name parameters, defaulting to the stage's names (IAM's RoleName pattern: no path). */
function roleNameParameters(resolved) {
  return Object.fromEntries(
    Object.entries(roleNamesOf(resolved)).map(([parameter, name]) => [
      parameter,
      { Type: 'String', Default: name, AllowedPattern: '^[\\w+=,.@-]{1,64}$' },
    ]),
  );
}

/** The names both templates and the commands agree on, for one stage. */
function orgNames(stage) {
  return {
    serviceStack: `${SERVICE}-${stage}`,
    hubStack: `${SERVICE}-${stage}-org-hub`,
    memberStackSet: `${SERVICE}-${stage}-members`,
    eventBus: `${SERVICE}-${stage}-member-drift`,
    aggregator: `${SERVICE}-${stage}-organization`,
    memberTemplateFile: 'member.template.json',
    hubTemplateFile: 'hub.template.json',
  };
}

const accountIdParameter = (description) => ({
  Type: 'String',
  AllowedPattern: '^\\d{12}$',
  Description: description,
});

/** The trust shared by both member roles: the central account, and its ExternalId when the StackSet sets one. */
function centralTrust(extraConditions) {
  const statement = (condition) =>
    trustStatement(sub('arn:${AWS::Partition}:iam::${CentralAccountId}:root'), condition);
  const withExternalId = {
    ...(extraConditions ?? {}),
    StringEquals: { 'sts:ExternalId': ref('ExternalId') },
  };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        'Fn::If': ['HasExternalId', statement(withExternalId), statement(extraConditions)],
      },
    ],
  };
}

/**
 * The StackSet's template, one stack per member account × Region:
 * - in the HomeRegion only (IAM is global; a named role in every Region's stack would collide): the read-only member
 *   role (aws/member-role.ts: COLLECTOR_IAM_ACTIONS, trusted by the central account, optional sts:ExternalId), which
 *   `check --org` and the hub's Lambdas assume, and the config-reporter role, which only the hub's Lambdas assume to
 *   write Config results into the member account;
 * - in every Region: an EventBridge rule on the default bus with SPEC §8's drift pattern, forwarding to the hub's
 *   bus in the same Region through a role that may put events on that one bus.
 */
function memberTemplate(stage, resolved) {
  const names = orgNames(stage);
  const { DRIFT_EVENT_PATTERN } = loadSources();
  const busArn = sub(
    'arn:${AWS::Partition}:events:${AWS::Region}:${CentralAccountId}:event-bus/${DriftEventBusName}',
  );
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${SERVICE} ${stage}: member account (read-only role, drift forwarding to the central account)`,
    Parameters: {
      CentralAccountId: accountIdParameter('The account that runs the pipeline (the hub)'),
      HomeRegion: {
        Type: 'String',
        Description:
          "The one Region whose stack creates the account's IAM roles ('none': another stack set does)",
      },
      ExternalId: {
        Type: 'String',
        Default: '',
        Description: 'sts:ExternalId the central account must present (empty: no condition)',
      },
      ...roleNameParameters(resolved),
      DriftEventBusName: { Type: 'String', Default: names.eventBus },
    },
    Conditions: {
      IsHomeRegion: { 'Fn::Equals': [ref('AWS::Region'), ref('HomeRegion')] },
      HasExternalId: { 'Fn::Not': [{ 'Fn::Equals': [ref('ExternalId'), ''] }] },
    },
    Resources: {
      MemberRole: {
        Type: 'AWS::IAM::Role',
        Condition: 'IsHomeRegion',
        Properties: {
          RoleName: ref('MemberRoleName'),
          Description: `${SERVICE}: read-only, for the central account's checks`,
          AssumeRolePolicyDocument: centralTrust(),
          Policies: [
            {
              PolicyName: 'read-only',
              // The collector's Describe*/List*/Get* calls support no resource-level permissions.
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: memberRoleStatements(),
              },
            },
          ],
        },
      },
      ConfigReporterRole: {
        Type: 'AWS::IAM::Role',
        Condition: 'IsHomeRegion',
        Properties: {
          RoleName: ref('ConfigReporterRoleName'),
          Description: `${SERVICE}: the central Lambdas write AWS Config results for this account`,
          // Only the pipeline's roles in the central account (deploy/iam.js: stack-named roles).
          AssumeRolePolicyDocument: centralTrust({
            ArnLike: {
              'aws:PrincipalArn': sub(
                `arn:\${AWS::Partition}:iam::\${CentralAccountId}:role/${names.serviceStack}-*`,
              ),
            },
          }),
          Policies: [
            {
              PolicyName: 'config-results',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  // Authorised by the invocation's ResultToken: PutEvaluations takes no resource.
                  { Effect: 'Allow', Action: ['config:PutEvaluations'], Resource: '*' },
                  // Drift finds the names AWS Config gave the organization rules' member rules (by their
                  // InputParameters' ruleId): a DescribeConfigRules without ConfigRuleNames, so on no one rule's ARN.
                  { Effect: 'Allow', Action: ['config:DescribeConfigRules'], Resource: '*' },
                  {
                    Effect: 'Allow',
                    Action: ['config:GetComplianceDetailsByConfigRule', 'config:StartConfigRulesEvaluation'],
                    Resource: sub('arn:${AWS::Partition}:config:*:${AWS::AccountId}:config-rule/*'),
                  },
                ],
              },
            },
          ],
        },
      },
      DriftForwardRole: {
        Type: 'AWS::IAM::Role',
        // No RoleName: one per Region's stack.
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
          Policies: [
            {
              PolicyName: 'put-to-central-bus',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: ['events:PutEvents'], Resource: busArn }],
              },
            },
          ],
        },
      },
      DriftForwardRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: `${SERVICE} ${stage}: SPEC §8 drift events to the central account`,
          EventPattern: DRIFT_EVENT_PATTERN,
          State: 'ENABLED',
          Targets: [
            { Id: 'central-drift-bus', Arn: busArn, RoleArn: { 'Fn::GetAtt': ['DriftForwardRole', 'Arn'] } },
          ],
        },
      },
    },
    Outputs: {
      MemberRoleArn: {
        Condition: 'IsHomeRegion',
        Value: { 'Fn::GetAtt': ['MemberRole', 'Arn'] },
      },
    },
  };
}

/** `private-eks-guard-dev-drift`'s ARN in this account and Region (the Framework's deterministic name). */
function lambdaArn(stage, key) {
  return sub(
    `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${functionName(stage, key)}`,
  );
}

/** The organization Config rules: one per enabled rule, every member invoking the central evaluator. */
function organizationConfigRules(stage, rules, configPeriodic) {
  const { SCOPE_RESOURCE_TYPES } = loadSources();
  const resources = {
    // Members' Config rules invoke the evaluator from their own accounts: no single SourceAccount fits. A rule
    // outside the Organization gets nothing from it: the evaluator can only assume roles inside it (AssumeMember).
    OrganizationConfigEvaluatorPermission: {
      Type: 'AWS::Lambda::Permission',
      Condition: 'CreateOrganizationRules',
      Properties: {
        FunctionName: functionName(stage, 'configEvaluator'),
        Action: 'lambda:InvokeFunction',
        Principal: 'config.amazonaws.com',
      },
    },
  };
  for (const rule of rules) {
    resources[`Organization${configRuleLogicalId(rule.id)}`] = {
      Type: 'AWS::Config::OrganizationConfigRule',
      Condition: 'CreateOrganizationRules',
      DependsOn: ['OrganizationConfigEvaluatorPermission'],
      Properties: {
        OrganizationConfigRuleName: rule.configRuleName,
        // The central account runs its own account rules (serverless.yml).
        ExcludedAccounts: [ref('AWS::AccountId')],
        OrganizationCustomRuleMetadata: {
          Description: `private-eks-guard ${rule.id}`,
          LambdaFunctionArn: lambdaArn(stage, 'configEvaluator'),
          OrganizationConfigRuleTriggerTypes: [...ORGANIZATION_TRIGGER_TYPES],
          ResourceTypesScope: [...SCOPE_RESOURCE_TYPES],
          InputParameters: rule.inputParameters,
          MaximumExecutionFrequency: configPeriodic,
        },
      },
    };
  }
  return resources;
}

/**
 * The hub template, one stack per Region in the central account, beside `serverless deploy`'s stack of the same
 * stage and Region: the bus members forward to (PutEvents only from the Organization), a rule on it invoking the
 * drift Lambda, the right of the pipeline's roles to assume the two member roles (inside the Organization only),
 * the organization Config rules, and (in one Region) the organization Config aggregator.
 */
function hubTemplate(stage, resolved) {
  const names = orgNames(stage);
  const { DRIFT_EVENT_PATTERN } = loadSources();
  const memberRoleArn = (parameter) => sub(`arn:\${AWS::Partition}:iam::*:role/\${${parameter}}`);
  const flag = (description) => ({
    Type: 'String',
    AllowedValues: ['true', 'false'],
    Description: description,
  });
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${SERVICE} ${stage}: central account hub for the Organization's member accounts`,
    Parameters: {
      OrganizationId: {
        Type: 'String',
        AllowedPattern: '^o-[a-z0-9]{10,32}$',
        Description: 'aws organizations describe-organization --query Organization.Id',
      },
      ...Object.fromEntries(
        Object.entries(CENTRAL_ROLE_PARAMETERS).map(([parameter, logicalId]) => [
          parameter,
          { Type: 'String', Description: `The physical name of ${names.serviceStack}'s ${logicalId}` },
        ]),
      ),
      ...roleNameParameters(resolved),
      CreateOrganizationRules: {
        ...flag('Organization Config rules (management account or Config delegated administrator)'),
        Default: 'true',
      },
      CreateAggregator: {
        ...flag('The organization Config aggregator (in one Region only)'),
        Default: 'false',
      },
    },
    Conditions: {
      CreateOrganizationRules: { 'Fn::Equals': [ref('CreateOrganizationRules'), 'true'] },
      CreateAggregator: { 'Fn::Equals': [ref('CreateAggregator'), 'true'] },
    },
    Resources: {
      MemberDriftBus: {
        Type: 'AWS::Events::EventBus',
        Properties: { Name: names.eventBus },
      },
      MemberDriftBusPolicy: {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: {
          EventBusName: ref('MemberDriftBus'),
          StatementId: 'OrganizationMembersPutEvents',
          Statement: {
            Effect: 'Allow',
            Principal: '*',
            Action: 'events:PutEvents',
            Resource: { 'Fn::GetAtt': ['MemberDriftBus', 'Arn'] },
            Condition: { StringEquals: { 'aws:PrincipalOrgID': ref('OrganizationId') } },
          },
        },
      },
      MemberDriftRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: `${SERVICE} ${stage}: member accounts' drift events`,
          EventBusName: ref('MemberDriftBus'),
          // The central account's own events reach the drift Lambda from its default bus (serverless.yml).
          EventPattern: { ...DRIFT_EVENT_PATTERN, account: [{ 'anything-but': ref('AWS::AccountId') }] },
          State: 'ENABLED',
          Targets: [{ Id: 'drift', Arn: lambdaArn(stage, 'drift') }],
        },
      },
      MemberDriftInvokePermission: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: functionName(stage, 'drift'),
          Action: 'lambda:InvokeFunction',
          Principal: 'events.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': ['MemberDriftRule', 'Arn'] },
        },
      },
      AssumeMemberRolesPolicy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'assume-member-roles',
          Roles: Object.keys(CENTRAL_ROLE_PARAMETERS).map(ref),
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['sts:AssumeRole'],
                Resource: [memberRoleArn('MemberRoleName'), memberRoleArn('ConfigReporterRoleName')],
                // Roles of the Organization's accounts only, whatever a Config event or a forwarded event claims.
                Condition: { StringEquals: { 'aws:ResourceOrgID': ref('OrganizationId') } },
              },
            ],
          },
        },
      },
      ...organizationConfigRules(stage, resolved.rules, resolved.configPeriodic),
      AggregatorRole: {
        Type: 'AWS::IAM::Role',
        Condition: 'CreateAggregator',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
          ManagedPolicyArns: [
            sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AWSConfigRoleForOrganizations'),
          ],
        },
      },
      OrganizationAggregator: {
        Type: 'AWS::Config::ConfigurationAggregator',
        Condition: 'CreateAggregator',
        Properties: {
          ConfigurationAggregatorName: names.aggregator,
          OrganizationAggregationSource: {
            RoleArn: { 'Fn::GetAtt': ['AggregatorRole', 'Arn'] },
            AllAwsRegions: true,
          },
        },
      },
    },
    Outputs: {
      MemberDriftBusArn: { Value: { 'Fn::GetAtt': ['MemberDriftBus', 'Arn'] } },
    },
  };
}

/** Both templates for a stage, from its stage file (deploy/stages/<stage>.yml) as serverless.yml reads it. */
function buildOrgTemplates(stage, stagesDir) {
  const { config, source, notice } = loadStage(stage, stagesDir);
  const resolved = resolveStageConfig(config, source);
  return { member: memberTemplate(stage, resolved), hub: hubTemplate(stage, resolved), notice, resolved };
}

module.exports = {
  memberTemplate,
  hubTemplate,
  buildOrgTemplates,
  roleNamesOf,
  orgNames,
  CONFIG_REPORTER_ROLE_NAME,
  CENTRAL_ROLE_PARAMETERS,
  ORGANIZATION_TRIGGER_TYPES,
  TEMPLATE_BODY_MAX_BYTES,
};
