import { Command, InvalidArgumentError, Option } from 'commander';
import { CHECK_FORMATS, FAIL_ON, runCheck, type CheckOptions } from './check-command';
import { EXIT, PROGRAM, reportError } from './errors-exit';
import { processIo, type CliIo } from './io';
import { packageVersion } from './package-version';
import type { LiveDeps } from './live';
import type { FixOptions } from './fix-command';
import { RULES_FORMATS, runRules, type RulesOptions } from './rules-command';
import type { SnapshotOptions } from './snapshot-command';
import type { OrgFlags } from './org-options';
import { MEMBER_ROLE_NAME } from '../aws/member-role-name';

/** Any of the organization flags sends a command down the across-accounts path (which checks them). */
function hasOrgFlags(options: OrgFlags): boolean {
  return (
    options.org === true ||
    options.accounts !== undefined ||
    options.roleName !== undefined ||
    options.externalId !== undefined
  );
}

/**
 * The live commands' production wiring: the AWS SDK, the collector and the standard
 * credential chain. Loaded on first use (as are the live commands' modules, which import the
 * SDK's command classes), so `check --snapshot` and `rules` never pay for
 * loading the SDK.
 */
export async function loadAwsDeps(): Promise<LiveDeps> {
  // The SDK warns on every run under Node 20 about its own future releases; the CLI pins its
  // SDK version, so the warning is noise to its users (an explicit setting still wins).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [clients, collect, { EC2Client }, { sdkDefaultRegion }] = await Promise.all([
    import('../aws/clients'),
    import('../aws/collect'),
    import('@aws-sdk/client-ec2'),
    import('./live'),
  ]);
  return {
    createClients: clients.createClients,
    destroyClients: clients.destroyClients,
    // Required on use: only --org / --accounts load the Organizations client.
    /* eslint-disable @typescript-eslint/no-require-imports */
    createHubClients: (options) =>
      (require('../aws/hub-clients') as typeof import('../aws/hub-clients')).createHubClients(options),
    destroyHubClients: (hub) =>
      (require('../aws/hub-clients') as typeof import('../aws/hub-clients')).destroyHubClients(hub),
    /* eslint-enable @typescript-eslint/no-require-imports */
    collectSnapshot: collect.collectSnapshot,
    listEnabledRegions: collect.listEnabledRegions,
    defaultRegion: (profile) => sdkDefaultRegion(new EC2Client(profile === undefined ? {} : { profile })),
    clock: () => performance.now(),
  };
}

/** The options of `check` and `snapshot` that reach across an Organization's accounts (issue 12). */
const ORG_OPTIONS = {
  org: () =>
    new Option(
      '--org',
      'every ACTIVE account of the AWS Organization (run from the management or a delegated administrator account)',
    ),
  accounts: () =>
    new Option('--accounts <ids>', 'these accounts (12-digit ids, comma-separated; repeatable)').argParser(
      collect,
    ),
  roleName: () =>
    new Option(
      '--role-name <name>',
      `with --org/--accounts: the role assumed in each account (default ${MEMBER_ROLE_NAME})`,
    ),
  externalId: () =>
    new Option('--external-id <id>', 'with --org/--accounts: the sts:ExternalId the role requires'),
};

