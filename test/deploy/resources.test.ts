/**
 * deploy/resources.js without the Framework: the generated resources for many stage
 * configurations, and for every partition.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
interface Framework {
  resolveVariable(name: string): Promise<string>;
}
type FrameworkPart = (framework: Framework) => Promise<unknown>;
const PART_NAMES = [
  'environment',
  'evaluatorEnvironment',
  'driftEnvironment',
  'sweepEnvironment',
  'resources',
  'optionalFunctions',
  'driftEventPattern',
  'sweepSchedule',
  'driftTimeout',
] as const;
type FrameworkParts = Record<(typeof PART_NAMES)[number], FrameworkPart>;
interface DeployModule extends FrameworkParts {
  buildDeployment(input: { stage: string; config: ConfigFile; source?: string }): Deployment;
  frameworkParts(options: { notice(text: string): void }): FrameworkParts;
}
interface IamModule {
  ssmParameterPath(name: string): string;
}
interface StageConfigModule {
  stageConfigPath(stage: string): string;
  loadStageConfig(stage: string, dir?: string): ConfigFile;
  loadStage(stage: string, dir?: string): { config: ConfigFile; source: string; notice?: string };
  StageConfigError: new (message: string) => Error;
  STAGES_DIR_VARIABLE: string;
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

  it('accepts rules by Config rule name, as the CLI does with the same file', () => {
    const ids = build('rules: [private-eks-subnets-multi-az, network-acls]').rules.map((r) => r.id);
    expect(ids).toEqual(['NETWORK_ACLS', 'SUBNETS_MULTI_AZ']);
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

  it('a stage without a file deploys the defaults, and the notice names the file to create', () => {
    const { config, notice } = stageConfig.loadStage('no-such-stage');
    expect(config).toEqual({});
    expect(notice).toMatch(
      /^Stage "no-such-stage" has no deploy\/stages\/no-such-stage\.yml: deploying the built-in defaults/,
    );
    expect(notice).not.toContain('\n');
    expect(stageConfig.loadStageConfig('no-such-stage')).toEqual({});
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

const LONG_SUBNETS = `rules: [SUBNETS_INTERNAL_ELB_TAG]\nparameters:\n  nodeSubnetIds: [${Array.from(
  { length: 60 },
  (_, i) => `subnet-${String(i).padStart(17, '0')}`,
).join(', ')}]`;

describe('a stage file with a mistake: one line naming the file and the key', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'guard-stages-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Reads the stage file as the Framework entry points do, and returns what it throws. */
  function mistakeIn(text: string): { error: Error; file: string } {
    const stage = `s${Math.random().toString(36).slice(2, 10)}`;
    const file = join(dir, `${stage}.yml`);
    writeFileSync(file, text);
    try {
      const { config, source } = stageConfig.loadStage(stage, dir);
      deploy.buildDeployment({ stage, config, source });
    } catch (error) {
      return { error: error as Error, file };
    }
    throw new Error(`no error for ${JSON.stringify(text)}`);
  }

  it.each([
    ['an unknown top-level key', 'parameter: { minFreeIps: 8 }', /: unknown key parameter \(allowed keys: /],
    ['an unknown nested key', 'alerts: { email: [a@example.com] }', /: unknown key alerts\.email$/],
    [
      'a bad parameter value',
      'parameters: { egressMode: sometimes }',
      /: parameter egressMode: .*allowed: none \| nat \| any$/,
    ],
    ['an unknown parameter', 'parameters: { minFreeIP: 3 }', /: unknown parameter "minFreeIP"/],
    ['an unknown rule id', 'rules: [SUBNETS_FREE_IPS, NOT_A_RULE]', /: rules: unknown rule id "NOT_A_RULE"$/],
    ['a selection of no rules', 'rules: " , "', /: rules: the stage configuration enables no rules$/],
    [
      'a bad email',
      'alerts: { emails: [oncall-at-example.com] }',
      /: alerts\.emails\[0\]: expected an email address/,
    ],
    [
      'a bad sweep schedule',
      'schedule: { sweep: hourly }',
      /: schedule\.sweep: expected an EventBridge schedule/,
    ],
    ['a bad Config period', 'schedule: { configPeriodic: Daily }', /: schedule\.configPeriodic: /],
    [
      'InputParameters over 1,024 chars',
      LONG_SUBNETS,
      /: parameters: InputParameters of SUBNETS_INTERNAL_ELB_TAG are \d+ chars; AWS Config allows 1024 \(longest: nodeSubnetIds, \d+ chars\)$/,
    ],
  ])('%s', (_, text, key) => {
    const { error, file } = mistakeIn(text);
    expect(error).toBeInstanceOf(stageConfig.StageConfigError);
    expect(error.message.startsWith(`config file ${file}: `)).toBe(true);
    expect(error.message).toMatch(key);
    expect(error.message).not.toContain('\n');
  });

  it('YAML that does not parse names the file', () => {
    const { error, file } = mistakeIn('rules: [SUBNETS_FREE_IPS\n');
    expect(error).toBeInstanceOf(stageConfig.StageConfigError);
    expect(error.message.startsWith(`config file ${file} is not valid YAML or JSON: `)).toBe(true);
  });

  it('names a file inside the repository by its repository path', () => {
    expect(stageConfig.loadStage('dev').source).toBe('config file deploy/stages/dev.yml');
  });
});

