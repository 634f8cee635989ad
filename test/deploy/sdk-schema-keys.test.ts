/**
 * deploy/sdk-schema-keys.js, the esbuild plugin every function is bundled with: the rewrite
 * itself, that it changes no SDK schema, that it is what lets esbuild drop unused ones, and that a
 * bundled EC2 client still speaks the EC2 Query protocol exactly like the unbundled one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EC2Client, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { build, type Plugin } from 'esbuild';
import { startLoopbackServer, type LoopbackServer } from '../../testkit/loopback-server';

interface SchemaKeysModule {
  sdkSchemaKeys: Plugin;
  inlineSchemaKeys(source: string): string;
  SCHEMA_MODULE: RegExp;
}
// deploy/ is CommonJS that serverless-esbuild loads directly, so the tests load it the same way.
/* eslint-disable @typescript-eslint/no-require-imports */
const { sdkSchemaKeys, inlineSchemaKeys, SCHEMA_MODULE } =
  require('../../deploy/sdk-schema-keys') as SchemaKeysModule;
const pluginsFile = require('../../deploy/esbuild-plugins') as Plugin[];
const { compileModule } = require('../../deploy/sources') as {
  compileModule(code: string, file: string): unknown;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const REPO = join(__dirname, '..', '..');
const packageJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};
const SDK_CLIENTS = Object.keys(packageJson.dependencies).filter((d) => d.startsWith('@aws-sdk/client-'));

/**
 * serverless.yml's bundling options (bundle, minify, module-first resolution, SDK included), in memory; target
 * node20 so this machine's Node can load the result.
 */
async function bundle(contents: string, plugins: Plugin[], minify = true): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: REPO, sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify,
    mainFields: ['module', 'main'],
    plugins,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function load<T>(code: string, name: string): T {
  return compileModule(code, join(REPO, `.${name}.bundle.js`)) as T;
}

function schemaModules(client: string): string[] {
  const dir = join(dirname(require.resolve(`${client}/package.json`)), 'dist-es', 'schemas');
  return readdirSync(dir)
    .filter((f) => /^schemas_\d+\.js$/.test(f))
    .map((f) => join(dir, f));
}

/**
 * Where two schema graphs first differ, or null. Schemas are arrays of numbers, strings, trait
 * objects and thunks (`() => Other$`, followed); error classes compare by name. Cycles are fine.
 */
function firstDifference(
  a: unknown,
  b: unknown,
  path = '$',
  seen = new Map<object, Set<unknown>>(),
): string | null {
  if (typeof a === 'function' && typeof b === 'function') {
    const isClass = (f: unknown) => /^class\b/.test(Function.prototype.toString.call(f));
    if (isClass(a) || isClass(b))
      return isClass(a) && isClass(b) && a.name === b.name ? null : `${path}: class`;
    return firstDifference((a as () => unknown)(), (b as () => unknown)(), `${path}()`, seen);
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) ? null : `${path}: ${String(a)} vs ${String(b)}`;
  }
  const pairs = seen.get(a) ?? new Set();
  if (pairs.has(b)) return null;
  pairs.add(b);
  seen.set(a, pairs);
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.join('\0') !== keysB.join('\0')) return `${path}: keys [${keysA}] vs [${keysB}]`;
  for (const key of keysA) {
    const d = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${path}.${key}`,
      seen,
    );
    if (d) return d;
  }
  return null;
}

describe('inlineSchemaKeys', () => {
  const constants = 'const _xN = "xmlName";\nconst _q = "a\\"b";\n';

  it.each([
    ['a key opening an object', '{ [_xN]: _m }', '{ "xmlName": _m }'],
    ['a key after a comma', '{ a: 1, [_xN]: 2 }', '{ a: 1, "xmlName": 2 }'],
    ['a key spread over lines', '[[0, {\n    [_xN]: _m }]]', '[[0, {\n    "xmlName": _m }]]'],
    ['a constant with an escaped quote', '{ [_q]: 1 }', '{ "a\\"b": 1 }'],
  ])('rewrites %s', (_, source, expected) => {
    expect(inlineSchemaKeys(constants + source)).toBe(constants + expected);
  });

  it.each([
    ['a name that is no string constant of the module', '{ [_other]: 1 }'],
    ['a member access in a conditional', 'x = c ? o[_xN] : d;'],
    ['a member access inside an array', '[o[_xN]]'],
    ['a computed key that is an expression', '{ [_xN + "s"]: 1 }'],
  ])('leaves %s alone', (_, source) => {
    expect(inlineSchemaKeys(constants + source)).toBe(constants + source);
  });

  it('is the plugin serverless.yml loads, and applies to every client schema module', () => {
    expect(pluginsFile).toContain(sdkSchemaKeys);
    const serverlessYml = readFileSync(join(REPO, 'serverless.yml'), 'utf8');
    expect(serverlessYml).toMatch(/^\s+plugins: deploy\/esbuild-plugins\.js$/m);
    expect(SDK_CLIENTS.length).toBeGreaterThanOrEqual(5);
    for (const client of SDK_CLIENTS) {
      const modules = schemaModules(client);
      expect(modules.length).toBeGreaterThan(0);
      for (const file of modules) expect(file).toMatch(SCHEMA_MODULE);
    }
  });
});

describe.each(SDK_CLIENTS)('%s schemas', (client) => {
  it('are structurally identical with and without the rewrite, and the rewrite changed them', async () => {
    for (const file of schemaModules(client)) {
      const source = readFileSync(file, 'utf8');
      const rewritten = inlineSchemaKeys(source);
      // Not vacuous: the module has computed keys, and none naming one of its constants is left.
      expect(rewritten).not.toBe(source);
      const leftover = [...rewritten.matchAll(/[{,]\s*\[(_\w+)\]:/g)]
        .map((m) => m[1]!)
        .filter((name) => new RegExp(`^const ${name} = "`, 'm').test(source));
      expect(leftover).toEqual([]);
      const entry = `export * from ${JSON.stringify(file)};`;
      type Exports = Record<string, unknown>;
      const plain = load<Exports>(await bundle(entry, [], false), 'plain');
      const inlined = load<Exports>(await bundle(entry, [sdkSchemaKeys], false), 'inlined');
      const names = Object.keys(plain).filter((n) => n.endsWith('$'));
      expect(names.length).toBeGreaterThan(0);
      expect(Object.keys(inlined).sort()).toEqual(Object.keys(plain).sort());
      const differences = names.map((n) => firstDifference(plain[n], inlined[n], n)).filter(Boolean);
      expect(differences).toEqual([]);
    }
  });
});

