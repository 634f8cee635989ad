/**
 * deploy/org: the member (StackSet) and hub templates and the commands that deploy them. No cfn-lint here: every
 * resource's properties are held to the names the CloudFormation resource reference documents.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTOR_IAM_ACTIONS } from '../../aws/permissions';
import { SCOPE_RESOURCE_TYPES } from '../../config-rules/scope';
import { DRIFT_EVENT_PATTERN } from '../../drift/event-pattern';
import { allStrings, type CfnResource, type IamStatement, listOf, resourcesOfType } from './template-helpers';

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const templates = require('../../deploy/org/templates');
const generator = require('../../deploy/org/generate');
const memberRole = require('../../deploy/org/member-role');
const stageConfig = require('../../deploy/stage-config');

interface Template {
  AWSTemplateFormatVersion: string;
  Parameters: Record<
    string,
    { Type: string; Default?: string; AllowedPattern?: string; AllowedValues?: string[] }
  >;
  Conditions: Record<string, unknown>;
  Resources: Record<string, CfnResource & { Condition?: string }>;
  Outputs: Record<string, { Value: unknown; Condition?: string }>;
}

const built = templates.buildOrgTemplates('dev') as { member: Template; hub: Template };
const member = built.member;
const hub = built.hub;
const BOTH: [string, Template][] = [
  ['member', member],
  ['hub', hub],
];

/** Property names of each resource type we emit, from the CloudFormation resource reference. */
const DOCUMENTED: Record<string, { properties: string[]; required: string[] }> = {
  'AWS::IAM::Role': {
    properties: [
      'AssumeRolePolicyDocument',
      'Description',
      'ManagedPolicyArns',
      'MaxSessionDuration',
      'Path',
      'PermissionsBoundary',
      'Policies',
      'RoleName',
      'Tags',
    ],
    required: ['AssumeRolePolicyDocument'],
  },
  'AWS::IAM::Policy': {
    properties: ['Groups', 'PolicyDocument', 'PolicyName', 'Roles', 'Users'],
    required: ['PolicyDocument', 'PolicyName'],
  },
  'AWS::Events::Rule': {
    properties: [
      'Description',
      'EventBusName',
      'EventPattern',
      'Name',
      'RoleArn',
      'ScheduleExpression',
      'State',
      'Targets',
    ],
    required: [],
  },
  'AWS::Events::EventBus': {
    properties: [
      'DeadLetterConfig',
      'Description',
      'EventSourceName',
      'KmsKeyIdentifier',
      'LogConfig',
      'Name',
      'Policy',
      'Tags',
    ],
    required: ['Name'],
  },
  'AWS::Events::EventBusPolicy': {
    properties: ['Action', 'Condition', 'EventBusName', 'Principal', 'Statement', 'StatementId'],
    required: ['StatementId'],
  },
  'AWS::Lambda::Permission': {
    properties: [
      'Action',
      'EventSourceToken',
      'FunctionName',
      'FunctionUrlAuthType',
      'Principal',
      'PrincipalOrgID',
      'SourceAccount',
      'SourceArn',
    ],
    required: ['Action', 'FunctionName', 'Principal'],
  },
  'AWS::Config::OrganizationConfigRule': {
    properties: [
      'ExcludedAccounts',
      'OrganizationConfigRuleName',
      'OrganizationCustomPolicyRuleMetadata',
      'OrganizationCustomRuleMetadata',
      'OrganizationManagedRuleMetadata',
    ],
    required: ['OrganizationConfigRuleName'],
  },
  'AWS::Config::ConfigurationAggregator': {
    properties: [
      'AccountAggregationSources',
      'ConfigurationAggregatorName',
      'OrganizationAggregationSource',
      'Tags',
    ],
    required: [],
  },
};
const EVENTS_TARGET = [
  'Arn',
  'DeadLetterConfig',
  'Id',
  'Input',
  'InputPath',
  'InputTransformer',
  'RetryPolicy',
  'RoleArn',
];
const ORGANIZATION_CUSTOM_RULE_METADATA = [
  'Description',
  'InputParameters',
  'LambdaFunctionArn',
  'MaximumExecutionFrequency',
  'OrganizationConfigRuleTriggerTypes',
  'ResourceIdScope',
  'ResourceTypesScope',
  'TagKeyScope',
  'TagValueScope',
];
const ORGANIZATION_AGGREGATION_SOURCE = ['AllAwsRegions', 'AwsRegions', 'RoleArn'];
const GET_ATT: Record<string, string[]> = {
  'AWS::IAM::Role': ['Arn', 'RoleId'],
  'AWS::Events::Rule': ['Arn'],
  'AWS::Events::EventBus': ['Arn', 'Name', 'Policy'],
};
const PSEUDO = ['AWS::Partition', 'AWS::Region', 'AWS::AccountId', 'AWS::URLSuffix', 'AWS::NoValue'];

