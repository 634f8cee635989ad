import { clusterArn } from '../../engine/cluster-context';
import { SnapshotError } from '../../engine/errors';
import { parseSnapshot, parseSnapshotText } from '../../snapshot/load';
import { SECTIONS } from '../../snapshot/schema';
import { SnapshotView } from '../../snapshot/view';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';

type Json = Record<string, unknown>;

/** A valid one-cluster snapshot as raw JSON, for a case to break. */
function valid(): Json {
  // A JSON round trip, so that breaking one object never breaks an alias of it elsewhere.
  return JSON.parse(JSON.stringify(privateClustersSnapshot(1).snapshot)) as Json;
}

/** The error the loader throws for `value`, or a failure if it accepts it. */
function rejection(load: () => unknown): SnapshotError {
  try {
    load();
  } catch (error) {
    if (error instanceof SnapshotError) return error;
    throw new Error(`expected a SnapshotError, got ${String(error)}`);
  }
  throw new Error('expected the snapshot to be rejected, but it was accepted');
}

const ec2 = (s: Json) => s.ec2 as RawSnapshot['ec2'];
const eks = (s: Json) => s.eks as RawSnapshot['eks'];
const cluster0 = (s: Json) => eks(s).clusters[0]!;
const vpcConfig = (s: Json) => cluster0(s).resourcesVpcConfig as Json;
const subnet0 = (s: Json) => ec2(s).Subnets[0]!;
const aclEntry0 = (s: Json) => (ec2(s).NetworkAcls[0]!.Entries as Json[])[0]!;