describe('what the rewrite buys', () => {
  const entry =
    "export { EC2Client, DescribeSecurityGroupsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';";

  it('lets esbuild drop the EC2 schemas a bundle does not use', async () => {
    const without = await bundle(entry, []);
    const withPlugin = await bundle(entry, [sdkSchemaKeys]);
    // RunInstances is an EC2 operation no function calls.
    expect(without).toContain('"RunInstancesRequest"');
    expect(withPlugin).not.toContain('"RunInstancesRequest"');
    expect(withPlugin).toContain('"DescribeSecurityGroupsRequest"');
    expect(withPlugin.length).toBeLessThan(without.length / 2);
  });
});

// ---------------------------------------------------------------------------------------------
// The bundled client against a local EC2 Query endpoint

// The response shape of the EC2 API reference's DescribeSecurityGroups example.
const DESCRIBE_SECURITY_GROUPS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>
  <securityGroupInfo>
    <item>
      <ownerId>123456789012</ownerId>
      <groupId>sg-0a1b2c3d4e5f60718</groupId>
      <groupName>eks-cluster-sg</groupName>
      <groupDescription>EKS created security group</groupDescription>
      <vpcId>vpc-0123456789abcdef0</vpcId>
      <ipPermissions>
        <item>
          <ipProtocol>tcp</ipProtocol>
          <fromPort>443</fromPort>
          <toPort>443</toPort>
          <groups>
            <item>
              <userId>123456789012</userId>
              <groupId>sg-0fedcba9876543210</groupId>
            </item>
          </groups>
          <ipRanges>
            <item>
              <cidrIp>10.0.0.0/16</cidrIp>
              <description>VPC</description>
            </item>
          </ipRanges>
          <ipv6Ranges/>
          <prefixListIds/>
        </item>
      </ipPermissions>
      <ipPermissionsEgress>
        <item>
          <ipProtocol>-1</ipProtocol>
          <groups/>
          <ipRanges>
            <item>
              <cidrIp>0.0.0.0/0</cidrIp>
            </item>
          </ipRanges>
          <ipv6Ranges/>
          <prefixListIds/>
        </item>
      </ipPermissionsEgress>
      <tagSet>
        <item>
          <key>aws:eks:cluster-name</key>
          <value>payments</value>
        </item>
      </tagSet>
      <securityGroupArn>arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0a1b2c3d4e5f60718</securityGroupArn>
    </item>
  </securityGroupInfo>
</DescribeSecurityGroupsResponse>`;

describe('a bundled EC2 client', () => {
  let ec2: LoopbackServer;

  beforeAll(async () => {
    ec2 = await startLoopbackServer(() => ({
      status: 200,
      headers: { 'content-type': 'text/xml;charset=UTF-8' },
      body: DESCRIBE_SECURITY_GROUPS_XML,
    }));
  });

  afterAll(async () => {
    await ec2?.close();
  });

  it('sends the same request and parses the response exactly like the unbundled SDK', async () => {
    const input = {
      Filters: [{ Name: 'vpc-id', Values: ['vpc-0123456789abcdef0'] }],
      MaxResults: 1000,
    };
    const config = (url: string) => ({
      region: 'eu-west-1',
      endpoint: url,
      credentials: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
      maxAttempts: 1,
    });

    type Call = (url: string, input: unknown) => Promise<unknown>;
    const bundled = load<{ call: Call }>(
      await bundle(
        `import { EC2Client, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
         export async function call(url: string, input: any) {
           // Compiled outside jest's sandbox, so test/setup-env.ts's process.env is not this one.
           process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
           const client = new EC2Client(${JSON.stringify(config('URL')).replace('"URL"', 'url')});
           try { return await client.send(new DescribeSecurityGroupsCommand(input)); } finally { client.destroy(); }
         }`,
        [sdkSchemaKeys],
      ),
      'ec2-client',
    );
    const fromBundle = await bundled.call(ec2.url, input);
    const client = new EC2Client(config(ec2.url));
    const fromSdk = await client.send(new DescribeSecurityGroupsCommand(input));
    client.destroy();

    const bodies = ec2.requests.map((r) => r.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toBe(bodies[1]);
    expect(new URLSearchParams(bodies[0]).get('Filter.1.Name')).toBe('vpc-id');
    expect(new URLSearchParams(bodies[0]).get('Filter.1.Value.1')).toBe('vpc-0123456789abcdef0');
    expect(fromBundle).toEqual(fromSdk);
    // The traits the rewrite touched (ec2QueryName/xmlName) are what map these names.
    expect(fromSdk.SecurityGroups?.[0]?.IpPermissions?.[0]?.IpRanges).toEqual([
      { CidrIp: '10.0.0.0/16', Description: 'VPC' },
    ]);
    expect(fromSdk.SecurityGroups?.[0]?.Tags).toEqual([{ Key: 'aws:eks:cluster-name', Value: 'payments' }]);
  });
});