/** Every node `{ key: value }` of an intrinsic function `key` in the template. */
function intrinsics(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((item) => intrinsics(item, key, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(v);
      intrinsics(v, key, out);
    }
  }
  return out;
}

/** Resolves Ref, Fn::Sub, Fn::If, Fn::Equals, Fn::Not as CloudFormation would with these parameter values. */
function resolve(template: Template, node: unknown, values: Record<string, string>): any {
  const lookup = (name: string): string => {
    if (!(name in values)) throw new Error(`no value for ${name}`);
    return values[name]!;
  };
  const condition = (name: string): boolean =>
    resolve(template, template.Conditions[name], values) as boolean;
  const walk = (n: any): any => {
    if (Array.isArray(n)) return n.map(walk).filter((x) => x !== NO_VALUE);
    if (!n || typeof n !== 'object') return n;
    if ('Ref' in n) return n.Ref === 'AWS::NoValue' ? NO_VALUE : lookup(n.Ref);
    if ('Fn::Sub' in n)
      return (n['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => lookup(name));
    if ('Fn::If' in n) {
      const [name, yes, no] = n['Fn::If'];
      return walk(condition(name) ? yes : no);
    }
    if ('Fn::Equals' in n) {
      const [a, b] = n['Fn::Equals'].map(walk);
      return a === b;
    }
    if ('Fn::Not' in n) return !walk(n['Fn::Not'][0]);
    if ('Fn::GetAtt' in n) return `<${n['Fn::GetAtt'].join('.')}>`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) {
      const r = walk(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  };
  return walk(node);
}
const NO_VALUE = Symbol('AWS::NoValue');

const CENTRAL = '111122223333';
const memberValues = (partition: string, externalId = '', region = 'eu-west-1') => ({
  'AWS::Partition': partition,
  'AWS::Region': region,
  'AWS::AccountId': '444455556666',
  CentralAccountId: CENTRAL,
  HomeRegion: 'eu-west-1',
  ExternalId: externalId,
  MemberRoleName: memberRole.memberRoleName(),
  ConfigReporterRoleName: templates.CONFIG_REPORTER_ROLE_NAME,
  DriftEventBusName: templates.orgNames('dev').eventBus,
});

describe('valid CloudFormation shapes', () => {
  it.each(BOTH)('%s: template sections, resource attributes and documented property names', (_, template) => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    for (const key of Object.keys(template)) {
      expect([
        'AWSTemplateFormatVersion',
        'Description',
        'Parameters',
        'Conditions',
        'Resources',
        'Outputs',
      ]).toContain(key);
    }
    for (const [id, resource] of Object.entries(template.Resources)) {
      expect(id).toMatch(/^[A-Za-z0-9]{1,255}$/);
      for (const key of Object.keys(resource))
        expect(['Type', 'Properties', 'Condition', 'DependsOn']).toContain(key);
      const documented = DOCUMENTED[resource.Type];
      expect(documented).toBeDefined();
      for (const name of Object.keys(resource.Properties)) expect(documented!.properties).toContain(name);
      for (const name of documented!.required) expect(resource.Properties).toHaveProperty(name);
      for (const target of listOf(resource.Properties.Targets)) {
        for (const name of Object.keys(target as object)) expect(EVENTS_TARGET).toContain(name);
      }
      if (resource.Condition) expect(template.Conditions).toHaveProperty(resource.Condition);
      for (const dependency of listOf(resource.DependsOn))
        expect(template.Resources).toHaveProperty(dependency);
    }
    for (const parameter of Object.values(template.Parameters)) expect(parameter.Type).toBe('String');
  });

  it.each(BOTH)(
    '%s: every Ref, Fn::Sub name, Fn::GetAtt and condition names something the template has',
    (_, t) => {
      const known = [...Object.keys(t.Parameters), ...Object.keys(t.Resources), ...PSEUDO];
      for (const name of intrinsics(t, 'Ref')) expect(known).toContain(name);
      for (const text of intrinsics(t, 'Fn::Sub') as string[]) {
        for (const [, name] of text.matchAll(/\$\{([^}]+)\}/g)) expect(known).toContain(name);
      }
      for (const [id, attribute] of intrinsics(t, 'Fn::GetAtt') as [string, string][]) {
        expect(GET_ATT[t.Resources[id]!.Type]).toContain(attribute);
      }
      for (const [name] of intrinsics(t, 'Fn::If') as [string][]) expect(t.Conditions).toHaveProperty(name);
      for (const output of Object.values(t.Outputs)) {
        if (output.Condition) expect(t.Conditions).toHaveProperty(output.Condition);
      }
    },
  );

  it('organization rules and the aggregator use only documented nested properties', () => {
    for (const [, rule] of resourcesOfType(hub.Resources, 'AWS::Config::OrganizationConfigRule')) {
      const metadata = rule.Properties.OrganizationCustomRuleMetadata;
      for (const name of Object.keys(metadata)) expect(ORGANIZATION_CUSTOM_RULE_METADATA).toContain(name);
      expect(metadata.LambdaFunctionArn).toBeDefined();
      expect(metadata.OrganizationConfigRuleTriggerTypes).toEqual([
        'ConfigurationItemChangeNotification',
        'OversizedConfigurationItemChangeNotification',
        'ScheduledNotification',
      ]);
    }
    const aggregators = resourcesOfType(hub.Resources, 'AWS::Config::ConfigurationAggregator');
    expect(aggregators).toHaveLength(1);
    const aggregator = aggregators[0]![1];
    for (const name of Object.keys(aggregator.Properties.OrganizationAggregationSource)) {
      expect(ORGANIZATION_AGGREGATION_SOURCE).toContain(name);
    }
  });

  it('both templates fit --template-body', () => {
    for (const [, t] of BOTH) {
      expect(Buffer.byteLength(JSON.stringify(t, null, 2))).toBeLessThan(templates.TEMPLATE_BODY_MAX_BYTES);
    }
  });
});

describe('least privilege', () => {
  const statements = (template: Template): IamStatement[] =>
    [
      ...resourcesOfType(template.Resources, 'AWS::IAM::Role').flatMap(([, r]) =>
        (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement),
      ),
      ...resourcesOfType(template.Resources, 'AWS::IAM::Policy').flatMap(
        ([, p]) => p.Properties.PolicyDocument.Statement,
      ),
    ] as IamStatement[];

  it.each(BOTH)('%s: no wildcard action and no Deny-less NotAction anywhere', (_, template) => {
    for (const s of statements(template)) {
      expect(s).not.toHaveProperty('NotAction');
      for (const action of listOf(s.Action)) expect(action).not.toContain('*');
    }
  });

  it("the member role's actions are exactly the collector's, all read-only, and nothing else", () => {
    const role = member.Resources.MemberRole!;
    const [policy] = role.Properties.Policies;
    expect(role.Properties.Policies).toHaveLength(1);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const actions = policy.PolicyDocument.Statement.flatMap((s: IamStatement) => listOf(s.Action));
    expect(actions).toEqual([...COLLECTOR_IAM_ACTIONS]);
    for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]+$/);
    expect(policy.PolicyDocument.Statement.every((s: IamStatement) => s.Effect === 'Allow')).toBe(true);
  });

  it('the config reporter only writes Config results and reads its own account’s rules', () => {
    const [policy] = member.Resources.ConfigReporterRole!.Properties.Policies;
    const resolved = resolve(member, policy.PolicyDocument.Statement, memberValues('aws'));
    expect(resolved).toEqual([
      { Effect: 'Allow', Action: ['config:PutEvaluations'], Resource: '*' },
      // Drift looks up the member rules' names (drift/config-reevaluation.ts): read-only, rule metadata only.
      { Effect: 'Allow', Action: ['config:DescribeConfigRules'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['config:GetComplianceDetailsByConfigRule', 'config:StartConfigRulesEvaluation'],
        Resource: 'arn:aws:config:*:444455556666:config-rule/*',
      },
    ]);
  });

  it('the forwarder may put events on the central bus of its Region and nowhere else', () => {
    const [policy] = member.Resources.DriftForwardRole!.Properties.Policies;
    const values = memberValues('aws-cn', '', 'cn-north-1');
    expect(resolve(member, policy.PolicyDocument.Statement, values)).toEqual([
      {
        Effect: 'Allow',
        Action: ['events:PutEvents'],
        Resource: `arn:aws-cn:events:cn-north-1:${CENTRAL}:event-bus/private-eks-guard-dev-member-drift`,
      },
    ]);
    expect(member.Resources.DriftForwardRole!.Properties.RoleName).toBeUndefined();
  });

  it("the hub's roles may assume the two member roles, inside the Organization only", () => {
    const policy = hub.Resources.AssumeMemberRolesPolicy!;
    expect(policy.Properties.Roles).toEqual(
      Object.keys(templates.CENTRAL_ROLE_PARAMETERS).map((name: string) => ({ Ref: name })),
    );
    const values = {
      'AWS::Partition': 'aws-us-gov',
      OrganizationId: 'o-abcdefghij',
      MemberRoleName: 'private-eks-guard-reader',
      ConfigReporterRoleName: templates.CONFIG_REPORTER_ROLE_NAME,
    };
    expect(resolve(hub, policy.Properties.PolicyDocument.Statement, values)).toEqual([
      {
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: [
          'arn:aws-us-gov:iam::*:role/private-eks-guard-reader',
          'arn:aws-us-gov:iam::*:role/private-eks-guard-config-reporter',
        ],
        Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-abcdefghij' } },
      },
    ]);
  });
});

