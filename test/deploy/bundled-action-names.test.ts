/**
 * The IAM action a denied call names, inside a Lambda bundle: serverless.yml minifies, so every SDK command class
 * in the zip is anonymous, and an action spelled from a class name would read `ec2:th`. This bundles the real read
 * path (aws/reader.ts + aws/resource-vpcs.ts, what the drift and Config functions use) with serverless.yml's own
 * esbuild options and has EC2 deny DescribeSubnets over HTTP.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { parse as parseYaml } from 'yaml';
import { startLoopbackServer, type LoopbackServer } from '../../testkit/loopback-server';

// deploy/ is CommonJS that serverless-esbuild loads directly, so the tests load it the same way.
/* eslint-disable @typescript-eslint/no-require-imports */
const { compileModule } = require('../../deploy/sources') as {
  compileModule(code: string, file: string): unknown;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const REPO = join(__dirname, '..', '..');

/** serverless.yml's `custom.esbuild`, as serverless-esbuild hands it to esbuild (its own keys resolved). */
function serverlessEsbuildOptions(): BuildOptions {
  const serverless = parseYaml(readFileSync(join(REPO, 'serverless.yml'), 'utf8'), { logLevel: 'error' }) as {
    custom: { esbuild: Record<string, unknown> & { exclude?: string[]; plugins?: string } };
  };
  const { exclude = [], plugins, ...esbuildOptions } = serverless.custom.esbuild;
  return {
    ...(esbuildOptions as BuildOptions),
    external: exclude,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    plugins: plugins ? (require(join(REPO, plugins)) as Plugin[]) : [],
  };
}

const ENTRY = `
import { EC2Client } from '@aws-sdk/client-ec2';
import { AwsReader } from './aws/reader';
import { readResourceVpcs } from './aws/resource-vpcs';

export async function readSubnetVpc(endpoint: string, subnetId: string) {
  // Compiled outside jest's sandbox, so test/setup-env.ts's process.env is not this one.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const ec2 = new EC2Client({
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  });
  // Only EC2 is called for a subnet.
  const reader = new AwsReader({ ec2 } as never, 'eu-west-1');
  try {
    await readResourceVpcs(reader, 'subnet', [subnetId]);
    return { error: undefined, ledger: reader.ledger.toJSON() };
  } catch (error) {
    return { error: error as Error, ledger: reader.ledger.toJSON() };
  } finally {
    ec2.destroy();
  }
}
`;

// EC2's error response (EC2 API reference, "Error codes"): HTTP 403 for UnauthorizedOperation.
const UNAUTHORIZED_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/private-eks-guard-dev-drift/private-eks-guard-dev-drift is not authorized to perform: ec2:DescribeSubnets because no identity-based policy allows the ec2:DescribeSubnets action</Message></Error></Errors><RequestID>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestID></Response>`;

type ReadSubnetVpc = (
  endpoint: string,
  subnetId: string,
) => Promise<{ error: Error | undefined; ledger: Record<string, unknown> }>;

describe('a denied call in a bundle built with serverless.yml’s esbuild options', () => {
  let ec2: LoopbackServer;
  let readSubnetVpc: ReadSubnetVpc;
  let code: string;

  beforeAll(async () => {
    ec2 = await startLoopbackServer(() => ({
      status: 403,
      headers: { 'content-type': 'text/xml;charset=UTF-8' },
      body: UNAUTHORIZED_XML,
    }));
    const options = serverlessEsbuildOptions();
    const result = await build({
      ...options,
      stdin: { contents: ENTRY, resolveDir: REPO, sourcefile: 'entry.ts', loader: 'ts' },
      // serverless-esbuild writes to an outdir (a source map needs one); nothing is written here.
      outdir: join(REPO, '.esbuild', 'bundled-action-names'),
      write: false,
      logLevel: 'silent',
    });
    const js = result.outputFiles.find((f) => f.path.endsWith('.js'))!;
    code = js.text;
    readSubnetVpc = (
      compileModule(code, join(REPO, '.bundled-action-names.bundle.js')) as {
        readSubnetVpc: ReadSubnetVpc;
      }
    ).readSubnetVpc;
  });

  afterAll(async () => {
    await ec2?.close();
  });

  it('is minified like the deployed zips (so class names are gone)', () => {
    const options = serverlessEsbuildOptions();
    expect(options).toMatchObject({
      bundle: true,
      minify: true,
      platform: 'node',
      mainFields: ['module', 'main'],
      external: [],
    });
    expect(options.plugins?.length).toBeGreaterThan(0);
    // The SDK class is in the bundle, but not under its own name.
    expect(code).toContain('"DescribeSubnets"');
    expect(code).not.toMatch(/class DescribeSubnetsCommand\b/);
  });

  it('reads `missing IAM permission ec2:DescribeSubnets`, and the ledger names the same action', async () => {
    const { error, ledger } = await readSubnetVpc(ec2.url, 'subnet-0aa11bb22cc33dd44');

    expect(ec2.requests).toHaveLength(1);
    expect(new URLSearchParams(ec2.requests[0]!.body).get('Action')).toBe('DescribeSubnets');
    expect(error?.name).toBe('AwsReadError');
    expect(error?.message).toContain(
      'missing IAM permission ec2:DescribeSubnets in eu-west-1 (UnauthorizedOperation',
    );
    expect((error as Error & { action?: string }).action).toBe('ec2:DescribeSubnets');
    expect(Object.keys(ledger)).toEqual(['ec2:DescribeSubnets']);
  });
});
