'use strict';
/**
 * Generates the parts of serverless.yml that depend on the stage configuration (serverless.yml
 * cannot loop): one Config rule per enabled rule, the roles, the alert topics and their
 * subscribers, the environment. serverless.yml reads the exports below with
 * `${file(./deploy/resources.js):NAME}`; each is called with the Framework's resolver, from which
 * only the stage is taken. `buildDeployment` is the pure core, for tests.
 */
const { loadSources } = require('./sources');
const {
  loadStage,
  resolveStageConfig,
  StageConfigError,
  DEFAULT_MEMBER_ROLE_NAME,
  DEFAULT_CONFIG_REPORTER_ROLE_NAME,
} = require('./stage-config');
const { roleResources, securityHubProductArn, sub, getAtt } = require('./iam');

const SERVICE = 'private-eks-guard';

/** SPEC §7's scope, from the evaluator itself, so the rules fire on exactly what it can judge. */
const complianceResourceTypes = () => [...loadSources().SCOPE_RESOURCE_TYPES];

/** Function keys of serverless.yml, in the order they appear there. */
const FUNCTION_KEYS = ['configEvaluator', 'drift', 'sweep', 'slackNotifier'];

/** The Framework's default name (service-stage-key); the roles' log ARNs must name it up front. */
function functionName(stage, key) {
  return `${SERVICE}-${stage}-${key}`;
}

function pascal(text) {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function configRuleLogicalId(ruleId) {
  return `ConfigRule${pascal(ruleId)}`;
}

function lambdaLogicalId(key) {
  return `${key.charAt(0).toUpperCase()}${key.slice(1)}LambdaFunction`;
}

function topicKey(stage) {
  return {
    TopicKey: {
      Type: 'AWS::KMS::Key',
      Properties: {
        Description: `${SERVICE} ${stage}: encrypts the alert topics`,
        EnableKeyRotation: true,
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              // The default key policy: the account's IAM policies decide (the roles' kms grants).
              Sid: 'AccountAdministers',
              Effect: 'Allow',
              Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              // SNS delivers to subscribers, CloudWatch alarms and EventBridge rules publish to the topics.
              Sid: 'ServicesUseForTopics',
              Effect: 'Allow',
              Principal: {
                Service: ['sns.amazonaws.com', 'cloudwatch.amazonaws.com', 'events.amazonaws.com'],
              },
              Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
      },
    },
    TopicKeyAlias: {
      Type: 'AWS::KMS::Alias',
      Properties: { AliasName: `alias/${SERVICE}-${stage}-alerts`, TargetKeyId: { Ref: 'TopicKey' } },
    },
  };
}

function topics(stage, emails) {
  const resources = {
    ChatTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: {
        DisplayName: `${SERVICE} ${stage} (chat)`,
        KmsMasterKeyId: { Ref: 'TopicKey' },
      },
    },
    EmailTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: {
        DisplayName: `${SERVICE} ${stage}`,
        KmsMasterKeyId: { Ref: 'TopicKey' },
      },
    },
  };
  emails.forEach((address, index) => {
    resources[`EmailSubscription${index + 1}`] = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: 'EmailTopic' }, Protocol: 'email', Endpoint: address },
    };
  });
  return resources;
}

function queues(driftTimeoutSeconds) {
  return {
    DeadLetterQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 },
    },
    RecheckQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        SqsManagedSseEnabled: true,
        // AWS's guidance for Lambda event sources: at least six times the function timeout.
        VisibilityTimeout: driftTimeoutSeconds * 6,
        // A re-check the drift Lambda keeps failing lands with the failed async invocations.
        RedrivePolicy: { deadLetterTargetArn: getAtt('DeadLetterQueue'), maxReceiveCount: 3 },
      },
    },
    DeadLetterAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: `${SERVICE}: a Lambda invocation or re-check failed for good; see the dead-letter queue`,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt('DeadLetterQueue', 'QueueName') }],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'EmailTopic' }],
      },
    },
  };
}