describe('trust policies', () => {
  const trust = (logicalId: string, externalId: string) =>
    resolve(
      member,
      member.Resources[logicalId]!.Properties.AssumeRolePolicyDocument,
      memberValues('aws', externalId),
    );

  it.each([[''], ['ext-123']])(
    'the member role trusts the central account as aws/member-role.ts defines (ExternalId "%s")',
    (externalId) => {
      const expected = memberRole.contractTrustPolicy(CENTRAL, externalId || undefined, 'aws');
      expect(trust('MemberRole', externalId)).toEqual({
        Version: '2012-10-17',
        Statement: listOf(expected.Statement),
      });
      const [statement] = trust('MemberRole', externalId).Statement;
      expect(statement.Principal).toEqual({ AWS: `arn:aws:iam::${CENTRAL}:root` });
      if (externalId) expect(statement.Condition).toEqual({ StringEquals: { 'sts:ExternalId': externalId } });
      else expect(statement.Condition).toBeUndefined();
    },
  );

  it("the config reporter trusts only the pipeline's roles in the central account", () => {
    const [statement] = trust('ConfigReporterRole', 'ext-123').Statement;
    expect(statement).toEqual({
      Sid: 'PrivateEksGuardCentralAccount',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${CENTRAL}:root` },
      Action: 'sts:AssumeRole',
      Condition: {
        ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${CENTRAL}:role/private-eks-guard-dev-*` },
        StringEquals: { 'sts:ExternalId': 'ext-123' },
      },
    });
  });

  it('named roles exist once per account: only in the HomeRegion stack', () => {
    for (const id of ['MemberRole', 'ConfigReporterRole']) {
      expect(member.Resources[id]!.Condition).toBe('IsHomeRegion');
      expect(member.Resources[id]!.Properties.RoleName).toEqual({
        Ref: id === 'MemberRole' ? 'MemberRoleName' : 'ConfigReporterRoleName',
      });
    }
    expect(member.Parameters.MemberRoleName!.Default).toBe(memberRole.memberRoleName());
    expect(resolve(member, member.Conditions.IsHomeRegion, memberValues('aws', '', 'us-east-1'))).toBe(false);
    expect(resolve(member, member.Conditions.IsHomeRegion, memberValues('aws'))).toBe(true);
  });
});

