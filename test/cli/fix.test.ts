import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsClients } from '../../aws/clients';
import type { LiveDeps } from '../../cli/live';
import { run } from '../../cli/main';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import {
  capturingIo,
  compliantSnapshot,
  driftedSnapshot,
  expectOneLineError,
  REPO_ROOT,
  runCli,
  TempFiles,
} from './helpers';

/*
 * `fix` as a user runs it: the binary's streams and exit codes, the script it prints (valid
 * shell, never run by fix itself), and that script run against a stand-in `aws` that only
 * logs, which shows its commands run in order with the ids earlier ones captured.
 */

const files = new TempFiles();
let compliantFile: string;
let driftedFile: string;
let partialFile: string;
const EXAMPLE = join(REPO_ROOT, 'examples', 'drifted-account.json');

beforeAll(() => {
  compliantFile = files.write('compliant.json', compliantSnapshot().snapshot);
  driftedFile = files.write('drifted.json', driftedSnapshot().snapshot);
  // Compliant, but without NACLs: NETWORK_ACLS is INSUFFICIENT_DATA for both clusters.
  const { snapshot } = compliantSnapshot();
  delete (snapshot.ec2 as Partial<RawSnapshot['ec2']>).NetworkAcls;
  partialFile = files.write('partial.json', snapshot);
});
afterAll(() => files.cleanup());

function executed(script: string): string[] {
  return script.split('\n').filter((line) => line !== '' && !line.startsWith('#') && line !== 'set -eu');
}

function shellCheck(script: string): number | null {
  return spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' }).status;
}

/** A directory holding a stand-in `aws` that logs its arguments to `log` and prints an id. */
function fakeAws(name: string): { bin: string; log: string } {
  const log = files.path(`${name}.log`);
  const bin = files.path(`${name}-bin`);
  spawnSync('mkdir', ['-p', bin]);
  const aws = join(bin, 'aws');
  files.write(
    `${name}-bin/aws`,
    [
      '#!/bin/sh',
      `echo "$*" >> '${log}'`,
      'n=$(wc -l < ' + `'${log}'` + ' | tr -d " ")',
      'echo "fake-$2-$n"',
      '',
    ].join('\n'),
  );
  chmodSync(aws, 0o755);
  return { bin, log };
}

