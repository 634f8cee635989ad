/**
 * deploy/resources.js without the Framework: the generated resources for many stage
 * configurations, and for every partition.
 */
import { ConfigError, ConfigFileSchema, parseConfigText, type ConfigFile } from '../../cli/config-file';
import { configRuleName } from '../../engine/rule';
import { RULES } from '../../rules/index';
import { allStrings, type CfnResource, listOf, resourcesOfType, roleStatements } from './template-helpers';

interface Deployment {
  environment: Record<string, unknown>;
  evaluatorEnvironment: Record<string, unknown>;
  driftEnvironment: Record<string, unknown>;
  resources: { Resources: Record<string, CfnResource>; Outputs: Record<string, unknown> };
  optionalFunctions: Record<string, { role: string; handler: string; environment: Record<string, unknown> }>;
  driftEventPattern: unknown;
  sweepSchedule: string;
  rules: { id: string; configRuleName: string; inputParameters: string }[];
}
interface DeployModule {
  buildDeployment(input: { stage: string; config: ConfigFile }): Deployment;
  sweepSchedule(framework: { resolveVariable(name: string): Promise<string> }): Promise<string>;
}
interface IamModule {
  ssmParameterPath(name: string): string;
}
interface StageConfigModule {
  stageConfigPath(stage: string): string;
  loadStageConfig(stage: string): ConfigFile;
}

// deploy/ is CommonJS that serverless.yml loads directly, so the tests load it the same way.
/* eslint-disable @typescript-eslint/no-require-imports */
const deploy = require('../../deploy/resources') as DeployModule;
const iam = require('../../deploy/iam') as IamModule;
const stageConfig = require('../../deploy/stage-config') as StageConfigModule;
/* eslint-enable @typescript-eslint/no-require-imports */

const config = (text: string): ConfigFile => parseConfigText(text, 'stage.yml', ConfigFileSchema);
const build = (text: string, stage = 'test') => deploy.buildDeployment({ stage, config: config(text) });

const FULL = [
  'rules: [SUBNETS_FREE_IPS, NETWORK_ACLS]',
  'parameters: { minFreeIps: 8, nodeSubnetIds: [subnet-0aa11bb22cc33dd44] }',
  'alerts: { emails: [a@example.com, b@example.com], slackWebhookParameter: /guard/slack }',
  'schedule: { sweep: rate(30 minutes), configPeriodic: Six_Hours }',
].join('\n');

const PSEUDO = (partition: string) => ({
  'AWS::Partition': partition,
  'AWS::Region': { aws: 'eu-west-1', 'aws-cn': 'cn-north-1', 'aws-us-gov': 'us-gov-west-1' }[partition]!,
  'AWS::AccountId': '111122223333',
  'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
});

/** Resolves the pseudo parameters of every Fn::Sub as CloudFormation would in that partition. */
function subsFor(partition: string, value: unknown): string[] {
  const pseudo = PSEUDO(partition) as Record<string, string>;
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        if (key === 'Fn::Sub' && typeof item === 'string') {
          out.push(item.replace(/\$\{([^}]+)\}/g, (_, name: string) => pseudo[name] ?? `<${name}>`));
        } else walk(item);
      }
    }
  };
  walk(value);
  return out;
}

describe('one template for every partition', () => {
  const deployment = build(FULL);

  it('carries nothing partition-, Region- or account-specific', () => {
    const strings = allStrings(deployment);
    const specific = strings.filter((s) =>
      /arn:aws|aws-cn|aws-us-gov|amazonaws\.com\.cn|\b\d{12}\b|\b(eu|us|cn|ap|sa|ca|me|af)-[a-z]+-\d\b/.test(
        s,
      ),
    );
    expect(specific).toEqual([]);
  });

  it('builds every ARN with Fn::Sub from pseudo parameters', () => {
    const arnLike = allStrings(deployment).filter((s) => s.startsWith('arn:'));
    expect(arnLike.length).toBeGreaterThan(3);
    expect(arnLike.filter((s) => !s.startsWith('arn:${AWS::Partition}:'))).toEqual([]);
  });

  it.each(['aws', 'aws-cn', 'aws-us-gov'])('every ARN resolves to a well-formed %s ARN', (partition) => {
    const arns = subsFor(partition, deployment).filter((s) => s.startsWith('arn:'));
    expect(arns.length).toBeGreaterThan(3);
    const region = PSEUDO(partition)['AWS::Region'];
    for (const arn of arns) {
      expect(arn).toMatch(
        new RegExp(`^arn:${partition}:(iam::111122223333:root|[a-z]+:${region}:111122223333:.+)$`),
      );
      expect(arn).not.toContain('<');
    }
  });

  it('resolves the SSM service domain through AWS::URLSuffix (amazonaws.com.cn in China)', () => {
    expect(subsFor('aws-cn', deployment)).toContain('ssm.cn-north-1.amazonaws.com.cn');
    expect(subsFor('aws-us-gov', deployment)).toContain('ssm.us-gov-west-1.amazonaws.com');
  });
});

