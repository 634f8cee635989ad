/**
 * The real `serverless` command (osls) for the deploy tests, offline and without an account.
 *
 * serverless-esbuild builds in the repository's .esbuild/ and removes it afterwards, so two
 * commands must never run at once: every runServerless caller lives in
 * test/deploy/package.test.ts, where jest runs them one after the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');

/**
 * Commands still running. Every caller awaits runServerless, so a command that is still running after a test or
 * hook is one jest gave up on (its timeout is shorter than the command's own): kill it there, or it keeps running
 * beside the next command (the shared .esbuild/) and, with its SIGKILL timer, keeps the jest worker from exiting
 * ("A worker process has failed to exit gracefully"). Registered here so every file that imports this gets it.
 */
const running = new Set<ChildProcess>();
const killAbandoned = () =>
  Promise.all(
    [...running].map((child) => {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGKILL');
      return closed;
    }),
  );
afterEach(killAbandoned);
afterAll(killAbandoned);

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `serverless <args>` from the repository. Asynchronous, so a loopback server in this process
 * can answer the command's requests. No keys, and a profile that exists nowhere, unless `env` says
 * otherwise.
 */
export function runServerless(
  args: string[],
  scratchDir: string,
  env: Record<string, string> = {},
  timeoutMs = 170_000,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(REPO, 'node_modules', 'osls', 'bin', 'serverless.js'), ...args],
      {
        cwd: REPO,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: '',
          AWS_SECRET_ACCESS_KEY: '',
          AWS_SESSION_TOKEN: '',
          AWS_PROFILE: 'private-eks-guard-no-such-profile',
          AWS_CONFIG_FILE: join(scratchDir, 'no-aws-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(scratchDir, 'no-aws-credentials'),
          SLS_TELEMETRY_DISABLED: '1',
          SLS_NOTIFICATIONS_MODE: 'off',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...env,
        },
      },
    );
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      running.delete(child);
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