describe('fix --snapshot', () => {
  it('prints a reviewable script on stdout alone and exits 1 as check does', () => {
    const result = runCli(['fix', '--snapshot', driftedFile]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual(['#!/bin/sh', 'set -eu']);
    expect(result.stdout).toMatch(/GENERATED, NOT RUN: review every command/);
    expect(result.stdout).toMatch(/Account 111122223333, Region eu-west-1, partition aws/);
    expect(result.stdout).toMatch(/^# Cluster prod-0 /m);
    expect(result.stdout).toMatch(/^# Cluster prod-1 /m);
    expect(result.stdout).toMatch(/^# ENDPOINT_PRIVATE_ACCESS \(critical, NON_COMPLIANT\)$/m);
    expect(result.stdout).toMatch(/^# VPC_ENDPOINTS_PRESENT \(critical, NON_COMPLIANT\)$/m);
    expect(shellCheck(result.stdout)).toBe(0);
    // Only the clusters' real ids and Region: every command names the Region it was checked in.
    for (const line of executed(result.stdout))
      expect(line).toMatch(/^(?:[A-Z_0-9]+=\$\()?aws \S+ \S+ --region eu-west-1 /);
  });

  it('on a compliant snapshot exits 0 with a script that has nothing to run', () => {
    const result = runCli(['fix', '--snapshot', compliantFile]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(executed(result.stdout)).toEqual([]);
    expect(result.stdout).toMatch(/Nothing to resolve in eu-west-1/);
  });

  it('--rules selects the findings, as for check; - reads standard input', () => {
    const result = runCli(
      ['fix', '--snapshot', '-', '--rules', 'endpoint_private_access'],
      {},
      JSON.stringify(driftedSnapshot().snapshot),
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^# ENDPOINT_PRIVATE_ACCESS /m);
    expect(result.stdout).not.toMatch(/VPC_ENDPOINTS_PRESENT/);
    expect(result.stdout).not.toMatch(/^# Cluster prod-1 /m);
    expect(result.stdout).toMatch(/snapshot standard input/);
  });

  it('--param and --config apply as for check', () => {
    const config = files.write('services.yaml', 'parameters:\n  requiredServices: [ec2, sts, s3]\n');
    const result = runCli([
      'fix',
      '--snapshot',
      driftedFile,
      '--config',
      config,
      '--rules',
      'VPC_ENDPOINTS_PRESENT',
    ]);
    expect(result.status).toBe(0);
    expect(executed(result.stdout)).toEqual([]);
    const strict = runCli([
      'fix',
      '--snapshot',
      compliantFile,
      '--param',
      'minFreeIps=9000',
      '--rules',
      'SUBNETS_FREE_IPS',
    ]);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toMatch(/^# SUBNETS_FREE_IPS \(medium, NON_COMPLIANT\)$/m);
  });

  it('lists INSUFFICIENT_DATA findings as decisions; --fail-on insufficient-data makes them exit 1', () => {
    const lenient = runCli(['fix', '--snapshot', partialFile]);
    expect(lenient.status).toBe(0);
    expect(lenient.stdout).toMatch(/^# NETWORK_ACLS \(critical, INSUFFICIENT_DATA\)$/m);
    expect(lenient.stdout).toMatch(/^# {3}DECIDE: /m);
    expect(runCli(['fix', '--snapshot', partialFile, '--fail-on', 'insufficient-data']).status).toBe(1);
    expect(runCli(['fix', '--snapshot', partialFile, '--fail-on', 'NON-COMPLIANT']).status).toBe(0);
  });

  it('never runs anything: a stand-in aws on PATH is not called', () => {
    const { bin, log } = fakeAws('never');
    const result = runCli(['fix', '--snapshot', EXAMPLE], { PATH: `${bin}:${process.env.PATH ?? ''}` });
    expect(result.status).toBe(1);
    expect(executed(result.stdout).length).toBeGreaterThan(0);
    expect(existsSync(log)).toBe(false);
  });

  it('the script, run with a stand-in aws, runs each command once, in order, with the ids it captured', () => {
    const script = runCli(['fix', '--snapshot', EXAMPLE]).stdout;
    const commands = executed(script);
    const { bin, log } = fakeAws('run');
    const file = files.write('fix.sh', script);
    const ran = spawnSync('sh', [file], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      encoding: 'utf8',
    });
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    const calls = readFileSync(log, 'utf8').trimEnd().split('\n');
    expect(calls).toHaveLength(commands.length);
    calls.forEach((call, i) => {
      // `aws` is gone (it is the program), and every variable holds what the stand-in printed.
      const expected = commands[i]!.replace(/^[A-Z_0-9]+=\$\((.*)\)$/, '$1').replace(/^aws /, '');
      expect(call.split(' ').slice(0, 2)).toEqual(expected.split(' ').slice(0, 2));
      expect(call).not.toMatch(/\$/);
    });
    for (const [i, line] of commands.entries()) {
      const variable = /^([A-Z_0-9]+)=/.exec(line)?.[1];
      if (!variable) continue;
      const value = `fake-${calls[i]!.split(' ')[1]}-${i + 1}`;
      const users = commands
        .map((l, j) => ({ l, j }))
        .filter(({ l }) => l.includes(`$${variable}`) || l.includes(`\${${variable}}`));
      expect(users.length).toBeGreaterThan(0);
      for (const { j } of users) expect(calls[j]).toContain(value);
    }
  });
});

describe('fix: errors are one line on stderr with exit code 2', () => {
  it('asks for --snapshot or --region', () => {
    expectOneLineError(runCli(['fix']), /give --snapshot FILE, or --region REGION to fix an account live/);
  });

  it('has no --format', () => {
    expectOneLineError(
      runCli(['fix', '--snapshot', compliantFile, '--format', 'json']),
      /unknown option '--format'/,
    );
  });

  it('rejects a bad --fail-on, naming the allowed values', () => {
    expectOneLineError(
      runCli(['fix', '--snapshot', compliantFile, '--fail-on', 'warnings']),
      /--fail-on <level>.*'warnings' is invalid\. allowed: non-compliant, insufficient-data/,
    );
  });

  it('rejects an unknown rule id', () => {
    expectOneLineError(
      runCli(['fix', '--snapshot', compliantFile, '--rules', 'NOPE']),
      /unknown rule "NOPE"/,
    );
  });
});

describe('fix --region (live, in process)', () => {
  const raw: Record<string, RawSnapshot> = {
    'eu-west-1': driftedSnapshot().snapshot,
    'eu-central-1': privateClustersSnapshot(1, { region: 'eu-central-1' }).snapshot,
  };

  function deps(): LiveDeps {
    return {
      createClients: () => ({}) as AwsClients,
      destroyClients: () => {},
      createHubClients: () => {
        throw new Error('fix runs in the caller account only');
      },
      destroyHubClients: () => {},
      collectSnapshot: async (reader) => {
        const snapshot = raw[reader.region];
        if (!snapshot) throw new Error(`no account in ${reader.region}`);
        return JSON.parse(JSON.stringify(snapshot)) as unknown;
      },
      listEnabledRegions: async () => Object.keys(raw),
      defaultRegion: async () => 'eu-west-1',
      clock: () => 0,
    };
  }

  async function fix(argv: string[]) {
    const { io, output } = capturingIo();
    const code = await run(['fix', ...argv], io, async () => deps());
    return { code, ...output };
  }

  it('one Region: the same script as fix --snapshot of what it collected', async () => {
    const live = await fix(['--region', 'eu-west-1']);
    expect(live.code).toBe(1);
    expect(live.err).toBe('');
    const file = runCli(['fix', '--snapshot', driftedFile]);
    const body = (text: string) => text.split('\n').filter((l) => !/generated|Region|snapshot/.test(l));
    expect(body(live.out)).toEqual(body(file.stdout));
    expect(live.out).toMatch(/Region eu-west-1 \(live\)/);
  });

  it('several Regions: one script with a section per Region; a failed Region is named, exit 2', async () => {
    const result = await fix(['--region', 'eu-west-1,eu-central-1,ap-south-1']);
    expect(result.code).toBe(2);
    expect(result.out).toMatch(/^# Region eu-west-1$/m);
    expect(result.out).toMatch(/^# Region eu-central-1$/m);
    expect(result.out).toMatch(/Nothing to resolve in eu-central-1/);
    expect(result.out).toMatch(/^# NOT INCLUDED: ap-south-1 could not be checked/m);
    expect(result.err).toMatch(/^private-eks-guard: .*no account in ap-south-1/m);
    expect(shellCheck(result.out)).toBe(0);
  });

  it('one Region that fails: its error, one line, exit 2, nothing on stdout', async () => {
    const result = await fix(['--region', 'ap-south-1']);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--fail-on insufficient-data applies to live runs too (fix and check)', async () => {
    delete (raw['eu-central-1']!.ec2 as Partial<RawSnapshot['ec2']>).NetworkAcls;
    expect((await fix(['--region', 'eu-central-1'])).code).toBe(0);
    expect((await fix(['--region', 'eu-central-1', '--fail-on', 'insufficient-data'])).code).toBe(1);
    // check --region shares the exit policy.
    const check = async (argv: string[]) => run(['check', ...argv], capturingIo().io, async () => deps());
    expect(await check(['--region', 'eu-central-1'])).toBe(0);
    expect(await check(['--region', 'eu-central-1', '--fail-on', 'insufficient-data'])).toBe(1);
    expect(await check(['--region', 'eu-central-1,eu-west-1', '--fail-on', 'insufficient-data'])).toBe(1);
  });
});