const badInputs: { name: string; build: () => unknown; message: string }[] = [
  { name: 'null root', build: () => null, message: '(root): expected a JSON object' },
  { name: 'array root', build: () => [valid()], message: '(root): expected a JSON object' },
  { name: 'string root', build: () => 'snapshot', message: '(root): expected a JSON object' },
  {
    name: 'schemaVersion 2',
    build: () => ({ ...valid(), schemaVersion: 2 }),
    message: 'schemaVersion: unsupported value 2 (this version reads schemaVersion 1)',
  },
  {
    name: 'schemaVersion "1" (a string)',
    build: () => ({ ...valid(), schemaVersion: '1' }),
    message: 'schemaVersion: unsupported value "1" (this version reads schemaVersion 1)',
  },
  {
    name: 'schemaVersion null',
    build: () => ({ ...valid(), schemaVersion: null }),
    message: 'schemaVersion: unsupported value null (this version reads schemaVersion 1)',
  },
  {
    name: 'schemaVersion missing',
    build: () => {
      const s = valid();
      delete s.schemaVersion;
      return s;
    },
    message: 'schemaVersion: expected 1 (missing)',
  },
  {
    // The version is checked before anything else, so garbage elsewhere does not mask it.
    name: 'schemaVersion 2 with everything else garbage',
    build: () => ({ schemaVersion: 2, accountId: 7, region: null, eks: 'none', ec2: [1] }),
    message: 'schemaVersion: unsupported value 2 (this version reads schemaVersion 1)',
  },
  {
    name: 'schemaVersion missing with everything else garbage',
    build: () => ({ accountId: 7, eks: null }),
    message: 'schemaVersion: expected 1 (missing)',
  },
  {
    name: 'accountId too short',
    build: () => ({ ...valid(), accountId: '12345' }),
    message: 'accountId: expected a 12-digit AWS account id',
  },
  {
    name: 'accountId a number',
    build: () => ({ ...valid(), accountId: 111122223333 }),
    message: 'accountId: expected string',
  },
  {
    name: 'accountId missing',
    build: () => {
      const s = valid();
      delete s.accountId;
      return s;
    },
    message: 'accountId: expected string (missing)',
  },
  {
    name: 'region not a Region name',
    build: () => ({ ...valid(), region: 'Ireland' }),
    message: 'region: expected an AWS Region name',
  },
  {
    name: 'partition unknown',
    build: () => ({ ...valid(), partition: 'aws-moon' }),
    message:
      'partition: expected one of "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f"',
  },
  {
    name: 'eks missing',
    build: () => {
      const s = valid();
      delete s.eks;
      return s;
    },
    message: 'eks: expected object (missing)',
  },
  {
    name: 'eks null',
    build: () => ({ ...valid(), eks: null }),
    message: 'eks: expected object',
  },
  {
    name: 'eks.clusters missing',
    build: () => ({ ...valid(), eks: { nodegroups: {} } }),
    message: 'eks.clusters: expected array (missing)',
  },
  {
    name: 'cluster without name',
    build: () => {
      const s = valid();
      delete cluster0(s).name;
      return s;
    },
    message: 'eks.clusters[0].name: expected string (missing)',
  },
  {
    name: 'cluster without resourcesVpcConfig',
    build: () => {
      const s = valid();
      delete cluster0(s).resourcesVpcConfig;
      return s;
    },
    message: 'eks.clusters[0].resourcesVpcConfig: expected object (missing)',
  },
  {
    name: 'cluster without vpcId',
    build: () => {
      const s = valid();
      delete vpcConfig(s).vpcId;
      return s;
    },
    message: 'eks.clusters[0].resourcesVpcConfig.vpcId: expected string (missing)',
  },
  {
    name: 'endpointPrivateAccess null',
    build: () => {
      const s = valid();
      vpcConfig(s).endpointPrivateAccess = null;
      return s;
    },
    message: 'eks.clusters[0].resourcesVpcConfig.endpointPrivateAccess: expected boolean',
  },
  {
    name: 'publicAccessCidrs entry not a CIDR',
    build: () => {
      const s = valid();
      vpcConfig(s).publicAccessCidrs = ['0.0.0.0/0', 'anywhere'];
      return s;
    },
    message: 'eks.clusters[0].resourcesVpcConfig.publicAccessCidrs[1]: expected a CIDR block',
  },
  {
    name: 'node group subnets a string',
    build: () => {
      const s = valid();
      eks(s).nodegroups['prod-0']![0]!.subnets = 'subnet-0abc';
      return s;
    },
    message: 'eks.nodegroups["prod-0"][0].subnets: expected array',
  },
  {
    name: 'ec2 null',
    build: () => ({ ...valid(), ec2: null }),
    message: 'ec2: expected object',
  },
  {
    name: 'ec2 section null',
    build: () => {
      const s = valid();
      (ec2(s) as Json).VpcEndpoints = null;
      return s;
    },
    message: 'ec2.VpcEndpoints: expected array',
  },
  {
    name: 'subnet CidrBlock a number',
    build: () => {
      const s = valid();
      subnet0(s).CidrBlock = 5;
      return s;
    },
    message: 'ec2.Subnets[0].CidrBlock: expected string',
  },
  {
    name: 'subnet CidrBlock /33',
    build: () => {
      const s = valid();
      subnet0(s).CidrBlock = '10.0.0.0/33';
      return s;
    },
    message: 'ec2.Subnets[0].CidrBlock: expected a CIDR block',
  },
  {
    name: 'subnet without SubnetId',
    build: () => {
      const s = valid();
      delete subnet0(s).SubnetId;
      return s;
    },
    message: 'ec2.Subnets[0].SubnetId: expected string (missing)',
  },
  {
    name: 'subnet MapPublicIpOnLaunch null (null is a wrong type, not absent)',
    build: () => {
      const s = valid();
      subnet0(s).MapPublicIpOnLaunch = null;
      return s;
    },
    message: 'ec2.Subnets[0].MapPublicIpOnLaunch: expected boolean',
  },
  {
    name: 'subnet Tags null (an absent list is empty, a null one is wrong)',
    build: () => {
      const s = valid();
      subnet0(s).Tags = null;
      return s;
    },
    message: 'ec2.Subnets[0].Tags: expected array',
  },
  {
    name: 'AvailableIpAddressCount a fraction',
    build: () => {
      const s = valid();
      subnet0(s).AvailableIpAddressCount = 6.5;
      return s;
    },
    message: 'ec2.Subnets[0].AvailableIpAddressCount: expected int',
  },
  {
    name: 'NACL RuleNumber "100" (a number as a string)',
    build: () => {
      const s = valid();
      aclEntry0(s).RuleNumber = '100';
      return s;
    },
    message: 'ec2.NetworkAcls[0].Entries[0].RuleNumber: expected number',
  },
  {
    name: 'NACL entry without RuleAction',
    build: () => {
      const s = valid();
      delete aclEntry0(s).RuleAction;
      return s;
    },
    message: 'ec2.NetworkAcls[0].Entries[0].RuleAction: expected string (missing)',
  },
  {
    name: 'NACL entry Egress "false"',
    build: () => {
      const s = valid();
      aclEntry0(s).Egress = 'false';
      return s;
    },
    message: 'ec2.NetworkAcls[0].Entries[0].Egress: expected boolean',
  },
  {
    name: 'Vpc without DhcpOptionsId',
    build: () => {
      const s = valid();
      delete ec2(s).Vpcs[0]!.DhcpOptionsId;
      return s;
    },
    message: 'ec2.Vpcs[0].DhcpOptionsId: expected string (missing)',
  },
  {
    name: 'VpcAttributes value null',
    build: () => {
      const s = valid();
      const [vpcId] = Object.keys(ec2(s).VpcAttributes);
      ec2(s).VpcAttributes[vpcId!] = { EnableDnsSupport: { Value: null } };
      return s;
    },
    message: `ec2.VpcAttributes["${privateClustersSnapshot(1).ids[0]!.vpcId}"].EnableDnsSupport.Value: expected boolean`,
  },
  {
    name: 'security-group rule FromPort "443"',
    build: () => {
      const s = valid();
      const group = ec2(s).SecurityGroups[1]!;
      (group.IpPermissions as Json[])[0]!.FromPort = '443';
      return s;
    },
    message: 'ec2.SecurityGroups[1].IpPermissions[0].FromPort: expected number',
  },
  {
    name: 'endpoint SubnetIds entry null',
    build: () => {
      const s = valid();
      (ec2(s).VpcEndpoints[1]!.SubnetIds as unknown[])[0] = null;
      return s;
    },
    message: 'ec2.VpcEndpoints[1].SubnetIds[0]: expected string',
  },
  {
    name: 'prefix list without PrefixListId',
    build: () => {
      const s = valid();
      delete ec2(s).PrefixLists[0]!.PrefixListId;
      return s;
    },
    message: 'ec2.PrefixLists[0].PrefixListId: expected string (missing)',
  },
];

