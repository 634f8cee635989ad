import { addPrivateCluster } from '../../testkit/private-cluster';
import {
  compliantSnapshot,
  driftedSnapshot,
  expectOneLineError,
  hasAnsi,
  overlongLines,
  runCli,
  TempFiles,
  SPEC_REPORT_KEYS,
} from './helpers';

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'];
const SPEC_FINDING_KEYS = [
  'ruleId',
  'configRuleName',
  'severity',
  'resourceType',
  'resourceId',
  'clusterArn',
  'vpcId',
  'compliance',
  'annotation',
  'offenders',
  // Issue 11: every offending resource or flow, with its fix, after the SPEC §5 keys.
  'details',
];

interface JsonFinding {
  ruleId: string;
  severity: string;
  resourceId: string;
  compliance: string;
  annotation: string;
  offenders: string[];
}

const files = new TempFiles();
let compliantFile: string;
let driftedFile: string;

beforeAll(() => {
  compliantFile = files.write('compliant.json', compliantSnapshot().snapshot);
  driftedFile = files.write('drifted.json', driftedSnapshot().snapshot);
});
afterAll(() => files.cleanup());

function findingsOf(stdout: string): JsonFinding[] {
  return (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
}

describe('check --snapshot: results and exit codes', () => {
  it('exits 0 on a compliant snapshot and prints an 80-column table without colour on a pipe (--all)', () => {
    const result = runCli(['check', '--snapshot', compliantFile, '--all']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('ENDPOINT_PRIVATE_ACCESS');
    expect(result.stdout).toMatch(
      /^Summary: 0 NON_COMPLIANT, 0 INSUFFICIENT_DATA, 32 COMPLIANT, 0 NOT_APPLICABLE$/m,
    );
    expect(hasAnsi(result.stdout)).toBe(false);
    expect(overlongLines(result.stdout)).toEqual([]);
  });

  it('exits 1 on a drifted snapshot; --format json is exactly the SPEC §5 document, sorted, on stdout alone', () => {
    const result = runCli(['check', '--snapshot', driftedFile, '--format', 'json']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(SPEC_REPORT_KEYS);
    expect(report).toMatchObject({ schemaVersion: 1, accountId: '111122223333', region: 'eu-west-1' });
    expect(report.generatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(report.summary).toEqual({
      COMPLIANT: 30,
      NON_COMPLIANT: 2,
      NOT_APPLICABLE: 0,
      INSUFFICIENT_DATA: 0,
    });

    const findings = findingsOf(result.stdout);
    expect(findings).toHaveLength(32);
    for (const finding of findings) expect(Object.keys(finding)).toEqual(SPEC_FINDING_KEYS);
    const sorted = [...findings].sort(
      (a, b) =>
        SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
        a.resourceId.localeCompare(b.resourceId) ||
        a.ruleId.localeCompare(b.ruleId),
    );
    expect(findings.map((f) => `${f.severity} ${f.resourceId} ${f.ruleId}`)).toEqual(
      sorted.map((f) => `${f.severity} ${f.resourceId} ${f.ruleId}`),
    );
    const violations = findings.filter((f) => f.compliance === 'NON_COMPLIANT');
    expect(violations.map((f) => [f.resourceId, f.ruleId])).toEqual([
      ['prod-0', 'ENDPOINT_PRIVATE_ACCESS'],
      ['prod-1', 'VPC_ENDPOINTS_PRESENT'],
    ]);
    expect(violations[1]!.annotation).toContain('ecr.dkr');
  });

  it('keeps every table line within 80 columns with long cluster names and shows what is wrong', () => {
    const { snapshot } = driftedSnapshot();
    const longName = 'payments-platform-production-eu-west-1-blue-green-cluster-0001';
    addPrivateCluster(snapshot, { name: longName });
    const cluster = snapshot.eks.clusters[2]!;
    (cluster.resourcesVpcConfig as Record<string, unknown>).endpointPrivateAccess = false;
    const file = files.write('long-names.json', snapshot);

    const result = runCli(['check', '--snapshot', file, '--format', 'table']);
    expect(result.status).toBe(1);
    expect(hasAnsi(result.stdout)).toBe(false);
    expect(overlongLines(result.stdout)).toEqual([]);
    expect(result.stdout).toContain('prod-0: API server endpoint private access is off');
    // The long name is wrapped, not cut: its pieces, in order, spell it out in full.
    const pieces = result.stdout
      .split('\n')
      .map((line) => line.split('│')[2]?.trim() ?? '')
      .filter((cell) => cell.length > 0 && longName.includes(cell));
    expect(pieces.join('')).toContain(longName);
    expect(result.stdout).toMatch(/^Summary: 3 NON_COMPLIANT, 0 INSUFFICIENT_DATA, 45 COMPLIANT/m);
  });

  it('--format markdown escapes pipes so every row keeps its five cells; COMPLIANT rows only with --all', () => {
    const { snapshot } = compliantSnapshot();
    addPrivateCluster(snapshot, { name: 'team|a' });
    (snapshot.eks.clusters[2]!.resourcesVpcConfig as Record<string, unknown>).endpointPrivateAccess = false;
    const file = files.write('pipe.json', snapshot);

    const result = runCli(['check', '--snapshot', file, '--format', 'markdown']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^# /);
    expect(result.stdout).toContain('**Summary:** 1 NON_COMPLIANT');
    const rowsOf = (text: string) => text.split('\n').filter((line) => line.startsWith('| '));
    // The header and the one NON_COMPLIANT finding: COMPLIANT rows are counted, as in the table.
    expect(rowsOf(result.stdout)).toHaveLength(1 + 1);
    expect(result.stdout).toContain('team\\|a: API server endpoint private access is off');
    const all = runCli(['check', '--snapshot', file, '--format', 'markdown', '--all']);
    expect(rowsOf(all.stdout)).toHaveLength(1 + 48);
    for (const row of rowsOf(all.stdout)) expect(row.split(/(?<!\\)\|/)).toHaveLength(7);
  });
});

describe('check: selecting rules and setting parameters', () => {
  it('--rules runs only the listed rules (case-insensitive, repeatable, duplicates once); - reads stdin', () => {
    const result = runCli(
      [
        'check',
        '--snapshot',
        '-',
        '--format',
        'json',
        '--rules',
        'subnets_multi_az,ENDPOINT_PRIVATE_ACCESS',
        '--rules',
        'endpoint_private_access',
      ],
      {},
      JSON.stringify(driftedSnapshot().snapshot),
    );
    expect(result.status).toBe(1);
    const findings = findingsOf(result.stdout);
    expect(findings.map((f) => `${f.resourceId} ${f.ruleId} ${f.compliance}`)).toEqual([
      'prod-0 ENDPOINT_PRIVATE_ACCESS NON_COMPLIANT',
      'prod-1 ENDPOINT_PRIVATE_ACCESS COMPLIANT',
      'prod-0 SUBNETS_MULTI_AZ COMPLIANT',
      'prod-1 SUBNETS_MULTI_AZ COMPLIANT',
    ]);
  });

  it('a YAML config file selects rules and sets parameters', () => {
    const config = files.write(
      'strict.yaml',
      [
        '# the team wants headroom',
        'rules: [SUBNETS_FREE_IPS, SUBNETS_MULTI_AZ]',
        'parameters:',
        '  minFreeIps: 9000',
        '',
      ].join('\n'),
    );
    const result = runCli(['check', '--snapshot', compliantFile, '--format', 'json', '--config', config]);
    expect(result.status).toBe(1);
    const findings = findingsOf(result.stdout);
    expect(new Set(findings.map((f) => f.ruleId))).toEqual(new Set(['SUBNETS_FREE_IPS', 'SUBNETS_MULTI_AZ']));
    expect(findings.filter((f) => f.ruleId === 'SUBNETS_FREE_IPS').map((f) => f.compliance)).toEqual([
      'NON_COMPLIANT',
      'NON_COMPLIANT',
    ]);
  });

  it('--param beats the config file (the last --param wins) and --rules replaces its rules', () => {
    const config = files.write(
      'strict-2.yaml',
      'rules: [SUBNETS_MULTI_AZ]\nparameters:\n  minFreeIps: 9000\n',
    );
    const result = runCli([
      'check',
      '--snapshot',
      compliantFile,
      '--format',
      'json',
      '--config',
      config,
      '--param',
      'minFreeIps=9000',
      '--param',
      'minFreeIps=6',
      '--rules',
      'SUBNETS_FREE_IPS',
    ]);
    expect(result.status).toBe(0);
    expect(findingsOf(result.stdout).map((f) => `${f.ruleId} ${f.compliance}`)).toEqual([
      'SUBNETS_FREE_IPS COMPLIANT',
      'SUBNETS_FREE_IPS COMPLIANT',
    ]);
  });

  it('a JSON config file with a list value: requiredServices without ecr.dkr clears the drifted cluster', () => {
    const config = files.write('services.json', {
      rules: 'VPC_ENDPOINTS_PRESENT',
      parameters: { requiredServices: ['ec2', 'sts', 's3'] },
    });
    const result = runCli(['check', '--snapshot', driftedFile, '--format', 'json', '--config', config]);
    expect(result.status).toBe(0);
    expect(findingsOf(result.stdout).map((f) => `${f.resourceId} ${f.ruleId} ${f.compliance}`)).toEqual([
      'prod-0 VPC_ENDPOINTS_PRESENT COMPLIANT',
      'prod-1 VPC_ENDPOINTS_PRESENT COMPLIANT',
    ]);
  });
});

describe('check --fail-on (issue 11)', () => {
  let partialFile: string;
  beforeAll(() => {
    // Compliant, but without NACLs: NETWORK_ACLS is INSUFFICIENT_DATA for both clusters.
    const { snapshot } = compliantSnapshot();
    delete (snapshot.ec2 as Partial<typeof snapshot.ec2>).NetworkAcls;
    partialFile = files.write('partial.json', snapshot);
  });

  it('non-compliant (the default) exits 0 when findings are only INSUFFICIENT_DATA', () => {
    for (const extra of [[], ['--fail-on', 'non-compliant']]) {
      const result = runCli(['check', '--snapshot', partialFile, '--format', 'json', ...extra]);
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        summary: { NON_COMPLIANT: 0, INSUFFICIENT_DATA: 2 },
      });
    }
  });

  it('insufficient-data (any case) exits 1 on an INSUFFICIENT_DATA finding, and still on NON_COMPLIANT', () => {
    expect(runCli(['check', '--snapshot', partialFile, '--fail-on', 'Insufficient-Data']).status).toBe(1);
    expect(runCli(['check', '--snapshot', driftedFile, '--fail-on', 'insufficient-data']).status).toBe(1);
    expect(runCli(['check', '--snapshot', compliantFile, '--fail-on', 'insufficient-data']).status).toBe(0);
  });

  it('a bad value is one line naming the allowed values, exit 2', () => {
    expectOneLineError(
      runCli(['check', '--snapshot', compliantFile, '--fail-on', 'critical']),
      /option '--fail-on <level>' argument 'critical' is invalid\. allowed: non-compliant, insufficient-data\./,
    );
  });
});

describe('check: a snapshot with several problems lists them, one line each (issue 11)', () => {
  function brokenSnapshot(count: number): { file: string; first: number } {
    const { snapshot } = compliantSnapshot();
    const first = snapshot.ec2.Subnets.length;
    for (let i = 0; i < count; i++) snapshot.ec2.Subnets.push({ ...snapshot.ec2.Subnets[0]!, CidrBlock: i });
    return { file: files.write(`broken-${count}.json`, snapshot), first };
  }

  it.each([2, 21])(
    '%i problems: a line with the count, then the problems, exit 2, nothing on stdout',
    (count) => {
      const { file, first } = brokenSnapshot(count);
      const result = runCli(['check', '--snapshot', file]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toBe(`private-eks-guard: ${file}: ${count} problems in the snapshot:`);
      expect(lines.slice(1, 3)).toEqual([
        `  ec2.Subnets[${first}].CidrBlock: expected string`,
        `  ec2.Subnets[${first + 1}].CidrBlock: expected string`,
      ]);
      expect(lines).toHaveLength(1 + Math.min(count, 20) + (count > 20 ? 1 : 0));
      if (count > 20) expect(lines[lines.length - 1]).toBe(`  … and ${count - 20} more`);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    },
  );

  it('one problem stays one line', () => {
    const { file, first } = brokenSnapshot(1);
    expectOneLineError(
      runCli(['check', '--snapshot', file]),
      new RegExp(`ec2\\.Subnets\\[${first}\\]\\.CidrBlock: expected string$`),
    );
  });
});

describe('check: errors are one line on stderr with exit code 2', () => {
  it('names a snapshot file that does not exist', () => {
    expectOneLineError(
      runCli(['check', '--snapshot', files.path('absent.json')]),
      /cannot read snapshot/,
      /absent\.json/,
    );
  });

  it('rejects a snapshot that is not JSON', () => {
    const file = files.write('not-json.json', '{ "schemaVersion": 1, oops');
    expectOneLineError(runCli(['check', '--snapshot', file]), /not-json\.json is not valid JSON/);
  });

  it('names the JSON path of a wrongly typed field', () => {
    const { snapshot } = compliantSnapshot();
    snapshot.ec2.Subnets[1]!.CidrBlock = 42;
    const file = files.write('wrong-type.json', snapshot);
    expectOneLineError(
      runCli(['check', '--snapshot', file]),
      /ec2\.Subnets\[1\]\.CidrBlock: expected string/,
    );
  });

  it('with --debug adds the stack trace after the one-line message', () => {
    const file = files.write('wrong-type-debug.json', { ...compliantSnapshot().snapshot, accountId: 7 });
    const result = runCli(['check', '--snapshot', file, '--debug']);
    expect(result.status).toBe(2);
    const [first, ...rest] = result.stderr.trimEnd().split('\n');
    expect(first).toMatch(/^private-eks-guard: .*accountId: expected string/);
    expect(rest.some((line) => /^\s+at /.test(line))).toBe(true);
  });

  it('rejects schemaVersion 2', () => {
    const file = files.write('v2.json', { ...compliantSnapshot().snapshot, schemaVersion: 2 });
    expectOneLineError(runCli(['check', '--snapshot', file]), /schemaVersion: unsupported value 2/);
  });

  it('rejects an unknown option', () => {
    expectOneLineError(
      runCli(['check', '--snapshot', compliantFile, '--fromat', 'json']),
      /unknown option '--fromat'/,
    );
  });

  it('rejects an unknown rule id and lists the valid ones', () => {
    expectOneLineError(
      runCli(['check', '--snapshot', compliantFile, '--rules', 'ENDPOINT_PRIVATE_ACCESS,NO_SUCH_RULE']),
      /unknown rule "NO_SUCH_RULE"/,
      /valid rule ids: .*ENDPOINT_PRIVATE_ACCESS.*SUBNETS_INTERNAL_ELB_TAG/,
    );
  });

  it('rejects a bad parameter value, naming the parameter and the allowed values', () => {
    expectOneLineError(
      runCli(['check', '--snapshot', compliantFile, '--param', 'egressMode=sometimes']),
      /egressMode/,
      /none \| nat \| any/,
    );
  });

  it('rejects an unknown parameter even when --rules selects rules that read no parameter', () => {
    expectOneLineError(
      runCli(['check', '--snapshot', compliantFile, '--rules', 'SUBNETS_MULTI_AZ', '--param', 'minFreeIp=6']),
      /unknown parameter "minFreeIp"/,
      /minFreeIps/,
    );
  });

  it('rejects --param without "="', () => {
    expectOneLineError(
      runCli(['check', '--snapshot', compliantFile, '--param', 'egressMode']),
      /--param "egressMode": expected NAME=VALUE/,
    );
  });

  it('rejects a config file with an unknown key, naming it', () => {
    const config = files.write('typo.yaml', 'parameter:\n  egressMode: nat\n');
    expectOneLineError(
      runCli(['check', '--snapshot', compliantFile, '--config', config]),
      /config file .*typo\.yaml: unknown key parameter \(allowed keys: rules, parameters, alerts, schedule, securityHub, organization\)/,
    );
  });

  it('names standard input as the source when --snapshot - reads a broken snapshot', () => {
    expectOneLineError(
      runCli(['check', '--snapshot', '-'], {}, '{"schemaVersion": 1, "accountId": "1"'),
      /standard input is not valid JSON/,
    );
  });

  it('asks for --snapshot when it is missing', () => {
    expectOneLineError(runCli(['check']), /give --snapshot FILE/);
  });
});
