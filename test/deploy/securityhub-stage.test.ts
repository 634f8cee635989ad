/**
 * The stage setting `securityHub.importFindings`: validated with a clear error, and only when true do the drift and
 * sweep roles get securityhub:BatchImportFindings, on the account's default product in the partition and Region, with
 * the product ARN in their environment, and securityhub:BatchUpdateFindings on the account's hub in that partition and
 * Region, held by condition keys to setting Workflow.Status RESOLVED and nothing else. First the generators
 * (deploy/resources.js), then the real `serverless package`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  allIamStatements,
  type CfnResource,
  type CfnTemplate,
  listOf,
  resourcesOfType,
  roleStatements,
} from './template-helpers';
import { tempService, type TempService } from './temp-service';

interface Deployment {
  driftEnvironment: Record<string, unknown>;
  evaluatorEnvironment: Record<string, unknown>;
  resources: { Resources: Record<string, CfnResource> };
  securityHubImport: boolean;
}
interface DeployModule {
  buildDeployment(input: { stage: string; config: Record<string, unknown>; source?: string }): Deployment;
}
interface StageConfigModule {
  loadStage(stage: string, dir?: string): { config: Record<string, unknown>; source: string };
  StageConfigError: new (message: string) => Error;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const deploy = require('../../deploy/resources') as DeployModule;
const stageConfig = require('../../deploy/stage-config') as StageConfigModule;
/* eslint-enable @typescript-eslint/no-require-imports */

const ACTION = 'securityhub:BatchImportFindings';
const UPDATE_ACTION = 'securityhub:BatchUpdateFindings';
const PRODUCT = {
  'Fn::Sub':
    'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default',
};
const HUB = { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:hub/default' };
/**
 * The condition of the BatchUpdateFindings grant: Workflow.Status must be RESOLVED (`StringEquals` on an absent key is
 * not met), and every other field the operation can change must be absent (User Guide "BatchUpdateFindings for
 * customers": condition keys `securityhub:ASFFSyntaxPath/<field>`).
 */
const OTHER_FIELDS = [
  'Confidence',
  'Criticality',
  'Note.Text',
  'Note.UpdatedBy',
  'RelatedFindings',
  'Severity.Label',
  'Severity.Normalized',
  'Severity.Product',
  'Types',
  'UserDefinedFields',
  'VerificationState',
];
const RESOLVE_ONLY = {
  StringEquals: { 'securityhub:ASFFSyntaxPath/Workflow.Status': 'RESOLVED' },
  Null: Object.fromEntries(OTHER_FIELDS.map((f) => [`securityhub:ASFFSyntaxPath/${f}`, 'true'])),
};
const GRANTS = [
  { Action: [ACTION], Resource: PRODUCT },
  { Action: [UPDATE_ACTION], Resource: HUB, Condition: RESOLVE_ONLY },
];
const ROLES = ['ConfigEvaluatorRole', 'DriftRole', 'SweepRole', 'SlackNotifierRole'];

const build = (config: Record<string, unknown>) =>
  deploy.buildDeployment({ stage: 'test', config, source: 'stage.yml' });

/** Roles (of those deployed) that hold the action, and the resources they hold it on. */
function holders(resources: Record<string, CfnResource>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const role of ROLES.filter((id) => resources[id])) {
    const granting = roleStatements(resources, role).filter((s) =>
      listOf(s.Action).some((a) => a.startsWith('securityhub:')),
    );
    if (granting.length > 0) {
      out[role] = granting.map((s) => ({
        Action: s.Action,
        Resource: s.Resource,
        ...(s.Condition === undefined ? {} : { Condition: s.Condition }),
      }));
    }
  }
  return out;
}

/** `Fn::Sub` text as CloudFormation resolves it in a partition. */
function resolveSub(text: string, partition: string, region: string): string {
  const pseudo: Record<string, string> = {
    'AWS::Partition': partition,
    'AWS::Region': region,
    'AWS::AccountId': '111122223333',
  };
  return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => pseudo[name]!);
}