describe('snapshot loader: rejected inputs', () => {
  it.each(badInputs)('$name → "$message"', ({ build, message }) => {
    const error = rejection(() => parseSnapshot(build()));
    expect(error.message).toBe(message);
  });

  it.each(badInputs)('$name: the same one-line message through parseSnapshotText', ({ build, message }) => {
    const error = rejection(() => parseSnapshotText(JSON.stringify(build(), null, 2), 'prod.json'));
    expect(error.message).toBe(`prod.json: ${message}`);
  });

  it('names the first problem in its one-line message and counts the others', () => {
    const s = valid();
    subnet0(s).CidrBlock = 5;
    delete subnet0(s).SubnetId;
    const error = rejection(() => parseSnapshot(s));
    expect(error.message).toMatch(/^ec2\.Subnets\[0\]\.\w+: expected string.* \(and 1 more problems?\)$/);
    // Issue 11: and lists them all, one line each (the CLI prints these).
    expect(error.problemLines()).toEqual([
      '2 problems in the snapshot:',
      expect.stringMatching(
        /^ {2}ec2\.Subnets\[0\]\.(CidrBlock: expected string|SubnetId: expected string \(missing\))$/,
      ),
      expect.stringMatching(
        /^ {2}ec2\.Subnets\[0\]\.(CidrBlock: expected string|SubnetId: expected string \(missing\))$/,
      ),
    ]);
  });

  it.each([
    { name: 'truncated JSON', text: '{"schemaVersion": 1,' },
    { name: 'empty file', text: '' },
    { name: 'YAML instead of JSON', text: 'schemaVersion: 1\naccountId: "111122223333"\n' },
    {
      name: 'pretty-printed JSON with a trailing comma',
      text: '{\n  "schemaVersion": 1,\n  "eks": {},\n}\n',
    },
    // V8 quotes short input whole in its message, line breaks included.
    { name: 'a short text over several lines', text: '{\n  "schemaVersion": tru\n}' },
  ])('not JSON ($name) → one line naming the file', ({ text }) => {
    const error = rejection(() => parseSnapshotText(text, 'prod.json'));
    expect(error.message).toMatch(/^prod\.json is not valid JSON/);
    expect(error.message).not.toMatch(/[\r\n]/);
  });
});

