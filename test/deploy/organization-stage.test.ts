/**
 * The stage setting `organization.hub` (deploy/org): validated with a clear one-line error; only in a hub stage does
 * the sweep role get organizations:ListAccounts (on '*', the only resource the action takes) and the sweep the
 * ORGANIZATION_HUB switch. sts:AssumeRole on the member roles is granted in one place only, the hub template
 * (deploy/org/templates.js, with its aws:ResourceOrgID condition): never by the serverless stack. First the
 * generators, then the real `serverless package`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  allIamStatements,
  type CfnResource,
  type CfnTemplate,
  type IamStatement,
  listOf,
  resourcesOfType,
  roleStatements,
} from './template-helpers';
import { tempService, type TempService } from './temp-service';

interface Deployment {
  environment: Record<string, unknown>;
  driftEnvironment: Record<string, unknown>;
  sweepEnvironment: Record<string, unknown>;
  resources: { Resources: Record<string, CfnResource> };
  organizationHub: boolean;
}
interface DeployModule {
  buildDeployment(input: { stage: string; config: Record<string, unknown>; source?: string }): Deployment;
}
interface StageConfigModule {
  loadStage(stage: string, dir?: string): { config: Record<string, unknown>; source: string };
  StageConfigError: new (message: string) => Error;
}
interface OrgTemplates {
  hubTemplate(stage: string, resolved: unknown): { Resources: Record<string, CfnResource> };
  memberTemplate(stage: string, resolved: unknown): { Resources: Record<string, CfnResource> };
}

/* eslint-disable @typescript-eslint/no-require-imports */
const deploy = require('../../deploy/resources') as DeployModule;
const stageConfig = require('../../deploy/stage-config') as StageConfigModule & {
  resolveStageConfig(config: Record<string, unknown>, source?: string): unknown;
};
const templates = require('../../deploy/org/templates') as OrgTemplates;
/* eslint-enable @typescript-eslint/no-require-imports */

const ROLES = ['ConfigEvaluatorRole', 'DriftRole', 'SweepRole'];
const LIST_ACCOUNTS = { Effect: 'Allow', Action: ['organizations:ListAccounts'], Resource: '*' };

/** sts:AssumeRole, or a wildcard that would include it. */
const assumes = (action: string) => /^(sts:(AssumeRole|\*|Assume\*)|\*)$/.test(action);

const build = (config: Record<string, unknown>) =>
  deploy.buildDeployment({ stage: 'test', config, source: 'stage.yml' });

/** Roles that hold `action`, with the statements granting it. */
function holders(resources: Record<string, CfnResource>, action: string): Record<string, IamStatement[]> {
  const out: Record<string, IamStatement[]> = {};
  for (const role of ROLES) {
    const granting = roleStatements(resources, role).filter((s) => listOf(s.Action).includes(action));
    if (granting.length > 0) out[role] = granting;
  }
  return out;
}