describe('partitions', () => {
  it.each(BOTH)('%s: every ARN is built on ${AWS::Partition}', (_, template) => {
    for (const text of allStrings(template)) {
      if (!text.includes('arn:')) continue;
      expect(text).toMatch(/^arn:\$\{AWS::Partition\}:/);
    }
    for (const text of intrinsics(template, 'Fn::Sub') as string[]) {
      if (text.startsWith('arn:')) expect(text.startsWith('arn:${AWS::Partition}:')).toBe(true);
    }
  });
});

describe('events', () => {
  it('members forward exactly the SPEC §8 pattern', () => {
    expect(member.Resources.DriftForwardRule!.Properties.EventPattern).toEqual(DRIFT_EVENT_PATTERN);
    expect(member.Resources.DriftForwardRule!.Properties.EventBusName).toBeUndefined(); // the default bus
  });

  it("the hub's bus takes PutEvents from the Organization only", () => {
    const policy = hub.Resources.MemberDriftBusPolicy!.Properties;
    expect(policy.EventBusName).toEqual({ Ref: 'MemberDriftBus' });
    expect(policy.Principal).toBeUndefined();
    expect(policy.Statement).toEqual({
      Effect: 'Allow',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': ['MemberDriftBus', 'Arn'] },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
    });
    expect(hub.Resources.MemberDriftBus!.Properties.Name).toBe(templates.orgNames('dev').eventBus);
    expect(member.Parameters.DriftEventBusName!.Default).toBe(templates.orgNames('dev').eventBus);
  });

  it("the hub's rule invokes the drift Lambda for the members' events only", () => {
    const rule = hub.Resources.MemberDriftRule!.Properties;
    expect(rule.EventBusName).toEqual({ Ref: 'MemberDriftBus' });
    expect(rule.EventPattern).toEqual({
      ...DRIFT_EVENT_PATTERN,
      account: [{ 'anything-but': { Ref: 'AWS::AccountId' } }],
    });
    expect(rule.Targets).toEqual([
      {
        Id: 'drift',
        Arn: {
          'Fn::Sub':
            'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:private-eks-guard-dev-drift',
        },
      },
    ]);
    expect(hub.Resources.MemberDriftInvokePermission!.Properties).toEqual({
      FunctionName: 'private-eks-guard-dev-drift',
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': ['MemberDriftRule', 'Arn'] },
    });
  });
});