describe('snapshot loader: accepted inputs', () => {
  it('ec2 absent: every section is absent', () => {
    const s = valid();
    delete s.ec2;
    const view = new SnapshotView(parseSnapshot(s));
    for (const section of SECTIONS) expect(view.has(section)).toBe(false);
    expect(view.clusters.map((c) => c.name)).toEqual(['prod-0']);
  });

  it('every ec2 key absent: every section is absent', () => {
    const view = new SnapshotView(parseSnapshot({ ...valid(), ec2: {} }));
    for (const section of SECTIONS) expect(view.has(section)).toBe(false);
  });

  it.each(SECTIONS.map((section) => ({ section })))(
    'ec2.$section absent: only that section is absent',
    ({ section }) => {
      const s = valid();
      delete (ec2(s) as Json)[section];
      const view = new SnapshotView(parseSnapshot(s));
      for (const other of SECTIONS) expect(view.has(other)).toBe(other !== section);
    },
  );

  it('an empty section is present', () => {
    const view = new SnapshotView(parseSnapshot({ ...valid(), ec2: { NetworkAcls: [] } }));
    expect(view.has('NetworkAcls')).toBe(true);
    expect(view.has('Subnets')).toBe(false);
  });

  it('passes over unknown fields at every level', () => {
    const s = valid();
    s.capturedBy = { tool: 'jq', version: '1.7' };
    (ec2(s) as Json).InternetGateways = [{ InternetGatewayId: 'igw-0abc' }];
    cluster0(s).accessConfig = { authenticationMode: 'API' };
    vpcConfig(s).someFutureFlag = [1, 2, 3];
    subnet0(s).EnableDns64 = false;
    subnet0(s).PrivateDnsNameOptionsOnLaunch = { HostnameType: 'ip-name' };
    aclEntry0(s).IcmpTypeCode = { Code: -1, Type: -1 };
    const parsed = parseSnapshot(s);
    expect(parsed.ec2?.Subnets?.[0]?.SubnetId).toBe(subnet0(s).SubnetId);
    expect(parsed.ec2?.NetworkAcls?.[0]?.Entries[0]?.RuleNumber).toBe(100);
  });

  it('absent list members are empty; absent scalars stay unknown (never a default)', () => {
    const s = valid();
    delete subnet0(s).Tags;
    delete subnet0(s).MapPublicIpOnLaunch;
    delete subnet0(s).AvailableIpAddressCount;
    delete vpcConfig(s).endpointPrivateAccess;
    delete vpcConfig(s).publicAccessCidrs;
    delete cluster0(s).status;
    const parsed = parseSnapshot(s);
    const subnet = parsed.ec2!.Subnets![0]!;
    expect(subnet.Tags).toEqual([]);
    expect(subnet.MapPublicIpOnLaunch).toBeUndefined();
    expect(subnet.AvailableIpAddressCount).toBeUndefined();
    const cluster = parsed.eks.clusters[0]!;
    expect(cluster.resourcesVpcConfig.endpointPrivateAccess).toBeUndefined();
    // EKS always returns publicAccessCidrs: absent is unknown, not "no CIDRs".
    expect(cluster.resourcesVpcConfig.publicAccessCidrs).toBeUndefined();
    expect(cluster.status).toBeUndefined();
  });

  it('compares enum values case-insensitively', () => {
    const lower = valid();
    const mixed = valid();
    ec2(mixed).VpcEndpoints[1]!.State = 'Available';
    ec2(mixed).VpcEndpoints[1]!.VpcEndpointType = 'INTERFACE';
    aclEntry0(mixed).RuleAction = 'Allow';
    cluster0(mixed).status = 'Active';
    ec2(lower).VpcEndpoints[1]!.State = 'available';
    ec2(lower).VpcEndpoints[1]!.VpcEndpointType = 'interface';
    cluster0(lower).status = 'active';
    const [a, b] = [parseSnapshot(lower), parseSnapshot(mixed)];
    expect(b.ec2?.VpcEndpoints?.[1]?.State).toBe('available');
    expect(b.ec2?.VpcEndpoints?.[1]?.VpcEndpointType).toBe('interface');
    expect(b.ec2?.NetworkAcls?.[0]?.Entries[0]?.RuleAction).toBe('allow');
    expect(b.eks.clusters[0]?.status).toBe('active');
    expect(b).toEqual(a);
  });

  it.each([
    { region: 'cn-north-1', partition: 'aws-cn' },
    { region: 'cn-northwest-1', partition: 'aws-cn' },
    { region: 'us-gov-west-1', partition: 'aws-us-gov' },
    { region: 'eu-west-1', partition: 'aws' },
    { region: 'us-east-1', partition: 'aws' },
  ])('derives partition $partition from Region $region', ({ region, partition }) => {
    const s = privateClustersSnapshot(1, { region }).snapshot as unknown as Json;
    delete s.partition;
    delete cluster0(s).arn;
    const view = new SnapshotView(parseSnapshot(s));
    expect(view.partition).toBe(partition);
    expect(clusterArn(view, view.clusters[0]!)).toBe(
      `arn:${partition}:eks:${region}:111122223333:cluster/prod-0`,
    );
  });

  it('keeps an explicit partition', () => {
    const view = new SnapshotView(parseSnapshot({ ...valid(), region: 'us-east-1', partition: 'aws-iso' }));
    expect(view.partition).toBe('aws-iso');
  });

  it('parses what parseSnapshotText reads: every field zod keeps, and the undeclared ones it strips', () => {
    const s = valid();
    const adopted = parseSnapshotText(JSON.stringify(s));
    expect(adopted).toMatchObject(parseSnapshot(s));
    // parseSnapshotText checks in place instead of copying (issue 10), so the keys no rule reads stay.
    const rawVpc = (s.ec2 as { Vpcs: Json[] }).Vpcs[0]!;
    expect(rawVpc.OwnerId).toBeDefined();
    expect(adopted.ec2!.Vpcs![0]).toEqual(rawVpc);
    expect(parseSnapshot(s).ec2!.Vpcs![0]).not.toHaveProperty('OwnerId');
  });
});

