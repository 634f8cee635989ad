import { ParameterError } from '../../engine/errors';
import { DEFAULT_PARAMS, PARAMETER_NAMES, parseParams, type Params } from '../../engine/params';

const ALL_NAMES = [
  'publicAccess',
  'allowedPublicCidrs',
  'allowedDnsServers',
  'requiredServices',
  'ephemeralPorts',
  'egressMode',
  'minFreeIps',
  'nodeSubnetIds',
  'nodeSecurityGroupIds',
];

function errorOf(raw: Record<string, string>): ParameterError {
  try {
    parseParams(raw);
  } catch (error) {
    if (error instanceof ParameterError) return error;
    throw error;
  }
  throw new Error(`parseParams(${JSON.stringify(raw)}) did not throw`);
}

describe('parseParams: defaults (SPEC §4)', () => {
  const expected: Params = {
    publicAccess: 'disabled',
    allowedPublicCidrs: undefined,
    allowedDnsServers: undefined,
    requiredServices: ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts'],
    ephemeralPorts: { from: 1024, to: 65535 },
    egressMode: 'none',
    minFreeIps: 6,
    nodeSubnetIds: [],
    nodeSecurityGroupIds: [],
  };

  it('applies every default when nothing is set', () => {
    expect(parseParams()).toEqual(expected);
    expect(parseParams({})).toEqual(expected);
    expect(DEFAULT_PARAMS).toEqual(expected);
  });

  it('knows exactly the parameters of the SPEC table', () => {
    expect([...PARAMETER_NAMES].sort()).toEqual([...ALL_NAMES].sort());
  });

  it.each(ALL_NAMES.filter((n) => n !== 'requiredServices'))('%s= (empty) means not set', (name) => {
    expect(parseParams({ [name]: '' })).toEqual(expected);
    expect(parseParams({ [name]: '   ' })).toEqual(expected);
  });

  it.each(['', '  '])('requiredServices=%j means no service, not the default', (value) => {
    expect(parseParams({ requiredServices: value }).requiredServices).toEqual([]);
  });
});

interface Valid {
  name: keyof Params;
  value: string;
  expected: unknown;
}

const valid: Valid[] = [
  { name: 'publicAccess', value: 'restricted', expected: 'restricted' },
  { name: 'publicAccess', value: 'Allowed', expected: 'allowed' },
  { name: 'publicAccess', value: ' DISABLED ', expected: 'disabled' },
  { name: 'egressMode', value: 'nat', expected: 'nat' },
  { name: 'egressMode', value: 'ANY', expected: 'any' },
  { name: 'egressMode', value: 'None', expected: 'none' },
  { name: 'minFreeIps', value: '0', expected: 0 },
  { name: 'minFreeIps', value: '16', expected: 16 },
  { name: 'minFreeIps', value: ' 250 ', expected: 250 },
  { name: 'ephemeralPorts', value: '32768-65535', expected: { from: 32768, to: 65535 } },
  { name: 'ephemeralPorts', value: '0-65535', expected: { from: 0, to: 65535 } },
  { name: 'ephemeralPorts', value: '1024 - 65535', expected: { from: 1024, to: 65535 } },
  { name: 'ephemeralPorts', value: '443', expected: { from: 443, to: 443 } },
  { name: 'ephemeralPorts', value: '65535', expected: { from: 65535, to: 65535 } },
  { name: 'requiredServices', value: 'ec2,sts', expected: ['ec2', 'sts'] },
  { name: 'requiredServices', value: ' ECR.DKR , logs,ecr.dkr ', expected: ['ecr.dkr', 'logs'] },
  {
    name: 'requiredServices',
    value: 'appmesh-envoy-management,elasticloadbalancing,ssmmessages',
    expected: ['appmesh-envoy-management', 'elasticloadbalancing', 'ssmmessages'],
  },
  { name: 'nodeSubnetIds', value: 'subnet-0123456789abcdef0', expected: ['subnet-0123456789abcdef0'] },
  {
    name: 'nodeSubnetIds',
    value: 'subnet-12345678, subnet-0123456789abcdef0,subnet-12345678',
    expected: ['subnet-12345678', 'subnet-0123456789abcdef0'],
  },
  {
    name: 'nodeSecurityGroupIds',
    value: 'sg-0a1b2c3d4e5f60718,sg-1234abcd',
    expected: ['sg-0a1b2c3d4e5f60718', 'sg-1234abcd'],
  },
  { name: 'allowedDnsServers', value: '10.0.0.2, fd00:EC2::253', expected: ['10.0.0.2', 'fd00:ec2::253'] },
];

describe('parseParams: valid values', () => {
  it.each(valid)('$name=$value', ({ name, value, expected }) => {
    expect(parseParams({ [name]: value })[name]).toEqual(expected);
  });

  it.each([
    { value: '203.0.113.0/24', texts: ['203.0.113.0/24'] },
    { value: '203.0.113.0/24, 198.51.100.7/32', texts: ['203.0.113.0/24', '198.51.100.7/32'] },
    { value: '2001:DB8::/32', texts: ['2001:db8::/32'] },
  ])('allowedPublicCidrs=$value', ({ value, texts }) => {
    expect(parseParams({ allowedPublicCidrs: value }).allowedPublicCidrs?.map((c) => c.text)).toEqual(texts);
  });

  it('leaves the other parameters at their defaults', () => {
    expect(parseParams({ egressMode: 'nat' })).toEqual({ ...DEFAULT_PARAMS, egressMode: 'nat' });
  });
});

interface Invalid {
  name: string;
  value: string;
  /** The bad item, quoted in the message. */
  quoted: string;
  /** A phrase of the allowed values. */
  allowed: RegExp;
}