describe('AWS Config across the Organization', () => {
  it('one organization rule per enabled rule of the stage, as serverless.yml deploys them', () => {
    const { config, source } = stageConfig.loadStage('dev');
    const resolved = stageConfig.resolveStageConfig(config, source);
    const rules = resourcesOfType(hub.Resources, 'AWS::Config::OrganizationConfigRule');
    expect(rules.map(([, r]) => r.Properties.OrganizationConfigRuleName)).toEqual(
      resolved.rules.map((r: { configRuleName: string }) => r.configRuleName),
    );
    for (const [[, rule], expected] of rules.map((r, i) => [r, resolved.rules[i]] as const)) {
      const metadata = rule.Properties.OrganizationCustomRuleMetadata;
      expect(rule.Properties.OrganizationConfigRuleName.length).toBeLessThanOrEqual(64);
      expect(metadata.InputParameters).toBe(expected.inputParameters);
      expect(metadata.InputParameters.length).toBeLessThanOrEqual(2048);
      expect(metadata.ResourceTypesScope).toEqual([...SCOPE_RESOURCE_TYPES]);
      expect(metadata.MaximumExecutionFrequency).toBe(resolved.configPeriodic);
      expect(metadata.LambdaFunctionArn).toEqual({
        'Fn::Sub':
          'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:private-eks-guard-dev-configEvaluator',
      });
      expect(rule.Properties.ExcludedAccounts).toEqual([{ Ref: 'AWS::AccountId' }]);
      expect(rule.DependsOn).toEqual(['OrganizationConfigEvaluatorPermission']);
      expect((rule as { Condition?: string }).Condition).toBe('CreateOrganizationRules');
    }
  });

  it('a stage with fewer rules deploys fewer organization rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-stage-'));
    try {
      writeFileSync(
        join(dir, 'two.yml'),
        'rules: [SUBNETS_FREE_IPS, NETWORK_ACLS]\nschedule: { configPeriodic: Six_Hours }\n',
      );
      const { hub: small } = templates.buildOrgTemplates('two', dir);
      const rules = resourcesOfType(small.Resources, 'AWS::Config::OrganizationConfigRule');
      expect(rules.map(([, r]) => r.Properties.OrganizationConfigRuleName)).toEqual([
        'private-eks-network-acls',
        'private-eks-subnets-free-ips',
      ]);
      expect(rules[0]![1].Properties.OrganizationCustomRuleMetadata.MaximumExecutionFrequency).toBe(
        'Six_Hours',
      );
      expect(small.Resources.MemberDriftBus.Properties.Name).toBe('private-eks-guard-two-member-drift');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the organization aggregator reads every Region with AWS's organizations policy", () => {
    const aggregator = hub.Resources.OrganizationAggregator!;
    expect(aggregator.Condition).toBe('CreateAggregator');
    expect(aggregator.Properties.OrganizationAggregationSource).toEqual({
      RoleArn: { 'Fn::GetAtt': ['AggregatorRole', 'Arn'] },
      AllAwsRegions: true,
    });
    const role = hub.Resources.AggregatorRole!.Properties;
    expect(role.ManagedPolicyArns).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSConfigRoleForOrganizations' },
    ]);
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });
});