describe('snapshot loader: several problems are listed, up to 20, then counted (issue 11)', () => {
  /** A valid snapshot plus `count` subnets whose CidrBlock is a number (one problem each), from index `first`. */
  function withProblems(count: number): { s: Json; first: number } {
    const s = valid();
    const first = ec2(s).Subnets.length;
    for (let i = 0; i < count; i++) ec2(s).Subnets.push({ ...subnet0(s), CidrBlock: i });
    return { s, first };
  }

  it.each([1, 2, 20, 21, 50])('%i problems', (count) => {
    const { s, first } = withProblems(count);
    const problem = (i: number) => `ec2.Subnets[${first + i}].CidrBlock: expected string`;
    const error = rejection(() => parseSnapshotText(JSON.stringify(s), 'prod.json'));
    // The message stays one line, the first problem (the fuzz suites and other drivers rely on it).
    expect(error.message).toBe(
      `prod.json: ${problem(0)}${count > 1 ? ` (and ${count - 1} more problems)` : ''}`,
    );
    expect(error.problems.count).toBe(count);
    const listed = Math.min(count, 20);
    const expected =
      count === 1
        ? [`prod.json: ${problem(0)}`]
        : [
            `prod.json: ${count} problems in the snapshot:`,
            ...Array.from({ length: listed }, (_, i) => `  ${problem(i)}`),
            ...(count > 20 ? [`  … and ${count - 20} more`] : []),
          ];
    expect(error.problemLines()).toEqual(expected);
    for (const line of error.problemLines()) expect(line).not.toMatch(/[\r\n]/);
  });

  it('parseSnapshot (no source) lists them without a source', () => {
    const { s } = withProblems(3);
    expect(rejection(() => parseSnapshot(s)).problemLines()[0]).toBe('3 problems in the snapshot:');
  });
});