/** A choice option, case-insensitive (commander's own `.choices()` is not). */
function choice<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    const lower = value.toLowerCase();
    if (!(values as readonly string[]).includes(lower)) {
      throw new InvalidArgumentError(`allowed: ${values.join(', ')}.`);
    }
    return lower as T;
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--fail-on`, shared by check and fix. */
function failOnOption(): Option {
  return new Option(
    '--fail-on <level>',
    'exit 1 on: non-compliant (a NON_COMPLIANT finding) or insufficient-data (also an INSUFFICIENT_DATA one)',
  )
    .argParser(choice(FAIL_ON))
    .default('non-compliant');
}

/** SPEC §6's exit codes, as check and fix help shows them. */
const EXIT_CODES_HELP = [
  'Exit codes: 0 no NON_COMPLIANT finding, 1 at least one (with --fail-on',
  'insufficient-data: or an INSUFFICIENT_DATA one), 2 bad usage, parameter,',
  'config file or snapshot, or an AWS error in any Region.',
];

function buildProgram(
  io: CliIo,
  setExitCode: (code: number) => void,
  liveDeps: () => Promise<LiveDeps>,
): Command {
  const program = new Command(PROGRAM)
    .description(
      'Checks that private Amazon EKS clusters stay private and working (VPC network configuration).',
    )
    .version(packageVersion(), '--version', 'print the version')
    .option('--debug', 'print stack traces with errors, and the AWS calls of live commands')
    // Set before the commands are added, so they inherit it: usage errors throw instead of exiting,
    // and commander prints nothing of its own on error (reportError prints one line).
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: () => {},
    })
    .showHelpAfterError(false);

  const debug = () => program.opts<{ debug?: boolean }>().debug === true;

  program
    .command('check')
    .description('check a snapshot file, or an account live, against the rule catalog')
    .option('--snapshot <file>', "snapshot JSON file to check ('-' reads standard input)")
    .option('--region <regions>', "live: comma-separated Regions, or 'all' (every enabled Region)")
    .option('--profile <name>', 'live: AWS profile (default: the standard credential chain)')
    .addOption(ORG_OPTIONS.org())
    .addOption(ORG_OPTIONS.accounts())
    .addOption(ORG_OPTIONS.roleName())
    .addOption(ORG_OPTIONS.externalId())
    .addOption(
      new Option('--format <format>', `output format: ${CHECK_FORMATS.join(', ')}`)
        .argParser(choice(CHECK_FORMATS))
        .default('table'),
    )
    .option('--rules <ids>', 'comma-separated rule ids to run (default: all; repeatable)', collect)
    .option('--param <name=value>', 'set a rule parameter (repeatable; the last value wins)', collect)
    .option('--config <file>', 'YAML or JSON file with `rules` and `parameters`')
    .option('--all', 'table and markdown: list COMPLIANT findings too (by default they are counted)')
    .addOption(failOnOption())
    .addHelpText(
      'after',
      [
        '',
        'Several Regions: table and markdown print one section per Region, json an',
        'array of reports; progress goes to stderr.',
        '',
        'Across accounts (--org or --accounts, with --region): each account is entered',
        'with sts:AssumeRole on arn:<partition>:iam::<account>:role/<role-name>; --org',
        'covers every ACTIVE account, the calling management account included. Table',
        'and markdown start with a summary per account and Region, json is an array;',
        'an account that fails is one stderr line and exit code 2.',
        '',
        ...EXIT_CODES_HELP,
        'List rules and parameters with: private-eks-guard rules',
      ].join('\n'),
    )
    .action(async (options: CheckOptions & OrgFlags) =>
      setExitCode(
        hasOrgFlags(options)
          ? await (await import('./org-check')).runOrgCheck(options, io, liveDeps, debug())
          : options.region === undefined
            ? runCheck(options, io, debug())
            : await (await import('./live-check')).runLiveCheck(options, io, liveDeps, debug()),
      ),
    );

  program
    .command('fix')
    .description(
      'print a shell script of the AWS CLI commands that would resolve the findings (runs nothing)',
    )
    .option('--snapshot <file>', "snapshot JSON file to check ('-' reads standard input)")
    .option('--region <regions>', "live: comma-separated Regions, or 'all' (every enabled Region)")
    .option('--profile <name>', 'live: AWS profile (default: the standard credential chain)')
    .option('--rules <ids>', 'comma-separated rule ids to run (default: all; repeatable)', collect)
    .option('--param <name=value>', 'set a rule parameter (repeatable; the last value wins)', collect)
    .option('--config <file>', 'YAML or JSON file with `rules` and `parameters`')
    .addOption(failOnOption())
    .addHelpText(
      'after',
      [
        '',
        'Checks as check does, then prints a POSIX shell script on stdout: per cluster,',
        "each finding's commands with the snapshot's ids, in dependency order (security",
        'groups before endpoints, EKS last), a command two findings need once, and',
        'what needs a decision as # DECIDE comments. Review it before running any of it:',
        '  private-eks-guard fix --snapshot snap.json > fix.sh',
        '',
        ...EXIT_CODES_HELP,
      ].join('\n'),
    )
    .action(async (options: FixOptions) => {
      const fix = await import('./fix-command');
      setExitCode(
        options.region === undefined
          ? fix.runFix(options, io)
          : await fix.runLiveFix(options, io, liveDeps, debug()),
      );
    });

  program
    .command('snapshot')
    .description('capture a snapshot of an account and Region (the file check --snapshot reads)')
    .requiredOption('--region <region>', "the Region to capture (--org/--accounts: Regions, or 'all')")
    .requiredOption(
      '--out <file>',
      "file to write ('-' writes standard output; --org/--accounts: a directory)",
    )
    .option('--profile <name>', 'AWS profile (default: the standard credential chain)')
    .addOption(ORG_OPTIONS.org())
    .addOption(ORG_OPTIONS.accounts())
    .addOption(ORG_OPTIONS.roleName())
    .addOption(ORG_OPTIONS.externalId())
    .option(
      '--vpc-id <ids>',
      'capture only these VPCs and their clusters (comma-separated; repeatable)',
      collect,
    )
    .addHelpText(
      'after',
      [
        '',
        'The file is written whole or not at all. A one-line summary goes to stderr.',
        'With --org or --accounts, --out is a directory that receives one file per',
        'account and Region: <account>-<region>.json.',
        'Exit codes: 0 written, 2 bad usage or an AWS error (e.g. a missing permission).',
      ].join('\n'),
    )
    .action(async (options: SnapshotOptions) =>
      setExitCode(await (await import('./snapshot-command')).runSnapshot(options, io, liveDeps, debug())),
    );

  program
    .command('rules')
    .description('list the rule catalog, or explain one rule (rules ID)')
    .argument('[id]', 'explain this rule: its id in any case, or its Config rule name')
    .option('--explain <id>', 'the same as rules ID')
    .addOption(
      new Option('--format <format>', `output format: ${RULES_FORMATS.join(', ')}`)
        .argParser(choice(RULES_FORMATS))
        .default('table'),
    )
    .action((id: string | undefined, options: RulesOptions) => setExitCode(runRules(options, io, id)));

  return program;
}

/**
 * Runs the CLI and returns SPEC §6's exit code; never throws. `liveDeps` supplies AWS to
 * the live commands (tests pass mocked clients or a fake collector).
 */
export async function run(
  argv: readonly string[],
  io: CliIo,
  liveDeps: () => Promise<LiveDeps> = loadAwsDeps,
): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => (exitCode = code), liveDeps);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    const debug = program.opts<{ debug?: boolean }>().debug === true || argv.includes('--debug');
    const report = reportError(error, debug);
    if (report.stderr) io.err(report.stderr);
    return report.exitCode;
  }
}

/** The binary's entry point (bin/private-eks-guard.js): sets the exit code, never exits early. */
export async function main(argv: string[]): Promise<void> {
  process.exitCode = await run(argv, processIo());
}
