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
    {
      argv: ['fix', '--help'],
      out: /Usage: private-eks-guard fix[\s\S]*--fail-on <level>[\s\S]*Exit codes: 0/,
    },
    { argv: ['check', '--help'], out: /--fail-on <level>[\s\S]*insufficient-data/ },
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
    {
      argv: ['check', '--snapshot', 'x', '--fail-on', 'warning'],
      message: /'warning' is invalid\. allowed: non-compliant, insufficient-data\./,
    },
    {
      argv: ['fix', '--snapshot', 'x', '--fail-on', 'all'],
      message: /'all' is invalid\. allowed: non-compliant, insufficient-data\./,
    },
    {
      argv: ['fix', '--snapshot', 'x', '--region', 'eu-west-1'],
      message: /give either --snapshot FILE or --region/,
    },
    { argv: ['fix', '--snapshot', 'x', '--profile', 'p'], message: /--profile applies to live checks/ },
    {
      argv: ['rules', 'NO_SUCH_RULE'],
      message: /unknown rule "NO_SUCH_RULE"; known rule ids: ENDPOINT_PRIVATE_ACCESS, /,
    },
    { argv: ['rules', '--explain', 'nope'], message: /unknown rule "nope"; known rule ids: / },
    {
      argv: ['rules', 'SUBNETS_MULTI_AZ', '--explain', 'SUBNETS_FREE_IPS'],
      message: /give one rule: rules ID or rules --explain ID/,
    },
    { argv: ['rules', 'a', 'b'], message: /too many arguments/ },
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
      /Usage: private-eks-guard[\s\S]*\nprivate-eks-guard: give a command: check, fix, snapshot or rules\n$/,
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

describe('reportError: a snapshot with several problems', () => {
  const problems = (count: number) =>
    new SnapshotError('ignored', {
      listed: Array.from(
        { length: Math.min(count, 20) },
        (_, i) => `ec2.Subnets[${i}].CidrBlock: expected string`,
      ),
      count,
    }).from('x.json');

  it('lists each on its own line after a line with the count, exit 2', () => {
    const report = reportError(problems(2), false);
    expect(report.exitCode).toBe(2);
    expect(report.stderr).toBe(
      [
        'private-eks-guard: x.json: 2 problems in the snapshot:',
        '  ec2.Subnets[0].CidrBlock: expected string',
        '  ec2.Subnets[1].CidrBlock: expected string',
        '',
      ].join('\n'),
    );
  });

  it('lists 20, then counts the rest; --debug adds the stack after them', () => {
    const lines = reportError(problems(50), true).stderr.split('\n');
    expect(lines[0]).toBe('private-eks-guard: x.json: 50 problems in the snapshot:');
    expect(lines.slice(1, 21)).toEqual(
      Array.from({ length: 20 }, (_, i) => `  ec2.Subnets[${i}].CidrBlock: expected string`),
    );
    expect(lines[21]).toBe('  … and 30 more');
    expect(lines[22]).toMatch(/^SnapshotError: x\.json: ignored/);
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