describe('generated from the stage configuration', () => {
  it('off by default: no organizations action anywhere, no ORGANIZATION_HUB for drift or the sweep', () => {
    for (const config of [{}, { organization: {} }, { organization: { hub: false } }]) {
      const deployment = build(config);
      expect(deployment.organizationHub).toBe(false);
      const actions = allIamStatements(deployment.resources.Resources).flatMap((s) => listOf(s.Action));
      expect(actions.filter((a) => a.startsWith('organizations:'))).toEqual([]);
      expect(deployment.sweepEnvironment).toEqual(deployment.driftEnvironment);
      expect(deployment.sweepEnvironment.ORGANIZATION_HUB).toBeUndefined();
      expect(deployment.driftEnvironment.ORGANIZATION_HUB).toBeUndefined();
    }
  });

  it('a hub stage: the sweep role alone may ListAccounts, on *, and drift and the sweep are told it is a hub', () => {
    const deployment = build({ organization: { hub: true } });
    expect(deployment.organizationHub).toBe(true);
    expect(holders(deployment.resources.Resources, 'organizations:ListAccounts')).toEqual({
      SweepRole: [LIST_ACCOUNTS],
    });
    expect(deployment.sweepEnvironment).toEqual(deployment.driftEnvironment);
    expect(deployment.driftEnvironment.ORGANIZATION_HUB).toBe('true');
  });

  it('memberRoleExternalId reaches every function (the provider environment) only when set, and is checked', () => {
    const set = build({ organization: { hub: true, memberRoleExternalId: 'guard-org:2026' } });
    expect(set.environment.MEMBER_ROLE_EXTERNAL_ID).toBe('guard-org:2026');
    expect(build({ organization: { hub: true } }).environment.MEMBER_ROLE_EXTERNAL_ID).toBeUndefined();
    expect(() => build({ organization: { hub: true, memberRoleExternalId: 'has space' } })).toThrow(
      /^stage\.yml: organization\.memberRoleExternalId: expected an external id .*\(allowed: organization: \{ hub: true \| false, memberRoleExternalId: ID, memberRoleName: NAME, configReporterRoleName: NAME \}\)$/,
    );
  });

  it('memberRoleName / configReporterRoleName reach every function (the provider environment) only when renamed', () => {
    const renamed = build({
      organization: { hub: true, memberRoleName: 'guard-reader', configReporterRoleName: 'guard.reporter' },
    });
    expect(renamed.environment).toMatchObject({
      MEMBER_ROLE_NAME: 'guard-reader',
      CONFIG_REPORTER_ROLE_NAME: 'guard.reporter',
    });
    expect(build({ organization: { memberRoleName: 'guard-reader' } }).environment).not.toHaveProperty(
      'CONFIG_REPORTER_ROLE_NAME',
    );
    for (const config of [
      { organization: { hub: true } },
      { organization: { memberRoleName: 'private-eks-guard-reader' } },
    ]) {
      expect(build(config).environment).not.toHaveProperty('MEMBER_ROLE_NAME');
      expect(build(config).environment).not.toHaveProperty('CONFIG_REPORTER_ROLE_NAME');
    }
  });

  it.each<[string, unknown]>([
    ['memberRoleName', 'team/reader'],
    ['memberRoleName', 'has space'],
    ['configReporterRoleName', 'x'.repeat(65)],
    ['configReporterRoleName', ''],
    ['memberRoleName', 7],
  ])('organization.%s %j is refused on one line', (key, value) => {
    const attempt = () => build({ organization: { hub: true, [key]: value } });
    expect(attempt).toThrow(stageConfig.StageConfigError);
    expect(attempt).toThrow(
      new RegExp(
        `^stage\\.yml: organization\\.${key}: expected an IAM role name of 1 to 64 characters \\[\\\\w\\+=,\\.@-\\], without a path \\(allowed: .*\\)$`,
      ),
    );
  });

  it('the stage’s role names are both templates’ parameter defaults, and the hub grants AssumeRole on those parameters', () => {
    const resolved = stageConfig.resolveStageConfig(
      { organization: { memberRoleName: 'guard-reader', configReporterRoleName: 'guard-reporter' } },
      'stage.yml',
    );
    const hub = templates.hubTemplate('test', resolved) as unknown as {
      Parameters: Record<string, { Default?: string }>;
      Resources: Record<string, CfnResource>;
    };
    const member = templates.memberTemplate('test', resolved) as unknown as typeof hub;
    for (const template of [hub, member]) {
      expect(template.Parameters.MemberRoleName?.Default).toBe('guard-reader');
      expect(template.Parameters.ConfigReporterRoleName?.Default).toBe('guard-reporter');
    }
    expect(member.Resources.MemberRole!.Properties.RoleName).toEqual({ Ref: 'MemberRoleName' });
    expect(member.Resources.ConfigReporterRole!.Properties.RoleName).toEqual({
      Ref: 'ConfigReporterRoleName',
    });
    const [grant] = hub.Resources.AssumeMemberRolesPolicy!.Properties.PolicyDocument
      .Statement as IamStatement[];
    expect(grant!.Resource).toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${MemberRoleName}' },
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${ConfigReporterRoleName}' },
    ]);
    const defaults = templates.hubTemplate(
      'test',
      stageConfig.resolveStageConfig({}, 'stage.yml'),
    ) as unknown as typeof hub;
    expect(defaults.Parameters.MemberRoleName?.Default).toBe('private-eks-guard-reader');
    expect(defaults.Parameters.ConfigReporterRoleName?.Default).toBe('private-eks-guard-config-reporter');
  });

  it('sts:AssumeRole on the member roles is granted once, by the hub template, to evaluator and drift only (the sweep queues members)', () => {
    const config = { organization: { hub: true } };
    const deployment = build(config);
    const stackGrants = allIamStatements(deployment.resources.Resources).filter((s) =>
      listOf(s.Action).some(assumes),
    );
    expect(stackGrants).toEqual([]);
    const hub = templates.hubTemplate('test', stageConfig.resolveStageConfig(config, 'stage.yml'));
    const hubGrants = resourcesOfType(hub.Resources, 'AWS::IAM::Policy').flatMap(([id, p]) =>
      (p.Properties.PolicyDocument.Statement as IamStatement[])
        .filter((s) => listOf(s.Action).includes('sts:AssumeRole'))
        .map((s) => ({ id, roles: p.Properties.Roles, condition: s.Condition })),
    );
    expect(hubGrants).toEqual([
      {
        id: 'AssumeMemberRolesPolicy',
        roles: [{ Ref: 'ConfigEvaluatorRoleName' }, { Ref: 'DriftRoleName' }],
        condition: { StringEquals: { 'aws:ResourceOrgID': { Ref: 'OrganizationId' } } },
      },
    ]);
  });

  it.each<[unknown, string]>([
    [{ hub: 'yes' }, 'stage.yml: organization.hub: expected true or false'],
    [{ hub: 1 }, 'stage.yml: organization.hub: expected true or false'],
    [{ Hub: true }, 'stage.yml: unknown key organization.Hub'],
    ['hub', 'stage.yml: organization: expected a mapping such as { hub: true }'],
    [true, 'stage.yml: organization: expected a mapping such as { hub: true }'],
  ])('organization %j is refused: %s', (value, message) => {
    expect(() => build({ organization: value })).toThrow(stageConfig.StageConfigError);
    expect(() => build({ organization: value })).toThrow(
      `${message} (allowed: organization: { hub: true | false, memberRoleExternalId: ID, memberRoleName: NAME, configReporterRoleName: NAME })`,
    );
  });
});

