/**
 * The real `serverless package` for a stage without a file (the built-in defaults, said once) and for a
 * stage file with a mistake (one line naming the file and the key), neither with a stack trace. The
 * stage files live in a temp dir (PRIVATE_EKS_GUARD_STAGES_DIR), so nothing is written to deploy/stages.
 *
 * serverless-esbuild builds in the service directory's .esbuild/ and removes it afterwards, so a second
 * command there at the same time as package.test.ts's would break one of them (test/deploy/serverless-cli.ts).
 * These commands therefore run in a service directory of their own: a temp dir holding a copy of
 * serverless.yml (osls wants a regular file) and a symlink to every other top-level entry of the
 * repository, entered through a `--require` preload (NODE_OPTIONS) because runServerless starts in
 * the repository.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configRuleName } from '../../engine/rule';
import { RULES } from '../../rules/index';
import { REPO, runServerless, type CommandResult } from './serverless-cli';
import { resourcesOfType, type CfnTemplate } from './template-helpers';

/** What serverless-esbuild and the Framework write into the service directory, and git's own. */
const NOT_LINKED = new Set(['.esbuild', '.serverless', '.git', 'serverless.yml']);
const STACK_FRAME = /^\s+at /m;

let scratch: string;
let stagesDir: string;
let serviceDir: string;
let preload: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'guard-stage-defaults-'));
  stagesDir = join(scratch, 'stages');
  serviceDir = join(scratch, 'service');
  mkdirSync(stagesDir);
  mkdirSync(serviceDir);
  for (const entry of readdirSync(REPO)) {
    if (!NOT_LINKED.has(entry)) symlinkSync(join(REPO, entry), join(serviceDir, entry));
  }
  copyFileSync(join(REPO, 'serverless.yml'), join(serviceDir, 'serverless.yml'));
  preload = join(scratch, 'enter-service-dir.js');
  // Only the main thread: esbuild's buildSync (deploy/sources.js) runs in a worker, which inherits
  // NODE_OPTIONS and may not chdir.
  writeFileSync(
    preload,
    `if (require('node:worker_threads').isMainThread) process.chdir(${JSON.stringify(serviceDir)});\n`,
  );
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function packageStage(stage: string, outDir: string): Promise<CommandResult> {
  return runServerless(['package', '--stage', stage, '--region', 'eu-west-1', '--package', outDir], scratch, {
    PRIVATE_EKS_GUARD_STAGES_DIR: stagesDir,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${preload}`.trim(),
  });
}

const linesOf = (run: CommandResult) => `${run.stdout}\n${run.stderr}`.split('\n');

describe('a stage without a file', () => {
  let run: CommandResult;
  let template: CfnTemplate;

  beforeAll(async () => {
    const outDir = join(scratch, 'out-defaults');
    run = await packageStage('prod', outDir);
    if (run.status !== 0) {
      throw new Error(`serverless package failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
    template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
  }, 180_000);

  it('says so in exactly one line, and prints no stack trace', () => {
    const notices = linesOf(run).filter((line) => line.includes('built-in defaults'));
    expect(notices).toEqual([
      `Stage "prod" has no ${join(stagesDir, 'prod.yml')}: deploying the built-in defaults (all 16 rules, ` +
        'SPEC default parameters, no email subscriptions, no Slack notifier); ' +
        'create that file (deploy/stages/dev.yml is an example) to choose',
    ]);
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(STACK_FRAME);
  });

  it('deploys all 16 Config rules', () => {
    expect(RULES).toHaveLength(16);
    const names = resourcesOfType(template.Resources, 'AWS::Config::ConfigRule').map(
      ([, r]) => r.Properties.ConfigRuleName,
    );
    expect(names).toEqual(RULES.map((rule) => configRuleName(rule.meta.id)));
  });

  it('subscribes no email address and deploys no Slack notifier', () => {
    expect(resourcesOfType(template.Resources, 'AWS::SNS::Subscription')).toEqual([]);
    expect(
      Object.keys(template.Resources).filter((id) => /^EmailSubscription|SlackNotifier/.test(id)),
    ).toEqual([]);
    expect(resourcesOfType(template.Resources, 'AWS::Lambda::Function').map(([id]) => id)).not.toContain(
      'SlackNotifierLambdaFunction',
    );
  });
});

describe('a stage file with a mistake', () => {
  it('fails with one line naming the file and the key, without a stack trace', async () => {
    const file = join(stagesDir, 'broken.yml');
    writeFileSync(
      file,
      'rules: [SUBNETS_FREE_IPS]\nparameters:\n  minFreeIps: 16\n  egressMode: sometimes\n',
    );
    const run = await packageStage('broken', join(scratch, 'out-broken'));
    expect(run.status).not.toBe(0);
    const naming = linesOf(run).filter((line) => line.includes(file));
    expect(naming).toHaveLength(1);
    expect(naming[0]).toContain(`config file ${file}: parameter egressMode: "sometimes" is not allowed`);
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(STACK_FRAME);
  }, 60_000);
});
