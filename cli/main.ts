import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CHECK_FORMATS, runCheck, type CheckOptions } from './check-command';
import { EXIT, PROGRAM, reportError } from './errors-exit';
import { processIo, type CliIo } from './io';
import { RULES_FORMATS, runRules, type RulesFormat } from './rules-command';

/** The package version, found from both cli/ (ts-jest) and dist/cli/ (the binary). */
function packageVersion(): string {
  for (const dir of [join(__dirname, '..'), join(__dirname, '..', '..')]) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === PROGRAM && pkg.version) return pkg.version;
    } catch {
      // not this directory
    }
  }
  return 'unknown';
}

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

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command(PROGRAM)
    .description(
      'Checks that private Amazon EKS clusters stay private and working (VPC network configuration).',
    )
    .version(packageVersion(), '--version', 'print the version')
    .option('--debug', 'print stack traces with errors')
    // Set before the commands are added, so they inherit it: usage errors throw instead of exiting,
    // and commander prints nothing of its own on error (reportError prints one line).
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: () => {},
    })
    .showHelpAfterError(false);

  program
    .command('check')
    .description('check a snapshot file against the rule catalog')
    .option('--snapshot <file>', "snapshot JSON file to check ('-' reads standard input)")
    .addOption(
      new Option('--format <format>', `output format: ${CHECK_FORMATS.join(', ')}`)
        .argParser(choice(CHECK_FORMATS))
        .default('table'),
    )
    .option('--rules <ids>', 'comma-separated rule ids to run (default: all; repeatable)', collect)
    .option('--param <name=value>', 'set a rule parameter (repeatable; the last value wins)', collect)
    .option('--config <file>', 'YAML or JSON file with `rules` and `parameters`')
    .option('--all', 'table format: list COMPLIANT findings too (by default they are counted)')
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 no NON_COMPLIANT finding, 1 at least one, 2 bad usage, parameter,',
        'config file or snapshot. List rules and parameters with: private-eks-guard rules',
      ].join('\n'),
    )
    .action((options: CheckOptions) => setExitCode(runCheck(options, io)));

  program
    .command('rules')
    .description('list the rule catalog')
    .addOption(
      new Option('--format <format>', `output format: ${RULES_FORMATS.join(', ')}`)
        .argParser(choice(RULES_FORMATS))
        .default('table'),
    )
    .action((options: { format: RulesFormat }) => setExitCode(runRules(options, io)));

  return program;
}

/** Runs the CLI and returns SPEC §6's exit code; never throws. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => (exitCode = code));
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
