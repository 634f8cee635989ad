import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as EC2 from '@aws-sdk/client-ec2';
import * as EKS from '@aws-sdk/client-eks';
import fc from 'fast-check';
import { awsCli, shellWord, type CliParam } from '../../fixes/aws-cli';
import { privateClustersSnapshot } from '../../testkit/private-cluster';
import { simulate } from './apply-aws-cli';
import {
  checkAgainstModel,
  checkLines,
  cliName,
  commandOf,
  expandWords,
  interpretCommand,
  literal,
  operationModel,
  parseCommandLine,
  parseShorthand,
  placeholder,
  shapeOf,
  type OperationModel,
  type ProblemKind,
} from './aws-cli-model';

const R = 'eu-west-1';

/** Any text, leaning on the characters a shell treats specially. */
const shellText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      "'",
      '"',
      '$',
      '\\',
      '\n',
      ' ',
      '\t',
      '`',
      '(',
      ')',
      '|',
      ';',
      '&',
      '*',
      '[',
      '#',
      '~',
      '=',
      '!',
      '{',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
});

/** The request a line stands for (expansions left as $NAME / $(…)). */
function requestOf(line: string): Record<string, unknown> {
  const { command, problems } = interpretCommand(expandWords(parseCommandLine(line).words, placeholder));
  expect(problems).toEqual([]);
  return command!.input;
}

function kinds(line: string): ProblemKind[] {
  return checkAgainstModel(line).map((p) => p.kind);
}

function model(service: string, operation: string): OperationModel {
  const found = operationModel(service, operation);
  if (typeof found === 'string') throw new Error(found);
  return found;
}