describe('the commands', () => {
  const commands: string[] = generator.deploymentCommands('dev');
  const text = commands.join('\n');
  const orgReadme = readFileSync(join(__dirname, '..', '..', 'deploy', 'org', 'README.md'), 'utf8');

  it('deploy/org/README.md shows exactly the generated commands', () => {
    expect(orgReadme).toContain(['```sh', ...commands, '```'].join('\n'));
  });

  it("README.md's Organizations section shows them once it exists", () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Organizations'));
    if (section === undefined || !section.includes('<!-- StackSet and hub commands: deploy/org -->')) return;
    expect(section).toContain(['```sh', ...commands, '```'].join('\n'));
  });

  it('create a service-managed, auto-deploying StackSet with named IAM', () => {
    const create = commands.find((c) => c.startsWith('aws cloudformation create-stack-set'))!;
    expect(create).toContain('--permission-model SERVICE_MANAGED');
    expect(create).toContain('--auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false');
    expect(create).toContain('--capabilities CAPABILITY_NAMED_IAM');
    expect(create).toContain(`--stack-set-name ${templates.orgNames('dev').memberStackSet}`);
    expect(create).toContain(`file://dist/org/dev/${templates.orgNames('dev').memberTemplateFile}`);
    const instances = commands.find((c) => c.startsWith('aws cloudformation create-stack-instances'))!;
    expect(instances).toContain('--deployment-targets OrganizationalUnitIds=$OU_IDS');
    expect(instances).toContain('--regions $REGIONS');
  });

  it("pass every parameter the member template requires, and only the template's", () => {
    for (const command of commands.filter((c) => /stack-set /.test(c))) {
      const keys = [...command.matchAll(/ParameterKey=(\w+)/g)].map((m) => m[1]);
      for (const key of keys) expect(member.Parameters).toHaveProperty(key!);
      for (const [name, parameter] of Object.entries(member.Parameters)) {
        if (parameter.Default === undefined) expect(keys).toContain(name);
      }
    }
  });

  it('pass the stage file’s member role names to the hub and to every StackSet command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-role-names-'));
    try {
      writeFileSync(
        join(dir, 'renamed.yml'),
        'organization:\n  memberRoleName: guard-reader\n  configReporterRoleName: guard-reporter\n',
      );
      const names = generator.stageRoleNames('renamed', dir);
      expect(names).toEqual({ MemberRoleName: 'guard-reader', ConfigReporterRoleName: 'guard-reporter' });
      const renamed: string[] = generator.deploymentCommands('renamed', undefined, undefined, names);
      const deploy = renamed.find((c) => c.includes('aws cloudformation deploy'))!;
      expect(deploy).toContain(' MemberRoleName=guard-reader ConfigReporterRoleName=guard-reporter ');
      const stackSets = renamed.filter((c) => /(create|update)-stack-set /.test(c));
      expect(stackSets).toHaveLength(2);
      for (const command of stackSets) {
        expect(command).toContain('ParameterKey=MemberRoleName,ParameterValue=guard-reader');
        expect(command).toContain('ParameterKey=ConfigReporterRoleName,ParameterValue=guard-reporter');
      }
      // The stage without the keys: the defaults, in the commands README shows.
      expect(text).toContain(`MemberRoleName=${memberRole.memberRoleName()} `);
      expect(text).toContain(
        `ParameterKey=ConfigReporterRoleName,ParameterValue=${templates.CONFIG_REPORTER_ROLE_NAME}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("pass every parameter the hub template requires, and only the hub's", () => {
    const deploy = commands.find((c) => c.includes('aws cloudformation deploy'))!;
    expect(deploy).toContain(`--template-file dist/org/dev/${templates.orgNames('dev').hubTemplateFile}`);
    expect(deploy).toContain('--capabilities CAPABILITY_IAM');
    const overrides = deploy.split('--parameter-overrides ')[1]!;
    const keys = [...overrides.matchAll(/(?:^| )(\w+)=/g)].map((m) => m[1]!);
    for (const key of keys) expect(hub.Parameters).toHaveProperty(key);
    for (const [name, parameter] of Object.entries(hub.Parameters)) {
      if (parameter.Default === undefined) expect(keys).toContain(name);
    }
    for (const logicalId of Object.values(templates.CENTRAL_ROLE_PARAMETERS)) {
      expect(text).toContain(`--logical-resource-id ${logicalId} `);
    }
  });
});

describe('generate.js', () => {
  it('writes both templates from the stage file and prints the commands', () => {
    const dir = mkdtempSync(join(tmpdir(), 'org-out-'));
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const error = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(generator.main(['--stage', 'dev', '--out', dir])).toBe(0);
      const written = JSON.parse(readFileSync(join(dir, 'member.template.json'), 'utf8'));
      expect(written).toEqual(JSON.parse(JSON.stringify(member)));
      expect(JSON.parse(readFileSync(join(dir, 'hub.template.json'), 'utf8'))).toEqual(
        JSON.parse(JSON.stringify(hub)),
      );
      expect(write.mock.calls.join('')).toContain('create-stack-set');
    } finally {
      write.mockRestore();
      error.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad stage name is one error line and exit code 2', () => {
    const error = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(generator.main(['--stage', '../x'])).toBe(2);
      expect(error.mock.calls.join('')).toMatch(/must be letters, digits and '-'/);
    } finally {
      error.mockRestore();
    }
  });
});
