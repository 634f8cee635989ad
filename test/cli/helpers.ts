import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliIo } from '../../cli/io';
import { privateClustersSnapshot, type ClusterIds, type RawSnapshot } from '../../testkit/private-cluster';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const BIN = join(REPO_ROOT, 'bin', 'private-eks-guard.js');

/** SPEC §5's top-level report keys, in order: written out, not imported, so the tests hold the code to the SPEC. */
export const SPEC_REPORT_KEYS = [
  'schemaVersion',
  'accountId',
  'region',
  'generatedAt',
  'summary',
  'findings',
];

/** An in-process CliIo that captures both streams, as a pipe would see them (no TTY, empty environment). */
export function capturingIo(): { io: CliIo; output: { out: string; err: string } } {
  const output = { out: '', err: '' };
  const io: CliIo = {
    out: (text) => void (output.out += text),
    err: (text) => void (output.err += text),
    stdoutIsTTY: false,
    env: {},
  };
  return { io, output };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The colour variables a developer's shell or jest itself may set; each test sets what it needs. */
const COLOR_VARIABLES = ['FORCE_COLOR', 'NO_COLOR', 'CI', 'TERM'];

/** Runs a Node script the way a user would (the real binary, compiled dist/), stdout being a pipe. */
export function runNode(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
  input?: string,
): CliResult {
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does) before the CLI tests');
  }
  const base = { ...process.env };
  for (const name of COLOR_VARIABLES) delete base[name];
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd: REPO_ROOT,
    env: { ...base, ...env },
    encoding: 'utf8',
    input,
    timeout: 20_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function runCli(args: readonly string[], env: Record<string, string> = {}, input?: string): CliResult {
  return runNode(BIN, args, env, input);
}

/** A scratch directory per test file, removed by `cleanup`. */
export class TempFiles {
  private dir: string | undefined;

  path(name: string): string {
    this.dir ??= mkdtempSync(join(tmpdir(), 'private-eks-guard-cli-'));
    return join(this.dir, name);
  }

  write(name: string, content: string | object): string {
    const file = this.path(name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  }

  cleanup(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** Two compliant private clusters (prod-0, prod-1), each in its own VPC. */
export function compliantSnapshot(): { snapshot: RawSnapshot; ids: ClusterIds[] } {
  return privateClustersSnapshot(2);
}

/**
 * Two clusters with drift a private cluster really suffers: prod-0's private API
 * endpoint is off (ENDPOINT_PRIVATE_ACCESS) and prod-1 lost its ecr.dkr endpoint
 * (VPC_ENDPOINTS_PRESENT); everything else stays compliant.
 */
export function driftedSnapshot(): { snapshot: RawSnapshot; ids: ClusterIds[] } {
  const { snapshot, ids } = compliantSnapshot();
  const vpcConfig = snapshot.eks.clusters[0]!.resourcesVpcConfig as Record<string, unknown>;
  vpcConfig.endpointPrivateAccess = false;
  const ecrDkr = ids[1]!.interfaceEndpointIds['ecr.dkr'];
  snapshot.ec2.VpcEndpoints = snapshot.ec2.VpcEndpoints.filter((e) => e.VpcEndpointId !== ecrDkr);
  return { snapshot, ids };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export function hasAnsi(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /\u001b\[/.test(text);
}

/** Widest line in terminal columns (every character the formatters emit is one column wide). */
export function maxLineWidth(text: string): number {
  return Math.max(
    0,
    ...stripAnsi(text)
      .split('\n')
      .map((line) => [...line].length),
  );
}

/**
 * Lines wider than 80 columns that could have been wrapped: issue 11's fix section may exceed
 * 80 columns only with a token that breaking would spoil (a documentation URL, one shell word
 * of a command such as a JSON argument), so it still pastes as it is.
 */
export function overlongLines(text: string): string[] {
  return stripAnsi(text)
    .split('\n')
    .filter((line) => [...line].length > 80 && !/^ *(docs: )?\S+( \\)?$/.test(line));
}

/** SPEC §6: an error is one line on stderr, `private-eks-guard: …`, with no stack frames. */
export function expectOneLineError(result: CliResult, ...fragments: (string | RegExp)[]): void {
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n');
  expect(lines).toHaveLength(2); // the message and the empty string after its newline
  expect(lines[1]).toBe('');
  expect(lines[0]).toMatch(/^private-eks-guard: \S/);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  for (const fragment of fragments) expect(lines[0]).toMatch(fragment);
}