describe('generated from the stage configuration', () => {
  it('one ConfigRule per enabled rule, with the stage period and parameters', () => {
    const { resources, rules } = build(FULL);
    const configRules = resourcesOfType(resources.Resources, 'AWS::Config::ConfigRule').map(
      ([, r]) => r.Properties,
    );
    expect(configRules.map((p) => p.ConfigRuleName)).toEqual([
      configRuleName('NETWORK_ACLS'),
      configRuleName('SUBNETS_FREE_IPS'),
    ]);
    expect(configRules.map((p) => JSON.parse(p.InputParameters))).toEqual([
      { ruleId: 'NETWORK_ACLS', nodeSubnetIds: 'subnet-0aa11bb22cc33dd44' },
      { ruleId: 'SUBNETS_FREE_IPS', minFreeIps: '8' },
    ]);
    expect(
      configRules.every((p) => p.Source.SourceDetails[2].MaximumExecutionFrequency === 'Six_Hours'),
    ).toBe(true);
    expect(rules.map((r) => r.id)).toEqual(['NETWORK_ACLS', 'SUBNETS_FREE_IPS']);
  });

  it('no rules key means the whole catalog, with the default schedules', () => {
    const deployment = build('parameters: {}');
    expect(deployment.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.meta.id));
    expect(deployment.sweepSchedule).toBe('rate(1 hour)');
    const periods = resourcesOfType(deployment.resources.Resources, 'AWS::Config::ConfigRule').map(
      ([, r]) => r.Properties.Source.SourceDetails[2].MaximumExecutionFrequency,
    );
    expect(new Set(periods)).toEqual(new Set(['TwentyFour_Hours']));
  });

  it('rule ids are matched case-insensitively and deduplicated, in catalog order', () => {
    const ids = build('rules: "subnets_free_ips, ENDPOINT_PRIVATE_ACCESS,SUBNETS_FREE_IPS"').rules.map(
      (r) => r.id,
    );
    expect(ids).toEqual(['ENDPOINT_PRIVATE_ACCESS', 'SUBNETS_FREE_IPS']);
  });

  it('passes rules and parameter texts to drift and sweep in GUARD_CONFIG', () => {
    const { driftEnvironment } = build(FULL);
    expect(JSON.parse(driftEnvironment.GUARD_CONFIG as string)).toEqual({
      rules: ['NETWORK_ACLS', 'SUBNETS_FREE_IPS'],
      parameters: { minFreeIps: '8', nodeSubnetIds: 'subnet-0aa11bb22cc33dd44' },
    });
    expect(driftEnvironment).toEqual({
      STATE_TABLE_NAME: { Ref: 'StateTable' },
      CHAT_TOPIC_ARN: { Ref: 'ChatTopic' },
      EMAIL_TOPIC_ARN: { Ref: 'EmailTopic' },
      RECHECK_QUEUE_URL: { Ref: 'RecheckQueue' },
      GUARD_CONFIG: driftEnvironment.GUARD_CONFIG,
      CONFIG_RULE_NAME_PREFIX: 'private-eks-',
    });
  });

  it('gives each function only the variables it reads; only drift and sweep reference stack resources', () => {
    const { environment, evaluatorEnvironment, optionalFunctions } = build(FULL);
    expect(environment).toEqual({
      POWERTOOLS_SERVICE_NAME: 'private-eks-guard',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(evaluatorEnvironment).toEqual({ CONFIG_RULE_NAME_PREFIX: 'private-eks-' });
    expect(optionalFunctions.slackNotifier!.environment).toEqual({ SLACK_WEBHOOK_PARAMETER: '/guard/slack' });
  });

  it('without slackWebhookParameter there is no notifier, role, subscription or variable', () => {
    const { resources, optionalFunctions, environment, driftEnvironment } = build(
      'alerts: { emails: [a@example.com] }',
    );
    expect(optionalFunctions).toEqual({});
    expect(environment.SLACK_WEBHOOK_PARAMETER).toBeUndefined();
    expect(driftEnvironment.SLACK_WEBHOOK_PARAMETER).toBeUndefined();
    expect(resources.Resources.SlackNotifierRole).toBeUndefined();
    expect(resources.Resources.SlackNotifierSubscription).toBeUndefined();
  });

  it('with slackWebhookParameter the notifier gets its own role', () => {
    const { resources, optionalFunctions } = build(FULL);
    expect(optionalFunctions.slackNotifier).toMatchObject({
      handler: 'functions/slack-notifier.handler',
      role: 'SlackNotifierRole',
    });
    const actions = roleStatements(resources.Resources, 'SlackNotifierRole').flatMap((s) => listOf(s.Action));
    expect(actions.sort()).toEqual(
      [
        'kms:Decrypt',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:SendMessage',
        'ssm:GetParameter',
      ].sort(),
    );
  });

  it('no emails means no email subscriptions (the alarm still targets the topic)', () => {
    const { resources } = build('rules: [SUBNETS_MULTI_AZ]');
    expect(resourcesOfType(resources.Resources, 'AWS::SNS::Subscription')).toEqual([]);
  });

  it.each([
    ['/a/b', 'parameter/a/b'],
    ['a/b', 'parameter/a/b'],
    ['plain', 'parameter/plain'],
  ])('SSM parameter %s has ARN path %s', (name, path) => {
    expect(iam.ssmParameterPath(name)).toBe(path);
  });

  it('the Framework entry points take the stage from sls:stage', async () => {
    const asked: string[] = [];
    const schedule = await deploy.sweepSchedule({
      resolveVariable: async (name) => {
        asked.push(name);
        return 'dev';
      },
    });
    expect(asked).toEqual(['sls:stage']);
    expect(schedule).toMatch(/^(rate|cron)\(/);
  });
});

describe('mistakes fail packaging', () => {
  it.each([
    ['an unknown rule id', 'rules: [NOT_A_RULE]', /unknown rule id "NOT_A_RULE"/],
    ['an unknown parameter', 'parameters: { minFreeIP: 3 }', /unknown parameter "minFreeIP"/],
    ['a bad parameter value', 'parameters: { egressMode: sometimes }', /egressMode/],
    ['an empty rule list', 'rules: []', /enables no rules/],
    [
      'InputParameters over 1,024 chars',
      `rules: [SUBNETS_INTERNAL_ELB_TAG]\nparameters:\n  nodeSubnetIds: [${Array.from(
        { length: 60 },
        (_, i) => `subnet-${String(i).padStart(17, '0')}`,
      ).join(', ')}]`,
      /InputParameters of SUBNETS_INTERNAL_ELB_TAG are \d+ chars; AWS Config allows 1024/,
    ],
  ])('%s', (_, text, message) => {
    expect(() => build(text)).toThrow(message);
  });

  it.each(['../etc', 'a/b', 'dev.yml', ''])('stage name %j cannot name a file elsewhere', (stage) => {
    expect(() => stageConfigPath(stage)).toThrow(/must be letters, digits/);
  });

  it('a stage without a file names the file to create', () => {
    expect(() => stageConfig.loadStageConfig('no-such-stage')).toThrow(
      /no stage configuration deploy\/stages\/no-such-stage\.yml/,
    );
  });

  it('deploy/stages/dev.yml itself is valid', () => {
    expect(stageConfig.loadStageConfig('dev').rules?.length).toBeGreaterThan(0);
  });
});

function stageConfigPath(stage: string): string {
  return stageConfig.stageConfigPath(stage);
}

describe('the shared schema reads the deploy keys (and the CLI ignores them)', () => {
  it('accepts alerts and schedule', () => {
    expect(config(FULL).schedule).toEqual({ sweep: 'rate(30 minutes)', configPeriodic: 'Six_Hours' });
  });

  it.each([
    ['an unknown alerts key', 'alerts: { email: [a@example.com] }', /unknown key alerts\.email/],
    ['a bad email', 'alerts: { emails: [not-an-address] }', /alerts\.emails\[0\]: expected an email address/],
    [
      'a URL instead of a parameter name',
      'alerts: { slackWebhookParameter: "https://hooks.slack.com/x" }',
      /SSM parameter name/,
    ],
    ['a bad period', 'schedule: { configPeriodic: Daily }', /schedule\.configPeriodic/],
    ['a bad sweep', 'schedule: { sweep: hourly }', /EventBridge schedule/],
  ])('rejects %s', (_, text, message) => {
    expect(() => config(text)).toThrow(ConfigError);
    expect(() => config(text)).toThrow(message);
  });
});