describe('generated from the stage configuration', () => {
  it('off by default: no Security Hub action anywhere, no product ARN in any environment', () => {
    for (const config of [{}, { securityHub: {} }, { securityHub: { importFindings: false } }]) {
      const deployment = build(config);
      expect(deployment.securityHubImport).toBe(false);
      expect(holders(deployment.resources.Resources)).toEqual({});
      const actions = allIamStatements(deployment.resources.Resources).flatMap((s) => listOf(s.Action));
      expect(actions.filter((a) => a.startsWith('securityhub:'))).toEqual([]);
      expect(deployment.driftEnvironment.SECURITY_HUB_PRODUCT_ARN).toBeUndefined();
    }
  });

  it('on: drift and sweep may import on the default product and resolve on the hub, and are told which product', () => {
    const deployment = build({
      securityHub: { importFindings: true },
      alerts: { slackWebhookParameter: '/guard/slack' },
    });
    expect(deployment.securityHubImport).toBe(true);
    expect(holders(deployment.resources.Resources)).toEqual({ DriftRole: GRANTS, SweepRole: GRANTS });
    expect(deployment.driftEnvironment.SECURITY_HUB_PRODUCT_ARN).toEqual(PRODUCT);
    expect(deployment.evaluatorEnvironment.SECURITY_HUB_PRODUCT_ARN).toBeUndefined();
  });

  it.each([
    ['aws', 'eu-west-1'],
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
  ])('the ARNs resolve in %s to the account’s own default product and hub', (partition, region) => {
    expect(resolveSub(PRODUCT['Fn::Sub'], partition, region)).toBe(
      `arn:${partition}:securityhub:${region}:111122223333:product/111122223333/default`,
    );
    expect(resolveSub(HUB['Fn::Sub'], partition, region)).toBe(
      `arn:${partition}:securityhub:${region}:111122223333:hub/default`,
    );
  });

  it('the generator’s field list is the one held here (deploy/iam.js BATCH_UPDATE_OTHER_FIELDS)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const iam = require('../../deploy/iam') as { BATCH_UPDATE_OTHER_FIELDS: string[] };
    expect(iam.BATCH_UPDATE_OTHER_FIELDS).toEqual(OTHER_FIELDS);
  });

  it.each<[unknown, string]>([
    [{ importFindings: 'yes' }, 'stage.yml: securityHub.importFindings: expected true or false'],
    [{ importFindings: 1 }, 'stage.yml: securityHub.importFindings: expected true or false'],
    [{ importfindings: true }, 'stage.yml: unknown key securityHub.importfindings'],
    ['on', 'stage.yml: securityHub: expected a mapping such as { importFindings: true }'],
    [true, 'stage.yml: securityHub: expected a mapping such as { importFindings: true }'],
  ])('securityHub %j is refused: %s', (value, message) => {
    expect(() => build({ securityHub: value })).toThrow(stageConfig.StageConfigError);
    expect(() => build({ securityHub: value })).toThrow(
      `${message} (allowed: securityHub: { importFindings: true | false })`,
    );
  });
});

describe('a stage file', () => {
  let stagesDir: string;

  beforeAll(() => {
    stagesDir = mkdtempSync(join(tmpdir(), 'guard-securityhub-stages-'));
  });
  afterAll(() => rmSync(stagesDir, { recursive: true, force: true }));

  it.each<[string, string]>([
    ['securityHub:\n  importFindings: yes\n', 'securityHub.importFindings: expected true or false'],
    ['securityHub: on\n', 'securityHub: expected a mapping such as { importFindings: true }'],
    ['securityHub:\n  import: true\n', 'unknown key securityHub.import'],
  ])('%j fails naming the file and the key', (text, message) => {
    const file = join(stagesDir, 'bad.yml');
    writeFileSync(file, text);
    expect(() => stageConfig.loadStage('bad', stagesDir)).toThrow(`config file ${file}: ${message}`);
  });

  it('with importFindings: true loads, beside the other keys', () => {
    writeFileSync(
      join(stagesDir, 'hub.yml'),
      'rules: [SUBNETS_FREE_IPS]\nsecurityHub:\n  importFindings: true\n',
    );
    expect(stageConfig.loadStage('hub', stagesDir).config).toEqual({
      rules: ['SUBNETS_FREE_IPS'],
      securityHub: { importFindings: true },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The real `serverless package`, in a service directory of its own (test/deploy/temp-service.ts).

describe('serverless package', () => {
  let service: TempService;

  beforeAll(() => {
    service = tempService('guard-securityhub-package-');
  });
  afterAll(() => service.remove());

  describe('a stage with securityHub.importFindings: true', () => {
    let template: CfnTemplate;

    beforeAll(async () => {
      writeFileSync(
        join(service.stagesDir, 'hub.yml'),
        'rules: [VPC_ENDPOINTS_PRESENT, SUBNETS_PRIVATE]\nsecurityHub:\n  importFindings: true\n',
      );
      const { run, outDir } = await service.packageStage('hub');
      if (run.status !== 0) {
        throw new Error(`serverless package failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
      }
      template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
    }, 180_000);

    it('grants drift and sweep only BatchImportFindings on the default product and BatchUpdateFindings (Workflow.Status RESOLVED only) on the hub', () => {
      expect(holders(template.Resources)).toEqual({ DriftRole: GRANTS, SweepRole: GRANTS });
      // Nowhere else, and never on '*'.
      const hubStatements = allIamStatements(template.Resources).filter((s) =>
        listOf(s.Action).some((a) => a.startsWith('securityhub:')),
      );
      expect(hubStatements).toHaveLength(4);
      expect(hubStatements.map((s) => s.Resource)).not.toContain('*');
    });

    it('gives drift and sweep the product ARN, and no other function', () => {
      for (const [id, fn] of resourcesOfType(template.Resources, 'AWS::Lambda::Function')) {
        const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        if (id === 'DriftLambdaFunction' || id === 'SweepLambdaFunction') {
          expect([id, variables.SECURITY_HUB_PRODUCT_ARN]).toEqual([id, PRODUCT]);
        } else {
          expect([id, variables.SECURITY_HUB_PRODUCT_ARN]).toEqual([id, undefined]);
        }
      }
    });
  });

  it('a stage with a bad value fails with one line naming the file and the key', async () => {
    const file = join(service.stagesDir, 'badhub.yml');
    writeFileSync(file, 'securityHub:\n  importFindings: "true"\n');
    const { run } = await service.packageStage('badhub');
    expect(run.status).not.toBe(0);
    const naming = `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => line.includes(file));
    expect(naming).toHaveLength(1);
    expect(naming[0]).toContain(`config file ${file}: securityHub.importFindings: expected true or false`);
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/^\s+at /m);
  }, 60_000);
});
