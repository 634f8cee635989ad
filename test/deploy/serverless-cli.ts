/**
 * The real `serverless` command (osls) for the deploy tests, offline and without an account, and a
 * loopback HTTP server standing in for the AWS endpoints a bundled function or client reaches.
 *
 * serverless-esbuild builds in the repository's .esbuild/ and removes it afterwards, so two
 * commands must never run at once: every runServerless caller lives in
 * test/deploy/package.test.ts, where jest runs them one after the other.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');

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
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** X-Amz-Target of an AWS JSON-protocol call (e.g. AmazonSSM.GetParameter). */
  target: string | undefined;
  body: string;
}

export type Reply = { status: number; contentType: string; body: string };

export interface LoopbackAws {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** One server for every endpoint: `reply` decides from the request (AWS JSON target or path). */
export async function startLoopbackAws(reply: (request: RecordedRequest) => Reply): Promise<LoopbackAws> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        target: typeof target === 'string' ? target : undefined,
        body,
      };
      requests.push(request);
      const answer = reply(request);
      res.writeHead(answer.status, { 'content-type': answer.contentType });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