describe('a stage file', () => {
  let stagesDir: string;

  beforeAll(() => {
    stagesDir = mkdtempSync(join(tmpdir(), 'guard-organization-stages-'));
  });
  afterAll(() => rmSync(stagesDir, { recursive: true, force: true }));

  it.each<[string, string]>([
    ['organization:\n  hub: yes\n', 'organization.hub: expected true or false'],
    ['organization: hub\n', 'organization: expected a mapping such as { hub: true }'],
    ['organization:\n  central: true\n', 'unknown key organization.central'],
    [
      'organization:\n  memberRoleName: team/reader\n',
      'organization.memberRoleName: expected an IAM role name of 1 to 64 characters [\\w+=,.@-], without a path',
    ],
  ])('%j fails naming the file and the key', (text, message) => {
    const file = join(stagesDir, 'bad.yml');
    writeFileSync(file, text);
    expect(() => stageConfig.loadStage('bad', stagesDir)).toThrow(`config file ${file}: ${message}`);
  });

  it('with hub: true loads, beside the other keys', () => {
    writeFileSync(join(stagesDir, 'hub.yml'), 'rules: [SUBNETS_FREE_IPS]\norganization:\n  hub: true\n');
    expect(stageConfig.loadStage('hub', stagesDir).config).toEqual({
      rules: ['SUBNETS_FREE_IPS'],
      organization: { hub: true },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The real `serverless package`, in a service directory of its own (test/deploy/temp-service.ts).

describe('serverless package', () => {
  let service: TempService;

  beforeAll(() => {
    service = tempService('guard-organization-package-');
  });
  afterAll(() => service.remove());

  describe('a stage with organization.hub: true', () => {
    let template: CfnTemplate;

    beforeAll(async () => {
      writeFileSync(
        join(service.stagesDir, 'orghub.yml'),
        'rules: [VPC_ENDPOINTS_PRESENT, SUBNETS_PRIVATE]\norganization:\n  hub: true\n',
      );
      const { run, outDir } = await service.packageStage('orghub');
      if (run.status !== 0) {
        throw new Error(`serverless package failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
      }
      template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
    }, 180_000);

    it('grants organizations:ListAccounts to the sweep role only, and sts:AssumeRole to none', () => {
      expect(holders(template.Resources, 'organizations:ListAccounts')).toEqual({
        SweepRole: [LIST_ACCOUNTS],
      });
      const statements = allIamStatements(template.Resources);
      expect(
        statements.filter((s) => listOf(s.Action).some((a) => a.startsWith('organizations:'))),
      ).toHaveLength(1);
      expect(statements.filter((s) => listOf(s.Action).some(assumes))).toEqual([]);
    });

    it('tells the sweep and drift (which checks the queued members), and no other function, that it is a hub', () => {
      for (const [id, fn] of resourcesOfType(template.Resources, 'AWS::Lambda::Function')) {
        const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        expect([id, variables.ORGANIZATION_HUB]).toEqual([
          id,
          id === 'SweepLambdaFunction' || id === 'DriftLambdaFunction' ? 'true' : undefined,
        ]);
      }
    });
  });

  it('a stage with a bad value fails with one line naming the file and the key', async () => {
    const file = join(service.stagesDir, 'badorg.yml');
    writeFileSync(file, 'organization:\n  hub: "true"\n');
    const { run } = await service.packageStage('badorg');
    expect(run.status).not.toBe(0);
    const naming = `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => line.includes(file));
    expect(naming).toHaveLength(1);
    expect(naming[0]).toContain(`config file ${file}: organization.hub: expected true or false`);
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/^\s+at /m);
  }, 60_000);
});