describe('the Framework entry points report a stage once', () => {
  let dir: string;
  let saved: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'guard-stages-'));
    saved = process.env[stageConfig.STAGES_DIR_VARIABLE];
    process.env[stageConfig.STAGES_DIR_VARIABLE] = dir;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env[stageConfig.STAGES_DIR_VARIABLE];
    else process.env[stageConfig.STAGES_DIR_VARIABLE] = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const framework = (stage: string): Framework => ({ resolveVariable: async () => stage });
  const settleAll = (parts: FrameworkParts, fw: Framework) =>
    Promise.allSettled(PART_NAMES.map((name) => parts[name](fw)));

  it('a stage without a file: every part from the defaults, and the notice once', async () => {
    const notices: string[] = [];
    const parts = deploy.frameworkParts({ notice: (text) => notices.push(text) });
    const results = await settleAll(parts, framework('prod'));
    await settleAll(parts, framework('prod'));
    expect(results.map((r) => r.status)).toEqual(PART_NAMES.map(() => 'fulfilled'));
    expect(notices).toEqual([
      `Stage "prod" has no ${join(dir, 'prod.yml')}: deploying the built-in defaults (all ${RULES.length} rules, ` +
        'SPEC default parameters, no email subscriptions, no Slack notifier); ' +
        'create that file (deploy/stages/dev.yml is an example) to choose',
    ]);
    const value = (name: (typeof PART_NAMES)[number]) =>
      (results[PART_NAMES.indexOf(name)] as PromiseFulfilledResult<unknown>).value;
    const { Resources } = value('resources') as Deployment['resources'];
    expect(
      resourcesOfType(Resources, 'AWS::Config::ConfigRule').map(([, r]) => r.Properties.ConfigRuleName),
    ).toEqual(RULES.map((r) => configRuleName(r.meta.id)));
    expect(resourcesOfType(Resources, 'AWS::SNS::Subscription')).toEqual([]);
    expect(value('optionalFunctions')).toEqual({});
    expect(value('sweepSchedule')).toBe('rate(1 hour)');
  });

  it('a stage file with a mistake: every part rejects with one error object, memoised', async () => {
    const file = join(dir, 'broken.yml');
    writeFileSync(file, 'parameters: { egressMode: sometimes }\n');
    const notices: string[] = [];
    const parts = deploy.frameworkParts({ notice: (text) => notices.push(text) });
    const results = await settleAll(parts, framework('broken'));
    // Fixed afterwards: the process has already failed, and keeps reporting the same error.
    writeFileSync(file, 'parameters: { egressMode: nat }\n');
    const again = await settleAll(parts, framework('broken'));

    const errors = [...results, ...again].map((r) => (r as PromiseRejectedResult).reason as Error);
    expect(new Set(errors).size).toBe(1);
    const [error] = errors;
    // osls passes a ServerlessError with this prefix through its variable sources unchanged and
    // prints it without a stack trace.
    expect(error!.name).toBe('ServerlessError');
    expect(error!.message).toBe(
      `Cannot resolve variable at \${file(./deploy/resources.js)}: config file ${file}: ` +
        'parameter egressMode: "sometimes" is not allowed; allowed: none | nat | any',
    );
    expect(notices).toEqual([]);
  });

  it("the Framework's refusal of the stage name is one error object too", async () => {
    const refusal = Object.assign(new Error('Invalid stage name.'), { code: 'INVALID_STAGE' });
    let asked = 0;
    const parts = deploy.frameworkParts({ notice: () => undefined });
    const results = await settleAll(parts, {
      resolveVariable: async () => {
        asked += 1;
        throw refusal;
      },
    });
    expect(results.map((r) => (r as PromiseRejectedResult).reason)).toEqual(PART_NAMES.map(() => refusal));
    expect(asked).toBe(1);
  });

  it('asks for the stage again after "not yet" (MISSING_VARIABLE_DEPENDENCY)', async () => {
    const notYet = Object.assign(new Error('Cannot resolve variable'), {
      code: 'MISSING_VARIABLE_DEPENDENCY',
    });
    const answers: (() => Promise<string>)[] = [() => Promise.reject(notYet), () => Promise.resolve('dev')];
    const parts = deploy.frameworkParts({ notice: () => undefined });
    const fw: Framework = { resolveVariable: () => answers.shift()!() };
    await expect(parts.sweepSchedule(fw)).rejects.toBe(notYet);
    await expect(parts.sweepSchedule(fw)).resolves.toMatch(/^(rate|cron)\(/);
  });
});