function configRules(rules, configPeriodic) {
  const resources = {
    // One permission for every rule: a per-rule SourceArn would need the rule, which needs the permission.
    ConfigEvaluatorConfigPermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: getAtt(lambdaLogicalId('configEvaluator')),
        Action: 'lambda:InvokeFunction',
        Principal: 'config.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
      },
    },
  };
  for (const rule of rules) {
    resources[configRuleLogicalId(rule.id)] = {
      Type: 'AWS::Config::ConfigRule',
      DependsOn: ['ConfigEvaluatorConfigPermission'],
      Properties: {
        ConfigRuleName: rule.configRuleName,
        Description: `private-eks-guard ${rule.id}`,
        InputParameters: rule.inputParameters,
        Scope: { ComplianceResourceTypes: complianceResourceTypes() },
        Source: {
          Owner: 'CUSTOM_LAMBDA',
          SourceIdentifier: getAtt(lambdaLogicalId('configEvaluator')),
          SourceDetails: [
            { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
            { EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' },
            {
              EventSource: 'aws.config',
              MessageType: 'ScheduledNotification',
              MaximumExecutionFrequency: configPeriodic,
            },
          ],
        },
      },
    };
  }
  return resources;
}

function slackSubscription() {
  return {
    SlackNotifierSubscription: {
      Type: 'AWS::SNS::Subscription',
      Properties: {
        TopicArn: { Ref: 'ChatTopic' },
        Protocol: 'lambda',
        Endpoint: getAtt(lambdaLogicalId('slackNotifier')),
      },
    },
    SlackNotifierSnsPermission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: getAtt(lambdaLogicalId('slackNotifier')),
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        SourceArn: { Ref: 'ChatTopic' },
      },
    },
  };
}

const DRIFT_TIMEOUT_SECONDS = 120;

/** Everything serverless.yml takes from the stage configuration; `source` names it in errors. */
function buildDeployment({ stage, config, source }) {
  const resolved = resolveStageConfig(config, source);
  const { CONFIG_RULE_NAME_PREFIX } = loadSources();
  const functionNames = Object.fromEntries(FUNCTION_KEYS.map((key) => [key, functionName(stage, key)]));
  const slack = resolved.slackWebhookParameter !== undefined;
  const ruleLogicalIds = resolved.rules.map((rule) => configRuleLogicalId(rule.id));

  // Each function sees only the variables it reads. Besides least exposure, this lets
  // `serverless invoke local -f slackNotifier` and `-f configEvaluator` run without a deployed
  // stack: the Framework resolves a `Ref` in a function's environment from CloudFormation.
  const environment = {
    POWERTOOLS_SERVICE_NAME: SERVICE,
    // Stack traces through the minified bundles point at the TypeScript sources.
    NODE_OPTIONS: '--enable-source-maps',
    // Every function that may enter a member account (evaluator, drift, sweep) passes it to sts:AssumeRole.
    ...(resolved.memberRoleExternalId === undefined
      ? {}
      : { MEMBER_ROLE_EXTERNAL_ID: resolved.memberRoleExternalId }),
    // And the member roles' names, when the stage renames them (aws/member-access.ts; absent: the defaults).
    ...(resolved.memberRoleNames.reader === DEFAULT_MEMBER_ROLE_NAME
      ? {}
      : { MEMBER_ROLE_NAME: resolved.memberRoleNames.reader }),
    ...(resolved.memberRoleNames.configReporter === DEFAULT_CONFIG_REPORTER_ROLE_NAME
      ? {}
      : { CONFIG_REPORTER_ROLE_NAME: resolved.memberRoleNames.configReporter }),
  };
  const evaluatorEnvironment = { CONFIG_RULE_NAME_PREFIX };
  const driftEnvironment = {
    STATE_TABLE_NAME: { Ref: 'StateTable' },
    CHAT_TOPIC_ARN: { Ref: 'ChatTopic' },
    EMAIL_TOPIC_ARN: { Ref: 'EmailTopic' },
    RECHECK_QUEUE_URL: { Ref: 'RecheckQueue' },
    GUARD_CONFIG: JSON.stringify({
      rules: resolved.rules.map((rule) => rule.id),
      parameters: resolved.parameterTexts,
    }),
    CONFIG_RULE_NAME_PREFIX,
    // Only when the stage imports into Security Hub: the product the role may import under (functions/drift-runtime.ts).
    ...(resolved.securityHubImport ? { SECURITY_HUB_PRODUCT_ARN: securityHubProductArn() } : {}),
    // A hub stage's sweep queues the Organization's member accounts, and drift checks them (functions/sweep.ts).
    ...(resolved.organizationHub ? { ORGANIZATION_HUB: 'true' } : {}),
  };
  const sweepEnvironment = driftEnvironment;

  const Resources = {
    StateTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: loadSources().stateTableCloudFormationProperties(),
    },
    ...topicKey(stage),
    ...topics(stage, resolved.emails),
    ...queues(DRIFT_TIMEOUT_SECONDS),
    ...roleResources({
      functionNames,
      ruleLogicalIds,
      slackWebhookParameter: resolved.slackWebhookParameter,
      securityHubImport: resolved.securityHubImport,
      organizationHub: resolved.organizationHub,
    }),
    ...configRules(resolved.rules, resolved.configPeriodic),
    ...(slack ? slackSubscription() : {}),
  };

  const Outputs = {
    ChatTopicArn: { Value: { Ref: 'ChatTopic' }, Description: 'Subscribe AWS Chatbot here' },
    EmailTopicArn: { Value: { Ref: 'EmailTopic' }, Description: 'Subscribe people and pagers here' },
    StateTableName: { Value: { Ref: 'StateTable' } },
    DeadLetterQueueUrl: { Value: { Ref: 'DeadLetterQueue' } },
  };

  const optionalFunctions = slack
    ? {
        slackNotifier: {
          handler: 'functions/slack-notifier.handler',
          description: 'Posts alerts from the chat topic to the Slack webhook',
          role: 'SlackNotifierRole',
          timeout: 30,
          memorySize: 256,
          environment: { SLACK_WEBHOOK_PARAMETER: resolved.slackWebhookParameter },
          destinations: { onFailure: { type: 'sqs', arn: getAtt('DeadLetterQueue') } },
        },
      }
    : {};

  return {
    environment,
    evaluatorEnvironment,
    driftEnvironment,
    sweepEnvironment,
    resources: { Resources, Outputs },
    optionalFunctions,
    driftEventPattern: loadSources().DRIFT_EVENT_PATTERN,
    sweepSchedule: resolved.sweepSchedule,
    driftTimeoutSeconds: DRIFT_TIMEOUT_SECONDS,
    rules: resolved.rules,
    securityHubImport: resolved.securityHubImport,
    organizationHub: resolved.organizationHub,
  };
}

