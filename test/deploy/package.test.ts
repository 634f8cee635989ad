/**
 * Packages the real serverless.yml for deploy/stages/dev.yml, offline and without credentials,
 * and holds the generated CloudFormation template to SPEC §7–§10.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { COLLECTOR_IAM_ACTIONS } from '../../aws/permissions';
import { configRuleIds, parameterTexts, type ConfigFile } from '../../cli/config-file';
import { DRIFT_EVENT_PATTERN } from '../../drift/event-pattern';
import { configRuleName } from '../../engine/rule';
import { compileEventPattern } from '../../testkit/event-pattern-matcher';
import { RULES, ruleById } from '../../rules/index';
import { stateTableCloudFormationProperties } from '../../state/table-schema';
import { startLoopbackServer, type LoopbackServer } from '../../testkit/loopback-server';
import { REPO, runServerless } from './serverless-cli';
import {
  allIamStatements,
  allStrings,
  type CfnResource,
  type CfnTemplate,
  type IamStatement,
  isReadOnlyWildcard,
  listOf,
  resourcesOfType,
  roleStatements,
} from './template-helpers';

const MAX_ZIP_BYTES = 1.5 * 1024 * 1024;
const SPEC_RESOURCE_TYPES = [
  'AWS::EKS::Cluster',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::RouteTable',
  'AWS::EC2::NetworkAcl',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::VPCEndpoint',
  'AWS::EC2::DHCPOptions',
];
const FUNCTION_ROLES: Record<string, string> = {
  ConfigEvaluatorLambdaFunction: 'ConfigEvaluatorRole',
  DriftLambdaFunction: 'DriftRole',
  SweepLambdaFunction: 'SweepRole',
  SlackNotifierLambdaFunction: 'SlackNotifierRole',
};

const stage = parseYaml(readFileSync(join(REPO, 'deploy', 'stages', 'dev.yml'), 'utf8')) as ConfigFile;
const enabledRuleIds = (configRuleIds(stage) ?? RULES.map((r) => r.meta.id)).map(
  (id) => ruleById(id)!.meta.id,
);
const stageParams = parameterTexts(stage);

let outDir: string;
let template: CfnTemplate;
let resources: Record<string, CfnResource>;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'guard-package-'));
  const run = await runServerless(
    ['package', '--stage', 'dev', '--region', 'eu-west-1', '--package', outDir],
    outDir,
  );
  if (run.status !== 0) {
    throw new Error(`serverless package failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
}, 180_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('Config rules', () => {
  it('dev.yml enables rules, so the checks below have something to check', () => {
    expect(enabledRuleIds.length).toBeGreaterThan(1);
    expect(enabledRuleIds.length).toBeLessThan(RULES.length);
  });

  it('deploys exactly one ConfigRule per enabled rule, named by configRuleName', () => {
    const names = resourcesOfType(resources, 'AWS::Config::ConfigRule').map(
      ([, r]) => r.Properties.ConfigRuleName,
    );
    expect([...names].sort()).toEqual(enabledRuleIds.map(configRuleName).sort());
  });

  it.each(enabledRuleIds)('%s: scope, sources, evaluator and InputParameters', (ruleId) => {
    const found = resourcesOfType(resources, 'AWS::Config::ConfigRule').find(
      ([, r]) => r.Properties.ConfigRuleName === configRuleName(ruleId),
    );
    expect(found).toBeDefined();
    const props = found![1].Properties;
    expect(props.Scope).toEqual({ ComplianceResourceTypes: SPEC_RESOURCE_TYPES });
    expect(props.Source.Owner).toBe('CUSTOM_LAMBDA');
    expect(props.Source.SourceIdentifier).toEqual({ 'Fn::GetAtt': ['ConfigEvaluatorLambdaFunction', 'Arn'] });
    expect(props.Source.SourceDetails).toEqual([
      { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
      { EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' },
      {
        EventSource: 'aws.config',
        MessageType: 'ScheduledNotification',
        MaximumExecutionFrequency: stage.schedule?.configPeriodic,
      },
    ]);
    expect(found![1].DependsOn).toContain('ConfigEvaluatorConfigPermission');

    expect(typeof props.InputParameters).toBe('string');
    expect(props.InputParameters.length).toBeLessThanOrEqual(1024);
    const expected: Record<string, string> = { ruleId };
    for (const name of ruleById(ruleId)!.meta.parameters) {
      if (stageParams[name] !== undefined) expected[name] = stageParams[name];
    }
    expect(JSON.parse(props.InputParameters)).toEqual(expected);
  });

  it('at least one rule carries a stage parameter (the InputParameters check is not vacuous)', () => {
    const carrying = resourcesOfType(resources, 'AWS::Config::ConfigRule').filter(
      ([, r]) => Object.keys(JSON.parse(r.Properties.InputParameters)).length > 1,
    );
    expect(carrying.length).toBeGreaterThan(0);
  });

  it('lets AWS Config (of this account only) invoke the evaluator', () => {
    const permission = resources.ConfigEvaluatorConfigPermission!;
    expect(permission.Properties).toEqual({
      FunctionName: { 'Fn::GetAtt': ['ConfigEvaluatorLambdaFunction', 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'config.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });
});

describe('partitions and IAM', () => {
  it('has no "arn:aws:" literal anywhere, and no ${aws:accountId}-style Framework variable left', () => {
    const strings = allStrings(template);
    expect(strings.length).toBeGreaterThan(100);
    expect(strings.filter((s) => s.includes('arn:aws:'))).toEqual([]);
    expect(strings.filter((s) => /\$\{(aws|sls|self|file|env|opt):/.test(s))).toEqual([]);
  });

  it('uses no wildcard action except read-only Describe*/List*', () => {
    const statements = allIamStatements(resources);
    expect(statements.length).toBeGreaterThan(10);
    const wild = statements
      .flatMap((s) => listOf(s.Action))
      .filter((a) => a.includes('*') && !isReadOnlyWildcard(a));
    expect(wild).toEqual([]);
  });

  it('grants Resource "*" only for the collector reads and config:PutEvaluations', () => {
    const allowed = new Set<string>([...COLLECTOR_IAM_ACTIONS, 'config:PutEvaluations']);
    const onStar = allIamStatements(resources)
      .filter((s) => listOf(s.Resource).includes('*'))
      .flatMap((s) => listOf(s.Action));
    expect(onStar.length).toBeGreaterThan(0);
    expect(onStar.filter((a) => !allowed.has(a))).toEqual([]);
  });

  it.each(['ConfigEvaluatorRole', 'DriftRole', 'SweepRole'])(
    '%s reads with exactly COLLECTOR_IAM_ACTIONS',
    (role) => {
      const reads = roleStatements(resources, role)
        .filter((s) => listOf(s.Resource).includes('*'))
        .flatMap((s) => listOf(s.Action))
        .filter((a) => a !== 'config:PutEvaluations');
      expect([...reads].sort()).toEqual([...COLLECTOR_IAM_ACTIONS].sort());
    },
  );

  it('dev.yml leaves the Security Hub import off: no securityhub action, no product ARN (securityhub-stage.test.ts has it on)', () => {
    expect((stage as { securityHub?: { importFindings?: boolean } }).securityHub?.importFindings).not.toBe(
      true,
    );
    const actions = allIamStatements(resources).flatMap((s) => listOf(s.Action));
    expect(actions.filter((a) => a.startsWith('securityhub:'))).toEqual([]);
    expect(allStrings(template).filter((s) => s.includes(':securityhub:'))).toEqual([]);
  });

  it('drift and sweep may start evaluations of the deployed rules, and nothing else in Config', () => {
    const policy = resources.DriftRulesPolicy!;
    expect(policy.Properties.Roles).toEqual([{ Ref: 'DriftRole' }, { Ref: 'SweepRole' }]);
    const [statement] = policy.Properties.PolicyDocument.Statement as IamStatement[];
    expect(statement!.Action).toEqual(['config:StartConfigRulesEvaluation']);
    const ruleIds = resourcesOfType(resources, 'AWS::Config::ConfigRule').map(([id]) => id);
    expect(statement!.Resource).toEqual(ruleIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })));
  });

  it.each([
    ['DriftRole', 'sns:Publish', [{ Ref: 'ChatTopic' }, { Ref: 'EmailTopic' }]],
    ['DriftRole', 'dynamodb:UpdateItem', { 'Fn::GetAtt': ['StateTable', 'Arn'] }],
    ['DriftRole', 'kms:GenerateDataKey', { 'Fn::GetAtt': ['TopicKey', 'Arn'] }],
    ['SweepRole', 'dynamodb:Query', { 'Fn::GetAtt': ['StateTable', 'Arn'] }],
    ['SweepRole', 'sns:Publish', [{ Ref: 'ChatTopic' }, { Ref: 'EmailTopic' }]],
  ])('%s: %s only on its one resource', (role, action, resource) => {
    const granting = roleStatements(resources, role).filter((s) => listOf(s.Action).includes(action));
    expect(granting.map((s) => s.Resource)).toEqual([resource]);
  });

  it('only the drift role may consume the re-check queue; drift and sweep may send to it', () => {
    const holders = (action: string) =>
      Object.values(FUNCTION_ROLES).filter((role) =>
        resources[role]
          ? roleStatements(resources, role).some((s) => listOf(s.Action).includes(action))
          : false,
      );
    expect(holders('sqs:ReceiveMessage')).toEqual(['DriftRole']);
    expect(
      holders('sqs:SendMessage').filter((role) =>
        roleStatements(resources, role).some(
          (s) =>
            listOf(s.Action).includes('sqs:SendMessage') &&
            JSON.stringify(s.Resource).includes('RecheckQueue'),
        ),
      ),
    ).toEqual(['DriftRole', 'SweepRole']);
  });

  it('the Slack notifier reads only its one SSM parameter, and decrypts only through SSM', () => {
    const statements = roleStatements(resources, 'SlackNotifierRole');
    const ssm = statements.find((s) => listOf(s.Action).includes('ssm:GetParameter'))!;
    expect(ssm.Resource).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${stage.alerts!.slackWebhookParameter}`,
    });
    const kms = statements.find((s) => listOf(s.Action).includes('kms:Decrypt'))!;
    expect(kms.Condition).toEqual({
      StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.${AWS::URLSuffix}' } },
    });
    expect(statements.some((s) => listOf(s.Action).some((a) => a.startsWith('ec2:')))).toBe(false);
  });
});

describe('event sources', () => {
  const eventsDir = join(REPO, 'events');
  const samples = readdirSync(eventsDir).filter((f) => /^cloudtrail-(?!failed-).*\.json$/.test(f));
  const failed = readdirSync(eventsDir).filter((f) => /^cloudtrail-failed-.*\.json$/.test(f));
  const load = (file: string): unknown => JSON.parse(readFileSync(join(eventsDir, file), 'utf8'));

  function driftRule(): CfnResource {
    const rules = resourcesOfType(resources, 'AWS::Events::Rule').filter(
      ([, r]) => r.Properties.EventPattern,
    );
    expect(rules).toHaveLength(1);
    return rules[0]![1];
  }

  it('deploys DRIFT_EVENT_PATTERN as-is, targeting the drift function', () => {
    const rule = driftRule();
    expect(rule.Properties.EventPattern).toEqual(DRIFT_EVENT_PATTERN);
    expect(rule.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['DriftLambdaFunction', 'Arn'] });
  });

  it('the deployed pattern matches every sample and no failed call', () => {
    const pattern = compileEventPattern(driftRule().Properties.EventPattern);
    expect(samples.length).toBeGreaterThanOrEqual(25);
    expect(failed.length).toBeGreaterThan(0);
    expect(samples.filter((f) => !pattern.matches(load(f)))).toEqual([]);
    expect(failed.filter((f) => pattern.matches(load(f)))).toEqual([]);
  });

  it('runs the sweep on the stage schedule', () => {
    const schedules = resourcesOfType(resources, 'AWS::Events::Rule').filter(
      ([, r]) => r.Properties.ScheduleExpression,
    );
    expect(schedules.map(([, r]) => [r.Properties.ScheduleExpression, r.Properties.Targets[0].Arn])).toEqual([
      [stage.schedule?.sweep, { 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] }],
    ]);
  });

  it('feeds the re-check queue to the drift function one message at a time, at most ten at once, failures reported per record', () => {
    const mappings = resourcesOfType(resources, 'AWS::Lambda::EventSourceMapping');
    expect(
      mappings.map(([, m]) => [
        m.Properties.EventSourceArn,
        m.Properties.BatchSize,
        m.Properties.FunctionResponseTypes,
        m.Properties.ScalingConfig,
      ]),
    ).toEqual([
      [{ 'Fn::GetAtt': ['RecheckQueue', 'Arn'] }, 1, ['ReportBatchItemFailures'], { MaximumConcurrency: 10 }],
    ]);
  });

  it('subscribes the Slack notifier to the chat topic only', () => {
    const lambdaSubscriptions = resourcesOfType(resources, 'AWS::SNS::Subscription').filter(
      ([, s]) => s.Properties.Protocol === 'lambda',
    );
    expect(lambdaSubscriptions.map(([, s]) => [s.Properties.TopicArn, s.Properties.Endpoint])).toEqual([
      [{ Ref: 'ChatTopic' }, { 'Fn::GetAtt': ['SlackNotifierLambdaFunction', 'Arn'] }],
    ]);
  });
});

describe('alerts, state and failure handling', () => {
  it.each(['ChatTopic', 'EmailTopic'])('%s is encrypted with the topic key', (topic) => {
    expect(resources[topic]!.Properties.KmsMasterKeyId).toEqual({ Ref: 'TopicKey' });
  });

  it('the topic key rotates and lets CloudWatch and EventBridge publish to the topics', () => {
    const key = resources.TopicKey!.Properties;
    expect(key.EnableKeyRotation).toBe(true);
    const services = (key.KeyPolicy.Statement as IamStatement[]).flatMap((s) => listOf(s.Principal?.Service));
    expect(services).toEqual(expect.arrayContaining(['cloudwatch.amazonaws.com', 'events.amazonaws.com']));
  });

  it('subscribes every stage email to the email topic', () => {
    const emails = resourcesOfType(resources, 'AWS::SNS::Subscription')
      .filter(([, s]) => s.Properties.Protocol === 'email')
      .map(([, s]) => [s.Properties.TopicArn, s.Properties.Endpoint]);
    expect(emails).toEqual((stage.alerts?.emails ?? []).map((e) => [{ Ref: 'EmailTopic' }, e]));
    expect(emails.length).toBeGreaterThan(0);
  });

  it('builds the state table from state/table-schema.ts', () => {
    expect(resources.StateTable!.Properties).toEqual(stateTableCloudFormationProperties());
  });

  it('sends every function’s failed async invocations to the dead-letter queue', () => {
    const functions = resourcesOfType(resources, 'AWS::Lambda::Function').map(([id]) => id);
    const configs = resourcesOfType(resources, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => [
      c.Properties.FunctionName.Ref,
      c.Properties.DestinationConfig.OnFailure.Destination,
    ]);
    expect(configs.sort()).toEqual(
      functions.sort().map((id) => [id, { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }]),
    );
    expect(resources.RecheckQueue!.Properties.RedrivePolicy.deadLetterTargetArn).toEqual({
      'Fn::GetAtt': ['DeadLetterQueue', 'Arn'],
    });
  });

  it('alarms as soon as one message waits in the dead-letter queue', () => {
    const alarm = resources.DeadLetterAlarm!.Properties;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarm.AlarmActions).toEqual([{ Ref: 'EmailTopic' }]);
  });

  it.each(['RecheckQueue', 'DeadLetterQueue'])('%s is encrypted at rest', (queue) => {
    expect(resources[queue]!.Properties.SqsManagedSseEnabled).toBe(true);
  });
});

describe('functions', () => {
  it('deploys the four functions on nodejs22.x, each with its own role', () => {
    const functions = resourcesOfType(resources, 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id).sort()).toEqual(Object.keys(FUNCTION_ROLES).sort());
    for (const [id, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [FUNCTION_ROLES[id], 'Arn'] });
    }
    expect(resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('gives each function only the environment variables it reads', () => {
    const common = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME'];
    const drift = [
      'CHAT_TOPIC_ARN',
      'CONFIG_RULE_NAME_PREFIX',
      'EMAIL_TOPIC_ARN',
      'GUARD_CONFIG',
      'RECHECK_QUEUE_URL',
      'STATE_TABLE_NAME',
    ];
    const expected: Record<string, string[]> = {
      ConfigEvaluatorLambdaFunction: ['CONFIG_RULE_NAME_PREFIX'],
      DriftLambdaFunction: drift,
      SweepLambdaFunction: drift,
      SlackNotifierLambdaFunction: ['SLACK_WEBHOOK_PARAMETER'],
    };
    for (const [id, fn] of resourcesOfType(resources, 'AWS::Lambda::Function')) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect([id, Object.keys(variables).sort()]).toEqual([id, [...common, ...expected[id]!].sort()]);
    }
  });

  it.each(['configEvaluator', 'drift', 'sweep', 'slackNotifier'])(
    '%s.zip is at most 1.5 MB and its bundle exports a handler, without unused SDK schemas',
    (name) => {
      const zip = join(outDir, `${name}.zip`);
      const size = statSync(zip).size;
      expect(size).toBeLessThanOrEqual(MAX_ZIP_BYTES);
      const unpacked = mkdtempSync(join(tmpdir(), `guard-${name}-`));
      try {
        const unzip = spawnSync('unzip', ['-q', zip, '-d', unpacked], { encoding: 'utf8' });
        expect(unzip.status).toBe(0);
        // A separate process: loading a bundle must not touch AWS or need the stage's environment.
        const probe = spawnSync(
          process.execPath,
          ['-e', 'process.stdout.write(typeof require(process.argv[1]).handler)', findBundle(unpacked)],
          { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 },
        );
        expect(probe.stderr).toBe('');
        expect(probe.stdout).toBe('function');
        // deploy/esbuild-plugins.js was applied: no function calls RunInstances, so its schema is gone.
        expect(readFileSync(findBundle(unpacked), 'utf8')).not.toContain('"RunInstancesRequest"');
      } finally {
        rmSync(unpacked, { recursive: true, force: true });
      }
    },
  );
});

function findBundle(dir: string): string {
  const files = readdirSync(join(dir, 'functions')).filter((f) => f.endsWith('.js'));
  expect(files).toHaveLength(1);
  return join(dir, 'functions', files[0]!);
}

// ---------------------------------------------------------------------------------------------
// `serverless invoke local` with the events/ samples: the bundled function, the Framework's
// environment for the stage, and AWS answered from loopback (AWS_ENDPOINT_URL).

describe('serverless invoke local with the events/ samples', () => {
  const WEBHOOK_PATH = '/services/T0000000/B0000000/invoke-local-secret';
  let aws: LoopbackServer;

  beforeAll(async () => {
    aws = await startLoopbackServer((request) => {
      const target = request.headers['x-amz-target'];
      const json = (body: unknown) => ({
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify(body),
      });
      // SSM GetParameter and Config PutEvaluations, response shapes of the API references.
      if (target === 'AmazonSSM.GetParameter') {
        const name = (JSON.parse(request.body) as { Name: string }).Name;
        return json({
          Parameter: {
            Name: name,
            Type: 'SecureString',
            Value: `${aws.url}${WEBHOOK_PATH}`,
            Version: 3,
            LastModifiedDate: 1795165811.0,
            ARN: `arn:aws:ssm:eu-west-1:111122223333:parameter${name}`,
            DataType: 'text',
          },
        });
      }
      if (target === 'StarlingDoveService.PutEvaluations') return json({ FailedEvaluations: [] });
      if (request.path === WEBHOOK_PATH)
        return { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' };
      return json({
        __type: 'UnknownOperationException',
        message: `unexpected ${String(target ?? request.path)}`,
      });
    });
  });

  afterAll(async () => {
    await aws?.close();
  });

  const invokeLocal = (fn: string, sample: string) =>
    runServerless(
      ['invoke', 'local', '-f', fn, '--stage', 'dev', '--region', 'eu-west-1', '-p', join('events', sample)],
      outDir,
      {
        // Keys from the environment, no profile: the SDK signs every request (the loopback server
        // does not check, AWS would), and the Framework refuses a profile it cannot find.
        AWS_PROFILE: '',
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_ENDPOINT_URL: aws.url,
      },
    );

  it('slackNotifier posts the SNS sample once to the webhook read from SSM, and never prints the URL', async () => {
    aws.requests.length = 0;
    const run = await invokeLocal('slackNotifier', 'sns-chat-alert.json');
    expect([run.status, run.stderr]).toEqual([0, '']);

    const ssm = aws.requests.filter((r) => r.headers['x-amz-target'] === 'AmazonSSM.GetParameter');
    expect(ssm.map((r) => JSON.parse(r.body))).toEqual([
      { Name: stage.alerts!.slackWebhookParameter, WithDecryption: true },
    ]);
    const posts = aws.requests.filter((r) => r.path === WEBHOOK_PATH);
    expect(posts).toHaveLength(1);
    const payload = JSON.parse(posts[0]!.body) as { text: string };
    expect(payload.text).toContain('NEW_VIOLATION');
    expect(payload.text).toContain('prod-private');
    expect(run.stdout + run.stderr).not.toContain('invoke-local-secret');
  }, 60_000);

  it('configEvaluator answers the deleted-cluster notification with NOT_APPLICABLE through PutEvaluations', async () => {
    aws.requests.length = 0;
    const sample = JSON.parse(
      readFileSync(join(REPO, 'events', 'config-cluster-deleted-notification.json'), 'utf8'),
    ) as { resultToken: string };
    const run = await invokeLocal('configEvaluator', 'config-cluster-deleted-notification.json');
    expect([run.status, run.stderr]).toEqual([0, '']);

    const puts = aws.requests.filter(
      (r) => r.headers['x-amz-target'] === 'StarlingDoveService.PutEvaluations',
    );
    expect(puts.map((r) => JSON.parse(r.body))).toEqual([
      {
        ResultToken: sample.resultToken,
        Evaluations: [
          {
            ComplianceResourceType: 'AWS::EKS::Cluster',
            ComplianceResourceId: 'prod-private',
            ComplianceType: 'NOT_APPLICABLE',
            OrderingTimestamp: expect.any(Number),
            Annotation: 'cluster prod-private no longer exists',
          },
        ],
      },
    ]);
    // Nothing else: a deleted cluster needs no read of EC2 or EKS.
    expect(aws.requests).toHaveLength(1);
  }, 60_000);
});
