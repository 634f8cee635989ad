import { CommanderError } from 'commander';
import { reportError } from '../../cli/errors-exit';
import { run } from '../../cli/main';
import { SnapshotError } from '../../engine/errors';
import { capturingIo, compliantSnapshot, TempFiles } from './helpers';

/** The CLI in-process with captured streams: commander's behaviour is checked here without a spawn each. */
async function runInProcess(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { io, output } = capturingIo();
  const code = await run(argv, io);
  return { code, ...output };
}

const files = new TempFiles();
let snapshotFile: string;
beforeAll(() => {
  snapshotFile = files.write('compliant.json', compliantSnapshot().snapshot);
});
afterAll(() => files.cleanup());

describe('run: help and version exit 0', () => {
  it.each([
    { argv: ['--help'], out: /Usage: private-eks-guard/ },
    { argv: ['help'], out: /Commands:/ },
    { argv: ['check', '--help'], out: /--snapshot <file>[\s\S]*Exit codes: 0/ },
    { argv: ['help', 'rules'], out: /Usage: private-eks-guard rules/ },
    { argv: ['--version'], out: /^\d+\.\d+\.\d+\n$/ },
  ])('$argv', async ({ argv, out }) => {
    const result = await runInProcess(argv);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(out);
    expect(result.err).toBe('');
  });
});

describe('run: usage errors exit 2 with one line', () => {
  it.each([
    { argv: ['bogus'], message: "private-eks-guard: unknown command 'bogus'" },
    { argv: ['snapshot', '--out', 'x'], message: /required option '--region <region>' not specified/ },
    {
      argv: ['check', '--region', 'eu-west-1', '--snapshot', 'x'],
      message: /give either --snapshot FILE or --region REGION, not both/,
    },
    {
      argv: ['check', '--snapshot', 'x', '--format', 'xml'],
      message: /'xml' is invalid\. allowed: table, json, markdown/,
    },
    { argv: ['rules', '--format', 'markdown'], message: /'markdown' is invalid\. allowed: table, json/ },
    { argv: ['check', '--snapshot'], message: /option '--snapshot <file>' argument missing/ },
    { argv: ['check', 'extra-arg', '--snapshot', 'x'], message: /too many arguments/ },
  ])('$argv', async ({ argv, message }) => {
    const result = await runInProcess(argv);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err.split('\n')).toHaveLength(2);
    expect(result.err).toMatch(typeof message === 'string' ? new RegExp(`^${message}\n$`) : message);
  });

  it('no command: help on stderr, then the one-line error, exit 2', async () => {
    const result = await runInProcess([]);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(
      /Usage: private-eks-guard[\s\S]*\nprivate-eks-guard: give a command: check, snapshot or rules\n$/,
    );
  });
});

describe('run: check in process', () => {
  it('accepts --format in any case and returns the exit code', async () => {
    const result = await runInProcess(['check', '--snapshot', snapshotFile, '--format', 'JSON']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ schemaVersion: 1, summary: { NON_COMPLIANT: 0 } });
  });
});

describe('reportError', () => {
  it.each([
    {
      name: 'a usage error: its message, nothing more',
      error: new SnapshotError('x.json: ec2.Subnets[0].CidrBlock: expected string'),
      debug: false,
      stderr: /^private-eks-guard: x\.json: ec2\.Subnets\[0\]\.CidrBlock: expected string\n$/,
    },
    {
      name: 'a bug: labelled internal, with a pointer to --debug',
      error: new TypeError("Cannot read properties of undefined (reading 'VpcId')"),
      debug: false,
      stderr: /^private-eks-guard: internal error: Cannot read .*\(run with --debug for the stack trace\)\n$/,
    },
    {
      name: 'a bug with --debug: the stack follows',
      error: new TypeError('boom'),
      debug: true,
      stderr: /^private-eks-guard: internal error: boom\nTypeError: boom\n\s+at /,
    },
    {
      name: 'a thrown non-Error',
      error: 'plain string',
      debug: false,
      stderr: /^private-eks-guard: internal error: plain string /,
    },
    {
      name: "commander's multi-line message, joined",
      error: new CommanderError(
        1,
        'commander.unknownOption',
        "error: unknown option '--fromat'\n(Did you mean --format?)",
      ),
      debug: false,
      stderr: /^private-eks-guard: unknown option '--fromat' \(Did you mean --format\?\)\n$/,
    },
  ])('$name → exit 2', ({ error, debug, stderr }) => {
    const report = reportError(error, debug);
    expect(report.exitCode).toBe(2);
    expect(report.stderr).toMatch(stderr);
  });
});