/**
 * A stage mistake as the Framework reports a user error: osls prints a ServerlessError without a
 * stack trace, passes one whose message starts "Cannot resolve variable at " through its variable
 * sources unchanged (lib/configuration/variables/sources/file.js, resolve.js), and reports each
 * distinct error object once. So every `${file(./deploy/resources.js):X}` of the stage rethrows this
 * one object, and `serverless package` prints the mistake on one line, once.
 */
function frameworkError(error) {
  const ServerlessError = require('osls/lib/serverless-error');
  return new ServerlessError(
    `Cannot resolve variable at \${file(./deploy/resources.js)}: ${error.message}`,
    'PRIVATE_EKS_GUARD_STAGE_CONFIG',
  );
}

/** The Framework's own log (stderr, after its log setup), so the notice sits with its other output. */
function frameworkNotice(text) {
  require('osls/lib/utils/serverless-utils/log').log.notice(text);
}

/**
 * The `${file(./deploy/resources.js):NAME}` entry points. serverless.yml asks for nine parts of one
 * stage's deployment, so the outcome is memoised per stage, failures included: the notice of a stage
 * without a file is printed once, and a mistake is reported once. `notice` is for tests.
 */
function frameworkParts({ notice = frameworkNotice } = {}) {
  const byStage = new Map();

  function settle(stage) {
    try {
      const { config, source, notice: text } = loadStage(stage);
      if (text) notice(text);
      return { deployment: buildDeployment({ stage, config, source }) };
    } catch (error) {
      // Anything else (a broken source module, esbuild) is a bug: it keeps its stack.
      return { error: error instanceof StageConfigError ? frameworkError(error) : error };
    }
  }

  // One resolution of the stage for all parts, so the Framework's own refusal of a stage name is
  // one error object too, reported once. MISSING_VARIABLE_DEPENDENCY only means "not yet" (an early
  // resolution phase): the stage is asked for again later.
  let stagePromise;
  function stageOf(resolveVariable) {
    if (!stagePromise) {
      stagePromise = resolveVariable('sls:stage');
      stagePromise.catch((error) => {
        if (error?.code === 'MISSING_VARIABLE_DEPENDENCY') stagePromise = undefined;
      });
    }
    return stagePromise;
  }

  async function deploymentFor({ resolveVariable }) {
    const stage = await stageOf(resolveVariable);
    if (!byStage.has(stage)) byStage.set(stage, settle(stage));
    const outcome = byStage.get(stage);
    if (outcome.error) throw outcome.error;
    return outcome.deployment;
  }

  const part = (name) => async (framework) => (await deploymentFor(framework))[name];
  return {
    environment: part('environment'),
    evaluatorEnvironment: part('evaluatorEnvironment'),
    driftEnvironment: part('driftEnvironment'),
    sweepEnvironment: part('sweepEnvironment'),
    resources: part('resources'),
    optionalFunctions: part('optionalFunctions'),
    driftEventPattern: part('driftEventPattern'),
    sweepSchedule: part('sweepSchedule'),
    driftTimeout: part('driftTimeoutSeconds'),
  };
}

module.exports = {
  ...frameworkParts(),
  frameworkParts,
  buildDeployment,
  functionName,
  configRuleLogicalId,
  lambdaLogicalId,
  SERVICE,
};
