import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runCli, TempFiles } from './helpers';

/*
 * `check --snapshot` loads only what it uses (issue 10): zod, the YAML reader and cli-table3
 * were a third of the CLI's start-up, and a 1,000-cluster check is only a few times its
 * start-up. Each run preloads a script that prints, at exit, the packages the process
 * required; the --config and invalid-snapshot runs show that the probe sees them when they
 * are loaded.
 */

const files = new TempFiles();
afterAll(() => files.cleanup());

const LOADED_PREFIX = 'loaded-packages: ';
const PROBE = `process.on('exit', () => {
  const names = new Set();
  for (const file of Object.keys(require.cache)) {
    const match = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file);
    if (match) names.add(match[1].replace(/\\\\/g, '/'));
  }
  process.stderr.write(${JSON.stringify(LOADED_PREFIX)} + JSON.stringify([...names].sort()) + '\\n');
});
`;

function loadedPackages(args: string[]): { status: number | null; packages: string[]; stderr: string } {
  const probe = files.write('probe.js', PROBE);
  const result = runCli(args, { NODE_OPTIONS: `--require ${probe}` });
  const line = result.stderr.split('\n').find((l) => l.startsWith(LOADED_PREFIX));
  if (!line) throw new Error(`no ${LOADED_PREFIX} line in stderr: ${result.stderr}`);
  const stderr = result.stderr.replace(`${line}\n`, '');
  return {
    status: result.status,
    packages: JSON.parse(line.slice(LOADED_PREFIX.length)) as string[],
    stderr,
  };
}

const EXAMPLE = join(REPO_ROOT, 'examples', 'drifted-account.json');
const ON_FIRST_USE = ['zod', 'yaml', 'cli-table3'];

describe('check --snapshot loads only what it uses', () => {
  it.each(['json', 'table', 'markdown'])(
    '--format %s: no zod, YAML reader, cli-table3 or AWS SDK',
    (format) => {
      const { status, packages } = loadedPackages(['check', '--snapshot', EXAMPLE, '--format', format]);
      expect(status).toBe(1);
      expect(packages).toContain('commander');
      for (const name of ON_FIRST_USE) expect(packages).not.toContain(name);
      expect(packages.filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
    },
  );

  it('--config loads the YAML reader and zod, and still checks', () => {
    const config = files.write('guard.yml', 'parameters:\n  egressMode: nat\n');
    const { status, packages } = loadedPackages(['check', '--snapshot', EXAMPLE, '--config', config]);
    expect(status).toBe(1);
    expect(packages).toEqual(expect.arrayContaining(['yaml', 'zod']));
  });

  it('an invalid snapshot loads zod for its message: one line naming the path', () => {
    const snapshot = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as {
      ec2: { Subnets: { CidrBlock?: unknown }[] };
    };
    snapshot.ec2.Subnets[0]!.CidrBlock = 42;
    const file = files.write('bad.json', snapshot);
    const { status, packages, stderr } = loadedPackages(['check', '--snapshot', file]);
    expect(status).toBe(2);
    expect(stderr).toBe(`private-eks-guard: ${file}: ec2.Subnets[0].CidrBlock: expected string\n`);
    expect(packages).toContain('zod');
  });
});
