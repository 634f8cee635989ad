import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import {
  awsCli,
  shellCapture,
  shellExpansion,
  shellWord,
  ShellExpansion,
  type CliParam,
} from '../../fixes/aws-cli';
import { serviceNameLookup } from '../../fixes/endpoint-service-name';
import { checkLines, literal, parseCommandLine } from './aws-cli-model';

const R = 'eu-west-1';

/** What `sh -c script` prints (the system's POSIX shell, as a user pasting a fix would run it). */
function sh(script: string): string {
  const run = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`sh failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** Any text without NUL (which no shell argument can hold), leaning on what the shell treats specially. */
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
      '#',
      '~',
      '!',
      '{',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\0'),
  ),
});

/** An awsCli line without expansions: any service, operation and parameters. */
const plainLine = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
    shellText,
    fc.array(
      fc.tuple(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
        fc.oneof(
          shellText,
          fc.integer(),
          fc.boolean(),
          fc.array(shellText, { maxLength: 3 }),
          fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 }),
        ),
      ),
      { maxLength: 4 },
    ),
  )
  .map(([service, operation, region, params]) => awsCli(service, operation, region, params as CliParam[]));

describe('shellWord', () => {
  it.each([
    ['sg-0a1b', 'sg-0a1b'],
    ['10.0.0.0/19', '10.0.0.0/19'],
    ['Key=k,Value=v', 'Key=k,Value=v'],
    ['', "''"],
    ['a b', "'a b'"],
    ['$HOME', "'$HOME'"],
    ["it's", `'it'\\''s'`],
    ['{"Value":true}', `'{"Value":true}'`],
  ])('%j → %s', (text, word) => {
    expect(shellWord(text)).toBe(word);
  });

  it('round-trips any string without NUL through sh: sh -c \'printf %s \'"$(shellWord x)"', () => {
    fc.assert(
      fc.property(shellText, (text) => {
        expect(sh(`printf %s ${shellWord(text)}`)).toBe(text);
      }),
      { numRuns: 150 },
    );
  });
});