describe('parseCommandLine', () => {
  const texts = (line: string) => parseCommandLine(line).words.map((w) => literal(w));

  it('reads plain words, single quotes and the quote escape shellWord writes', () => {
    expect(texts(`aws ec2 x --a 'b c' --d 'it'\\''s' ''`)).toEqual([
      'aws',
      'ec2',
      'x',
      '--a',
      'b c',
      '--d',
      "it's",
      '',
    ]);
  });

  it('reads double quotes with "$VAR", "${VAR}" and escapes', () => {
    const line = parseCommandLine(
      `aws ec2 x --group-id "$SG_ID_0A1B" --b "pre-\${X}-post" --c "a \\"q\\" \\$ \\\\"`,
    );
    expect(line.words[4]!.parts).toEqual([{ kind: 'var', name: 'SG_ID_0A1B' }]);
    expect(line.words[6]!.parts).toEqual([
      { kind: 'text', text: 'pre-' },
      { kind: 'var', name: 'X' },
      { kind: 'text', text: '-post' },
    ]);
    expect(literal(line.words[8]!)).toBe('a "q" $ \\');
  });

  it('reads a nested look-up "$(aws …)" whose own quotes hold parentheses and a pipe', () => {
    const line = parseCommandLine(
      `aws ec2 create-vpc-endpoint --service-name "$(aws ec2 describe-vpc-endpoint-services --region ${R} --query "ServiceNames[?ends_with(@, '.${R}.ecr.dkr')] | [0]" --output text)" --region ${R}`,
    );
    const part = line.words[4]!.parts[0]!;
    expect(part.kind).toBe('command');
    if (part.kind !== 'command') return;
    expect(part.command.words.map((w) => literal(w))).toEqual([
      'aws',
      'ec2',
      'describe-vpc-endpoint-services',
      '--region',
      R,
      '--query',
      `ServiceNames[?ends_with(@, '.${R}.ecr.dkr')] | [0]`,
      '--output',
      'text',
    ]);
    expect(literal(line.words[6]!)).toBe(R);
  });

  it('reads a capture, bare or quoted', () => {
    for (const line of [
      `SG_ID_0A1B=$(aws ec2 create-security-group --group-name n --query GroupId --output text)`,
      `SG_ID_0A1B="$(aws ec2 create-security-group --group-name n --query GroupId --output text)"`,
    ]) {
      const parsed = parseCommandLine(line);
      expect(parsed.capture).toBe('SG_ID_0A1B');
      expect(parsed.words.map((w) => literal(w))).toEqual([
        'aws',
        'ec2',
        'create-security-group',
        '--group-name',
        'n',
        '--query',
        'GroupId',
        '--output',
        'text',
      ]);
    }
  });

  it.each([
    ['a pipe', `aws ec2 x | cat`, /pipe/],
    ['a command separator', `aws ec2 x; rm -rf /`, /separator/],
    ['&&', `aws ec2 x && aws ec2 y`, /control operator/],
    ['a backtick', 'aws ec2 x --a `id`', /backtick/],
    ['a backtick in double quotes', 'aws ec2 x --a "`id`"', /backtick/],
    ['an unquoted $VAR', `aws ec2 x --a $SG`, /unquoted \$/],
    ['an unquoted $(…)', `aws ec2 x --a $(aws ec2 y)`, /unquoted \$/],
    ['a redirection', `aws ec2 x > out`, /redirection/],
    ['a glob', `aws ec2 x --query Items[0]`, /glob/],
    ['a line break', `aws ec2 x\naws ec2 y`, /line break/],
    ['an unterminated quote', `aws ec2 x --a 'b`, /unterminated single quote/],
    ['an unterminated $(', `aws ec2 x --a "$(aws ec2 y"`, /unterminated/],
    ['a plain assignment', `X=1 aws ec2 x`, /capture/],
    ['words after a capture', `X=$(aws ec2 y) aws ec2 x`, /whole line/],
    ['$1', `aws ec2 x --a "$1"`, /neither/],
    ['${X:-y}', `aws ec2 x --a "\${X:-y}"`, /plain/],
  ])('refuses %s', (_, line, message) => {
    expect(() => parseCommandLine(line)).toThrow(message);
    expect(checkAgainstModel(line)).toEqual([expect.objectContaining({ kind: 'syntax' })]);
  });

  it('reads back any string shellWord quotes', () => {
    fc.assert(
      fc.property(shellText, (text) => {
        const words = parseCommandLine(`echo ${shellWord(text)}`).words;
        expect(words.map((w) => literal(w))).toEqual(['echo', text]);
      }),
      { numRuns: 500 },
    );
  });

  it("reads back any awsCli line: the service, operation, Region and every parameter's words", () => {
    const kebab = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,6}){0,3}$/);
    const value: fc.Arbitrary<CliParam[1]> = fc.oneof(
      shellText,
      fc.integer({ min: -70000, max: 70000 }),
      fc.boolean(),
      fc.array(shellText, { maxLength: 4 }),
      fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
      fc.array(fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }), { minLength: 1, maxLength: 2 }),
    );
    fc.assert(
      fc.property(
        kebab,
        kebab,
        shellText,
        fc.array(fc.tuple(kebab, value), { maxLength: 6 }),
        (service, operation, region, params) => {
          const expected = ['aws', service, operation, '--region', region];
          for (const [name, v] of params) {
            if (typeof v === 'boolean') expected.push(v ? `--${name}` : `--no-${name}`);
            else if (typeof v === 'string') expected.push(`--${name}`, v);
            else if (typeof v === 'number') expected.push(`--${name}`, String(v));
            else if (Array.isArray(v) && v.every((x) => typeof x === 'string'))
              expected.push(`--${name}`, ...(v as string[]));
            else expected.push(`--${name}`, JSON.stringify(v));
          }
          const words = parseCommandLine(awsCli(service, operation, region, params)).words;
          expect(words.map((w) => literal(w))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the API model the SDK ships', () => {
  it('names operations and members as the CLI does (botocore xform_name)', () => {
    expect(cliName('DescribeVpcEndpointServices')).toBe('describe-vpc-endpoint-services');
    expect(cliName('Ipv6CidrBlock')).toBe('ipv6-cidr-block');
    expect(cliName('AddRouteTableIds')).toBe('add-route-table-ids');
    expect(cliName('resourcesVpcConfig')).toBe('resources-vpc-config');
    expect(cliName('DescribeByoipCidrs')).toBe('describe-byoip-cidrs');
  });

  it('finds operations through their schema, input and Command class', () => {
    const op = model('ec2', 'create-vpc-endpoint');
    expect(op.name).toBe('CreateVpcEndpoint');
    expect(op.input.name).toBe('CreateVpcEndpointRequest');
    expect(model('eks', 'update-cluster-config').input.members).toContain('resourcesVpcConfig');
    // ModifySpotFleetRequest's input is ModifySpotFleetRequestRequest; CancelConversionTask's is CancelConversionRequest.
    expect(model('ec2', 'modify-spot-fleet-request').input.name).toBe('ModifySpotFleetRequestRequest');
    expect(model('ec2', 'cancel-conversion-task').input.name).toBe('CancelConversionRequest');
    expect(operationModel('ec2', 'create-vpc-endpoints')).toMatch(/no operation "create-vpc-endpoints"/);
    expect(operationModel('s3', 'ls')).toMatch(/unknown service/);
  });

  it('resolves every EC2 and EKS operation, each with its Command class', () => {
    for (const [service, exports] of [
      ['ec2', EC2],
      ['eks', EKS],
    ] as const) {
      const names = Object.entries(exports as Record<string, unknown>)
        .filter(([key, value]) => key.endsWith('$') && Array.isArray(value) && value[0] === 9)
        .map(([, value]) => String((value as unknown[])[2]));
      expect(names.length).toBeGreaterThan(service === 'ec2' ? 800 : 60);
      for (const name of names) expect(model(service, cliName(name)).name).toBe(name);
    }
  });

  it('resolves nested members, lists, maps and references', () => {
    const input = model('ec2', 'authorize-security-group-ingress').input;
    const permissions = input.member('IpPermissions');
    expect(permissions.type).toBe('list');
    if (permissions.type !== 'list') return;
    const permission = permissions.member();
    expect(permission.type === 'structure' && permission.members).toEqual([
      'IpProtocol',
      'FromPort',
      'ToPort',
      'UserIdGroupPairs',
      'IpRanges',
      'Ipv6Ranges',
      'PrefixListIds',
    ]);
    expect(permission.type === 'structure' && permission.member('FromPort').type).toBe('number');
    const tags = model('eks', 'create-cluster').input.member('tags');
    expect(tags.type === 'map' && tags.value().type).toBe('string');
  });

  it('reads required members from the schema: its seventh element counts them, listed first', () => {
    expect(model('ec2', 'create-network-acl-entry').input.required).toEqual([
      'NetworkAclId',
      'RuleNumber',
      'Protocol',
      'RuleAction',
      'Egress',
    ]);
    expect(model('ec2', 'create-security-group').input.required).toEqual(['Description', 'GroupName']);
    expect(model('ec2', 'authorize-security-group-ingress').input.required).toEqual([]);
    expect(model('eks', 'update-cluster-config').input.required).toEqual(['name']);
  });

  it("agrees with the SDK's TypeScript types on every EC2 and EKS structure: a required member is not optional", () => {
    for (const [pkg, exports] of [
      ['client-ec2', EC2],
      ['client-eks', EKS],
    ] as const) {
      const dir = join(require.resolve(`@aws-sdk/${pkg}`), '../../dist-types/models');
      const types = readdirSync(dir)
        .map((file) => readFileSync(join(dir, file), 'utf8'))
        .join('\n');
      const interfaces = new Map<string, string[]>();
      for (const match of types.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g)) {
        interfaces.set(
          match[1]!,
          [...match[2]!.matchAll(/^ {4}(\w+)(\??):/gm)].filter((m) => m[2] === '').map((m) => m[1]!),
        );
      }
      let checked = 0;
      for (const [key, schema] of Object.entries(exports as Record<string, unknown>)) {
        if (!key.endsWith('$') || !Array.isArray(schema) || schema[0] !== 3) continue;
        const shape = shapeOf(schema);
        if (shape.type !== 'structure' || !interfaces.has(shape.name)) continue;
        expect([shape.name, [...shape.required].sort()]).toEqual([
          shape.name,
          interfaces.get(shape.name)!.sort(),
        ]);
        checked++;
      }
      expect(checked).toBeGreaterThan(pkg === 'client-ec2' ? 2000 : 200);
    }
  });
});

describe('parseShorthand (awscli/shorthand.py)', () => {
  it.each([
    ['a=b', { a: 'b' }],
    ['a=b,c', { a: ['b', 'c'] }],
    ['a=b,c=d', { a: 'b', c: 'd' }],
    ['a=x,y,b=z', { a: ['x', 'y'], b: 'z' }],
    ['a=[x,y],b=z', { a: ['x', 'y'], b: 'z' }],
    ['a={b=c,d=[e,f]}', { a: { b: 'c', d: ['e', 'f'] } }],
    ['a=\'x,y\',b="q=r"', { a: 'x,y', b: 'q=r' }],
    ['a=x\\,y', { a: 'x,y' }],
    ['Key=kubernetes.io/role/internal-elb,Value=1', { Key: 'kubernetes.io/role/internal-elb', Value: '1' }],
    ['a=', { a: '' }],
  ])('%s', (text, expected) => {
    expect(parseShorthand(text)).toEqual(expected);
  });

  it.each(['a', 'a=b c=d', 'a=[x', 'a={b=c'])('refuses %s', (text) => {
    expect(() => parseShorthand(text)).toThrow(/not valid shorthand/);
  });
});

describe('checkAgainstModel', () => {
  it.each([
    `aws ec2 create-vpc-endpoint --region ${R} --vpc-id vpc-1 --vpc-endpoint-type Interface --service-name com.amazonaws.${R}.sts --subnet-ids subnet-1 subnet-2 --security-group-ids sg-1 --private-dns-enabled`,
    `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id vpce-1 --add-route-table-ids rtb-1 rtb-2 --no-private-dns-enabled`,
    `aws ec2 authorize-security-group-ingress --region ${R} --group-id sg-1 --ip-permissions '[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"UserIdGroupPairs":[{"GroupId":"sg-2"}]}]'`,
    `aws ec2 create-network-acl-entry --region ${R} --network-acl-id acl-1 --rule-number 90 --protocol 6 --rule-action allow --ingress --cidr-block 10.0.0.0/19 --port-range From=443,To=443`,
    `aws ec2 create-network-acl-entry --region ${R} --network-acl-id acl-1 --rule-number 90 --protocol 6 --rule-action allow --egress --cidr-block 10.0.0.0/19 --port-range '{"From":443,"To":443}'`,
    `aws ec2 create-dhcp-options --region ${R} --dhcp-configurations Key=domain-name,Values=${R}.compute.internal Key=domain-name-servers,Values=AmazonProvidedDNS`,
    `DOPT=$(aws ec2 create-dhcp-options --region ${R} --dhcp-configurations '[{"Key":"domain-name-servers","Values":["AmazonProvidedDNS"]}]' --query DhcpOptions.DhcpOptionsId --output text)`,
    `aws ec2 associate-dhcp-options --region ${R} --dhcp-options-id "$DOPT" --vpc-id vpc-1`,
    `aws ec2 modify-vpc-attribute --region ${R} --vpc-id vpc-1 --enable-dns-support`,
    `aws ec2 modify-vpc-attribute --region ${R} --vpc-id vpc-1 --enable-dns-hostnames '{"Value":true}'`,
    `aws ec2 modify-vpc-attribute --region ${R} --vpc-id vpc-1 --no-enable-dns-hostnames`,
    `aws ec2 modify-subnet-attribute --region ${R} --subnet-id subnet-1 --no-map-public-ip-on-launch`,
    `aws ec2 create-tags --region ${R} --resources subnet-1 subnet-2 --tags Key=kubernetes.io/role/internal-elb,Value=1`,
    `aws ec2 delete-route --region ${R} --route-table-id rtb-1 --destination-cidr-block 0.0.0.0/0`,
    `SG_ID_0A1B=$(aws ec2 create-security-group --region ${R} --vpc-id vpc-1 --group-name eks-endpoints --description 'HTTPS to the endpoints' --query GroupId --output text)`,
    `aws ec2 create-vpc-endpoint --region ${R} --vpc-id vpc-1 --vpc-endpoint-type Interface --service-name "$(aws ec2 describe-vpc-endpoint-services --region ${R} --query "ServiceNames[?ends_with(@, '.${R}.ecr.dkr')] | [0]" --output text)" --security-group-ids "$SG_ID_0A1B"`,
    `aws eks update-cluster-config --region ${R} --name prod --resources-vpc-config endpointPrivateAccess=true,endpointPublicAccess=false`,
    `aws eks update-cluster-config --region ${R} --name prod --resources-vpc-config 'publicAccessCidrs=[203.0.113.0/24,198.51.100.0/24]'`,
    `aws eks wait cluster-active --region ${R} --name prod`,
  ])('passes %s', (line) => {
    expect(checkAgainstModel(line)).toEqual([]);
  });

  it.each<[string, string, ProblemKind[], RegExp]>([
    ['an unknown service', `aws ec3 describe-vpcs --region ${R}`, ['service'], /unknown service "ec3"/],
    [
      'a wrong operation',
      `aws ec2 create-vpc-endpoints --region ${R} --vpc-id vpc-1`,
      ['operation'],
      /no operation "create-vpc-endpoints"/,
    ],
    [
      "the CLI's --protocol/--port shortcuts on authorize-security-group-ingress",
      `aws ec2 authorize-security-group-ingress --region ${R} --group-id sg-1 --protocol tcp --port 443 --source-group sg-2`,
      ['parameter', 'parameter', 'parameter'],
      /--protocol is not a member of AuthorizeSecurityGroupIngressRequest/,
    ],
    [
      '--no-egress, which the AWS CLI renames --ingress',
      `aws ec2 create-network-acl-entry --region ${R} --network-acl-id acl-1 --rule-number 90 --protocol 6 --rule-action allow --no-egress --cidr-block 10.0.0.0/19`,
      ['parameter', 'required'],
      /renames it --ingress/,
    ],
    [
      'a misspelt JSON key',
      `aws ec2 authorize-security-group-ingress --region ${R} --group-id sg-1 --ip-permissions '[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"UserIdGroupPair":[{"GroupId":"sg-2"}]}]'`,
      ['key'],
      /unknown key "UserIdGroupPair" in IpPermission/,
    ],
    [
      'a key in the wrong case',
      `aws ec2 create-network-acl-entry --region ${R} --network-acl-id acl-1 --rule-number 90 --protocol 6 --rule-action allow --egress --cidr-block 10.0.0.0/19 --port-range from=443,to=443`,
      ['key', 'key'],
      /unknown key "from" in PortRange .*did you mean From\?/,
    ],
    [
      'a number given as a JSON string',
      `aws ec2 authorize-security-group-ingress --region ${R} --group-id sg-1 --ip-permissions '[{"IpProtocol":"tcp","FromPort":"443","ToPort":443,"IpRanges":[{"CidrIp":"10.0.0.0/16"}]}]'`,
      ['type'],
      /FromPort: expected a number, got a string \("443"\)/,
    ],
    [
      'a word that is not a number',
      `aws ec2 create-network-acl-entry --region ${R} --network-acl-id acl-1 --rule-number ninety --protocol 6 --rule-action allow --egress --cidr-block 10.0.0.0/19`,
      ['type'],
      /--rule-number: expected a number, got "ninety"/,
    ],
    [
      'a shorthand value that is not a number',
      `aws ec2 create-network-acl-entry --region ${R} --network-acl-id acl-1 --rule-number 90 --protocol 6 --rule-action allow --egress --cidr-block 10.0.0.0/19 --port-range From=https,To=443`,
      ['type'],
      /--port-range.From: expected a number/,
    ],
    [
      'a boolean flag on a string member',
      `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id`,
      ['flag'],
      /--vpc-endpoint-id is a string and needs a value; only boolean members are flags/,
    ],
    [
      'a --no- flag on a list member',
      `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id vpce-1 --no-add-subnet-ids`,
      ['flag'],
      /has no --no- form/,
    ],
    [
      'a value after a boolean flag',
      `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id vpce-1 --private-dns-enabled true`,
      ['type'],
      /boolean flag and takes no value/,
    ],
    [
      'a missing required member',
      `aws ec2 create-security-group --region ${R} --group-name n --vpc-id vpc-1`,
      ['required'],
      /requires --description/,
    ],
    [
      'no --region',
      `aws ec2 associate-dhcp-options --dhcp-options-id dopt-1 --vpc-id vpc-1`,
      ['region'],
      /no --region/,
    ],
    [
      'a member spelt otherwise than the CLI',
      `aws ec2 associate-dhcp-options --region ${R} --dhcpoptions-id dopt-1 --vpc-id vpc-1`,
      ['parameter'],
      /spells DhcpOptionsId --dhcp-options-id/,
    ],
    [
      'two values for a string member',
      `aws ec2 associate-dhcp-options --region ${R} --dhcp-options-id dopt-1 dopt-2 --vpc-id vpc-1`,
      ['value'],
      /takes one value/,
    ],
    [
      'a member given twice',
      `aws ec2 associate-dhcp-options --region ${R} --dhcp-options-id dopt-1 --vpc-id vpc-1 --vpc-id vpc-2`,
      ['parameter'],
      /already set/,
    ],
    [
      'JSON that does not parse',
      `aws ec2 authorize-security-group-ingress --region ${R} --group-id sg-1 --ip-permissions '[{"IpProtocol":"tcp",]'`,
      ['value'],
      /not valid JSON/,
    ],
    [
      'a wrong look-up inside $(…)',
      `aws ec2 create-vpc-endpoint --region ${R} --vpc-id vpc-1 --service-name "$(aws ec2 describe-vpc-endpoint-service --region ${R} --output text)"`,
      ['operation'],
      /in the look-up .*no operation "describe-vpc-endpoint-service"/,
    ],
    [
      'a look-up that prints JSON',
      `aws ec2 create-vpc-endpoint --region ${R} --vpc-id vpc-1 --service-name "$(aws ec2 describe-vpc-endpoint-services --region ${R} --query 'ServiceNames[0]')"`,
      ['capture'],
      /needs --output text/,
    ],
    [
      'a capture without --query',
      `SG=$(aws ec2 create-security-group --region ${R} --group-name n --description d --output text)`,
      ['capture'],
      /needs --query/,
    ],
    [
      'a variable in single quotes',
      `aws ec2 authorize-security-group-ingress --region ${R} --group-id sg-1 --ip-permissions '[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"UserIdGroupPairs":[{"GroupId":"$SG_ID"}]}]'`,
      ['syntax'],
      /will not expand/,
    ],
    [
      'an unknown waiter',
      `aws eks wait cluster-ready --region ${R} --name prod`,
      ['operation'],
      /unknown waiter/,
    ],
    [
      'an unknown --output',
      `aws ec2 associate-dhcp-options --region ${R} --dhcp-options-id dopt-1 --vpc-id vpc-1 --output xml`,
      ['value'],
      /--output "xml"/,
    ],
    [
      'a word before the parameters',
      `aws ec2 associate-dhcp-options dopt-1 --region ${R} --dhcp-options-id dopt-1 --vpc-id vpc-1`,
      ['parameter'],
      /unexpected word "dopt-1"/,
    ],
  ])('reports %s', (_, line, expected, message) => {
    const problems = checkAgainstModel(line);
    expect(problems.map((p) => p.kind)).toEqual(expected);
    expect(problems.map((p) => p.message).join('\n')).toMatch(message);
  });

  it('takes the CLI spellings: --ingress is Egress false, an EC2 {Value} structure is a flag too', () => {
    expect(
      requestOf(
        `aws ec2 create-network-acl-entry --region ${R} --network-acl-id acl-1 --rule-number 90 --protocol 6 --rule-action allow --ingress --cidr-block 10.0.0.0/19`,
      ),
    ).toMatchObject({ Egress: false, RuleNumber: 90, Protocol: '6' });
    expect(
      requestOf(`aws ec2 modify-vpc-attribute --region ${R} --vpc-id vpc-1 --enable-dns-support`),
    ).toEqual({
      VpcId: 'vpc-1',
      EnableDnsSupport: { Value: true },
    });
    expect(
      requestOf(`aws ec2 modify-subnet-attribute --region ${R} --subnet-id s --no-map-public-ip-on-launch`),
    ).toEqual({
      SubnetId: 's',
      MapPublicIpOnLaunch: { Value: false },
    });
    expect(
      requestOf(`aws ec2 modify-vpc-attribute --region ${R} --vpc-id v --enable-dns-hostnames Value=false`),
    ).toEqual({
      VpcId: 'v',
      EnableDnsHostnames: { Value: false },
    });
    // A plain boolean member has no value form.
    expect(
      kinds(`aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id v --private-dns-enabled Value=true`),
    ).toEqual(['type']);
  });

  it('builds the request the CLI would send from shorthand, lists and JSON', () => {
    expect(
      requestOf(
        `aws ec2 create-dhcp-options --region ${R} --dhcp-configurations Key=domain-name,Values=a.internal Key=domain-name-servers,Values=10.0.0.2,10.0.0.3`,
      ),
    ).toEqual({
      DhcpConfigurations: [
        { Key: 'domain-name', Values: ['a.internal'] },
        { Key: 'domain-name-servers', Values: ['10.0.0.2', '10.0.0.3'] },
      ],
    });
    expect(
      requestOf(
        `aws eks update-cluster-config --region ${R} --name prod --resources-vpc-config subnetIds=subnet-1,subnet-2,endpointPrivateAccess=true`,
      ),
    ).toEqual({
      name: 'prod',
      resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'], endpointPrivateAccess: true },
    });
    expect(
      requestOf(`aws ec2 create-tags --region ${R} --resources a b --tags Key=k,Value=v '{"Key":"k2"}'`),
    ).toEqual({
      Resources: ['a', 'b'],
      Tags: [{ Key: 'k', Value: 'v' }, { Key: 'k2' }],
    });
    expect(
      requestOf(
        `aws ec2 modify-vpc-endpoint --region ${R} --vpc-endpoint-id "$V" --add-subnet-ids '["s-1","s-2"]'`,
      ),
    ).toEqual({
      VpcEndpointId: '$V',
      AddSubnetIds: ['s-1', 's-2'],
    });
    expect(
      requestOf(
        `aws eks create-cluster --region ${R} --name n --role-arn r --resources-vpc-config subnetIds=a --tags team=x,env=y`,
      ),
    ).toMatchObject({
      tags: { team: 'x', env: 'y' },
    });
  });

  it('takes a variable where a number goes (its value is known only when the line runs)', () => {
    expect(
      kinds(
        `aws ec2 create-network-acl-entry --region ${R} --network-acl-id "$ACL" --rule-number "$N" --protocol 6 --rule-action allow --egress --cidr-block 10.0.0.0/19`,
      ),
    ).toEqual([]);
  });
});

/*
 * The lines the cluster, DNS, DHCP and subnet fixes write, and the mistakes a checker of them
 * must catch (or every test built on it passes vacuously).
 */
describe('checkAgainstModel on the network fixes', () => {
  it.each([
    [`aws ec2 modify-vpc-attribute --region ${R} --vpc-id vpc-1 --enable-dns-support`],
    [`aws ec2 modify-subnet-attribute --region ${R} --subnet-id subnet-1 --no-map-public-ip-on-launch`],
    [
      `aws eks update-cluster-config --region ${R} --name a --resources-vpc-config endpointPrivateAccess=true`,
    ],
    [
      `aws eks update-cluster-config --region cn-north-1 --name a --resources-vpc-config '{"publicAccessCidrs":["203.0.113.0/24"]}'`,
    ],
    [`aws ec2 create-tags --region ${R} --resources subnet-1 --tags '[{"Key":"k","Value":"1"}]'`],
    [
      `X=$(aws ec2 create-dhcp-options --region ${R} --dhcp-configurations '[{"Key":"domain-name","Values":["a"]}]' --query DhcpOptions.DhcpOptionsId --output text)`,
    ],
  ])('accepts %s', (line) => {
    expect(checkAgainstModel(line)).toEqual([]);
  });

  it.each<[string, RegExp]>([
    [
      `aws ec2 authorize-security-group-ingress --region ${R} --group-id sg-1 --protocol tcp`,
      /--protocol is not a member of AuthorizeSecurityGroupIngressRequest/,
    ],
    [
      `aws ec2 modify-vpc-attributes --region ${R} --vpc-id vpc-1`,
      /ec2 has no operation "modify-vpc-attributes"/,
    ],
    ['aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-support', /no --region/],
    [`aws ec2 create-tags --region ${R} --resources subnet-1 --no-tags`, /--no-tags: .* has no --no- form/],
    [
      `aws ec2 create-tags --region ${R} --resources subnet-1 --tags '[{"Name":"k"}]'`,
      /--tags\[0\]: unknown key "Name" in Tag/,
    ],
    [
      `aws eks update-cluster-config --region ${R} --name a --resources-vpc-config privateAccess=true`,
      /unknown key "privateAccess" in VpcConfigRequest/,
    ],
  ])('refuses %s', (line, error) => {
    expect(
      checkAgainstModel(line)
        .map((p) => p.message)
        .join('; '),
    ).toMatch(error);
  });

  it('reads a captured id back where the line quotes its variable, and refuses one never captured', () => {
    const line = `aws ec2 associate-dhcp-options --region ${R} --vpc-id vpc-1 --dhcp-options-id "$DOPT_ID_1"`;
    expect(commandOf(line, { DOPT_ID_1: 'dopt-9' }).input).toEqual({
      VpcId: 'vpc-1',
      DhcpOptionsId: 'dopt-9',
    });
    expect(checkLines([line])).toEqual(['line 1: $DOPT_ID_1 is used before a line captures it']);
    expect(() => simulate(privateClustersSnapshot(1).snapshot, [line])).toThrow(/SimulatorUnboundVariable/);
  });
});

describe('commandOf', () => {
  it('gives the request, the flags as written and the capture', () => {
    const command = commandOf(
      `SG=$(aws ec2 create-security-group --region ${R} --group-name n --description 'a b' --vpc-id vpc-1 --query GroupId --output text)`,
    );
    expect(command).toMatchObject({
      service: 'ec2',
      operation: 'create-security-group',
      region: R,
      query: 'GroupId',
      output: 'text',
      capture: 'SG',
      input: { GroupName: 'n', Description: 'a b', VpcId: 'vpc-1' },
      flags: ['region', 'group-name', 'description', 'vpc-id', 'query', 'output'],
    });
  });

  it('leaves a variable it is not given, and a look-up, as placeholders', () => {
    expect(
      commandOf(
        `aws ec2 create-vpc-endpoint --region ${R} --vpc-id vpc-1 --service-name "$(aws ec2 describe-vpc-endpoint-services --region ${R} --query 'ServiceNames[0]' --output text)" --security-group-ids "$SG"`,
      ).input,
    ).toEqual({ VpcId: 'vpc-1', ServiceName: '$(…)', SecurityGroupIds: ['$SG'] });
  });

  it('throws with every problem, those of the values it is given too', () => {
    expect(() => commandOf(`aws ec2 associate-dhcp-options --region ${R} --vpc-id v --vpc x`)).toThrow(
      /--vpc is not a member/,
    );
    expect(() =>
      commandOf(
        `aws ec2 create-network-acl-entry --region ${R} --network-acl-id a --rule-number "$N" --protocol 6 --rule-action allow --ingress --cidr-block 10.0.0.0/19`,
        { N: 'ninety' },
      ),
    ).toThrow(/--rule-number: expected a number, got "ninety"/);
    expect(() => commandOf(`aws ec2 x | cat`)).toThrow(/pipe/);
  });
});

describe('checkLines', () => {
  it('numbers the problems and wants a variable captured before it is used', () => {
    expect(
      checkLines([
        `aws ec2 associate-dhcp-options --region ${R} --dhcp-options-id "$DOPT" --vpc-id vpc-1`,
        `DOPT=$(aws ec2 create-dhcp-options --region ${R} --dhcp-configurations Key=domain-name,Values=x --query DhcpOptions.DhcpOptionsId --output text)`,
        `aws ec2 associate-dhcp-options --region ${R} --dhcp-options-id "$DOPT" --vpc-id vpc-1`,
        `aws ec2 associate-dhcp-options --dhcp-options-id x --vpc-id vpc-1 | cat`,
      ]),
    ).toEqual(['line 1: $DOPT is used before a line captures it', expect.stringMatching(/^line 4: a pipe/)]);
  });
});