const invalid: Invalid[] = [
  { name: 'publicAccess', value: 'public', quoted: 'public', allowed: /disabled \| restricted \| allowed/ },
  { name: 'egressMode', value: 'sometimes', quoted: 'sometimes', allowed: /none \| nat \| any/ },
  { name: 'egressMode', value: 'nat,any', quoted: 'nat,any', allowed: /none \| nat \| any/ },
  { name: 'minFreeIps', value: '-1', quoted: '-1', allowed: /integer >= 0/ },
  { name: 'minFreeIps', value: '1.5', quoted: '1.5', allowed: /integer >= 0/ },
  { name: 'minFreeIps', value: 'six', quoted: 'six', allowed: /integer >= 0/ },
  { name: 'ephemeralPorts', value: '70000', quoted: '70000', allowed: /0 <= FROM <= TO <= 65535/ },
  { name: 'ephemeralPorts', value: '10-5', quoted: '10-5', allowed: /0 <= FROM <= TO <= 65535/ },
  { name: 'ephemeralPorts', value: '1024-65536', quoted: '1024-65536', allowed: /0 <= FROM <= TO <= 65535/ },
  { name: 'ephemeralPorts', value: '-5', quoted: '-5', allowed: /FROM-TO or one port/ },
  { name: 'ephemeralPorts', value: '1024:65535', quoted: '1024:65535', allowed: /FROM-TO or one port/ },
  {
    name: 'allowedPublicCidrs',
    value: '10.0.0.0/33',
    quoted: '10.0.0.0/33',
    allowed: /CIDR blocks without host bits/,
  },
  {
    name: 'allowedPublicCidrs',
    value: '10.0.0.1/8',
    quoted: '10.0.0.1/8',
    allowed: /CIDR blocks without host bits/,
  },
  {
    name: 'allowedPublicCidrs',
    value: '203.0.113.0/24,203.0.113.9',
    quoted: '203.0.113.9',
    allowed: /CIDR blocks without host bits/,
  },
  {
    name: 'allowedDnsServers',
    value: '10.0.0.2,AmazonProvidedDNS',
    quoted: 'AmazonProvidedDNS',
    allowed: /IPv4\/IPv6 addresses/,
  },
  { name: 'allowedDnsServers', value: '10.0.0.0/16', quoted: '10.0.0.0/16', allowed: /IPv4\/IPv6 addresses/ },
  {
    name: 'requiredServices',
    value: 'ec2,com.amazonaws.eu-west-1.s3',
    quoted: 'com.amazonaws.eu-west-1.s3',
    allowed: /service suffixes/,
  },
  {
    name: 'requiredServices',
    value: 'cn.com.amazonaws.cn-north-1.ecr.api',
    quoted: 'cn.com.amazonaws.cn-north-1.ecr.api',
    allowed: /service suffixes/,
  },
  { name: 'requiredServices', value: 'ecr_dkr', quoted: 'ecr_dkr', allowed: /\[a-z0-9\.-\]\+/ },
  {
    name: 'nodeSubnetIds',
    value: 'subnet-0123456789abcdef0,sg-12345678',
    quoted: 'sg-12345678',
    allowed: /subnet-… ids/,
  },
  { name: 'nodeSubnetIds', value: 'subnet-xyz', quoted: 'subnet-xyz', allowed: /subnet-… ids/ },
  { name: 'nodeSecurityGroupIds', value: 'subnet-12345678', quoted: 'subnet-12345678', allowed: /sg-… ids/ },
];

describe('parseParams: invalid values are errors naming the parameter and the allowed values', () => {
  it.each(invalid)('$name=$value', ({ name, value, quoted, allowed }) => {
    const error = errorOf({ [name]: value });
    expect(error.message).toContain(`parameter ${name}:`);
    expect(error.message).toContain(`"${quoted}"`);
    expect(error.message).toMatch(allowed);
  });

  it('a full service name is explained as such', () => {
    expect(errorOf({ requiredServices: 'com.amazonaws.eu-west-1.ecr.dkr' }).message).toMatch(
      /full service name; give the suffix only/,
    );
  });
});

describe('parseParams: names', () => {
  it.each(['egressmode', 'EgressMode', 'minFreeIPs', 'requiredService', 'foo', 'constructor', 'toString'])(
    'unknown parameter %s is an error listing the known ones',
    (name) => {
      const error = errorOf({ [name]: 'none' });
      expect(error.message).toContain(`unknown parameter "${name}"`);
      for (const known of ALL_NAMES) expect(error.message).toContain(known);
    },
  );

  it('an unknown name is an error even with an empty value and valid neighbours', () => {
    expect(() => parseParams({ egressMode: 'nat', bogus: '' })).toThrow(ParameterError);
  });
});

describe('parseParams: edge values', () => {
  it.each(['allowedPublicCidrs', 'allowedDnsServers'])(
    '%s=, (a list of nothing) is not set, not "admit nothing"',
    (name) => {
      expect(parseParams({ [name]: ' , ,' })[name as 'allowedPublicCidrs']).toBeUndefined();
    },
  );

  it('takes a large minFreeIps as the number it is', () => {
    expect(parseParams({ minFreeIps: '1234567890' }).minFreeIps).toBe(1234567890);
    expect(() => parseParams({ minFreeIps: '99999999999999999999' })).toThrow(/minFreeIps.*integer >= 0/);
  });

  it('refuses IPv6 zone ids, which name an interface, not an address', () => {
    expect(() => parseParams({ allowedDnsServers: 'fd00:ec2::253%1' })).toThrow(/allowedDnsServers/);
    expect(() => parseParams({ allowedPublicCidrs: 'fe80::%eth0/64' })).toThrow(/allowedPublicCidrs/);
  });
});