describe('shellExpansion', () => {
  const lookUp = serviceNameLookup('cn-north-1', 'ecr.api', 'Interface');

  it.each([['$ENDPOINT_SG_0A1B'], ['$_x1'], [`$(${lookUp})`], [`$(aws ec2 x --a 'b)' --c 'it'\\''s')`]])(
    'accepts %s',
    (text) => {
      expect(shellExpansion(text)).toEqual(expect.objectContaining({ expansion: text }));
    },
  );

  it.each([
    [''],
    ['$'],
    ['$1'],
    ['${X}'],
    ['$X-1'],
    ['$X;rm -rf /'],
    ['"$X"'],
    ['$X $Y'],
    ['$(rm -rf /)'],
    ['$(aws ec2 x; rm -rf /)'],
    ['$(aws ec2 x) $(aws ec2 y)'],
    ['$(aws ec2 x `id`)'],
    ['$(aws ec2 x --a "$(aws ec2 y)")'],
    ['$(aws ec2 x --a $HOME)'],
    ['$(aws ec2 x --a "b")'],
    ["$(aws ec2 x --a 'b)"],
    ['$(aws ec2 x\naws ec2 y)'],
    ['$(aws)'],
    ['$((1+1))'],
  ])('refuses %j', (text) => {
    expect(() => shellExpansion(text)).toThrow(/not a \$NAME or \$\(aws …\) expansion/);
  });

  it('takes a look-up around any awsCli line without expansions', () => {
    fc.assert(
      fc.property(plainLine, (line) => {
        expect(shellExpansion(`$(${line})`).expansion).toBe(`$(${line})`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('awsCli with expansions', () => {
  it('writes each inside double quotes as given, one word among the quoted values', () => {
    const lookUp = awsCli('ec2', 'describe-vpc-endpoint-services', R, [
      ['query', "ServiceNames[?ends_with(@, ')')] | [0]"],
      ['output', 'text'],
    ]);
    const line = awsCli('ec2', 'create-vpc-endpoint', R, [
      ['vpc-id', 'vpc-1'],
      ['service-name', shellExpansion(`$(${lookUp})`)],
      ['security-group-ids', shellExpansion('$SG')],
      ['private-dns-enabled', true],
    ]);
    expect(line).toBe(
      `aws ec2 create-vpc-endpoint --region ${R} --vpc-id vpc-1 --service-name "$(${lookUp})" --security-group-ids "$SG" --private-dns-enabled`,
    );
    const words = parseCommandLine(line).words;
    expect(words[8]!.parts).toEqual([
      { kind: 'command', command: expect.objectContaining({ source: lookUp }) },
    ]);
    expect(words[10]!.parts).toEqual([{ kind: 'var', name: 'SG' }]);
  });

  it('runs in sh as written: the variable and the look-up are one argument each, a quoted ) stays in the look-up', () => {
    const lookUp = awsCli('ec2', 'describe-vpc-endpoint-services', R, [
      ['query', "ServiceNames[?ends_with(@, ')')]"],
      ['output', 'text'],
    ]);
    const capture = shellCapture(
      'SG',
      awsCli('ec2', 'create-security-group', R, [['description', "HTTPS from the nodes' groups"]]),
    );
    const line = awsCli('ec2', 'create-vpc-endpoint', R, [
      ['service-name', shellExpansion(`$(${lookUp})`)],
      ['security-group-ids', shellExpansion('$SG')],
    ]);
    // A stand-in aws that prints its arguments, each in <>.
    const printed = sh(`aws() { printf '<%s>' "$@"; }\n${capture}\n${line}`);
    expect(printed).toBe(
      `<ec2><create-vpc-endpoint><--region><${R}>` +
        `<--service-name><<ec2><describe-vpc-endpoint-services><--region><${R}><--query><ServiceNames[?ends_with(@, ')')]><--output><text>>` +
        `<--security-group-ids><<ec2><create-security-group><--region><${R}><--description><HTTPS from the nodes' groups>>`,
    );
  });

  it('is an object of its own: a JSON structure with an expansion key is still JSON', () => {
    expect(shellExpansion('$X')).toBeInstanceOf(ShellExpansion);
    expect(awsCli('ec2', 'x', R, [['a', { expansion: '$X' }]])).toBe(
      `aws ec2 x --region ${R} --a '{"expansion":"$X"}'`,
    );
  });
});

describe('shellCapture', () => {
  it('assigns what an awsCli line prints to a variable, which checkLines then lets later lines read', () => {
    const create = awsCli('ec2', 'create-security-group', R, [
      ['group-name', 'n'],
      ['description', 'd'],
      ['query', 'GroupId'],
      ['output', 'text'],
    ]);
    const capture = shellCapture('SG_1', create);
    expect(capture).toBe(`SG_1=$(${create})`);
    const use = awsCli('ec2', 'authorize-security-group-ingress', R, [
      ['group-id', shellExpansion('$SG_1')],
      [
        'ip-permissions',
        [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }],
      ],
    ]);
    expect(parseCommandLine(capture).capture).toBe('SG_1');
    expect(parseCommandLine(capture).words.map((w) => literal(w))).toEqual(
      parseCommandLine(create).words.map((w) => literal(w)),
    );
    expect(checkLines([capture, use])).toEqual([]);
  });

  it.each([
    ['1X', 'aws ec2 x'],
    ['A-B', 'aws ec2 x'],
    ['', 'aws ec2 x'],
    ['X', 'rm -rf /'],
    ['X', 'aws ec2 x; rm -rf /'],
    ['X', 'aws ec2 x --a "$B"'],
  ])('refuses %j = %j', (name, line) => {
    expect(() => shellCapture(name, line)).toThrow(
      /not a shell variable name|not an aws line without expansions/,
    );
  });
});
