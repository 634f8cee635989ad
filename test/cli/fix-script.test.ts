import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import {
  buildFixScript,
  commentLines,
  COMMAND_ORDER,
  stepOf,
  variableAssigned,
  variablesUsed,
} from '../../cli/fix-script';
import type { Compliance, Detail, Finding, Severity } from '../../engine/findings';
import type { Report } from '../../engine/report';
import { summarize } from '../../engine/findings';
import { shellWord } from '../../fixes/aws-cli';

/*
 * The script builder on hand-made reports: the layout a reviewer reads (unit tests), and,
 * for any set of details, a script that is valid POSIX shell, runs each command once, assigns
 * every variable before any line uses it, keeps each variable's meaning, and lets no text out
 * of its comment (property tests).
 */

const REGION = 'eu-west-1';

function finding(cluster: string, ruleId: string, details: Detail[], extra: Partial<Finding> = {}): Finding {
  return {
    ruleId,
    configRuleName: `private-eks-${ruleId.toLowerCase().replace(/_/g, '-')}`,
    severity: 'critical',
    resourceType: 'AWS::EKS::Cluster',
    resourceId: cluster,
    clusterArn: `arn:aws:eks:${REGION}:111122223333:cluster/${cluster}`,
    vpcId: `vpc-${cluster.length}`,
    compliance: 'NON_COMPLIANT',
    annotation: details
      .map((d) => d.problem)
      .join('; ')
      .slice(0, 256),
    offenders: details.map((d) => d.resourceId),
    details,
    ...extra,
  };
}

function detail(resourceId: string, problem: string, commands: string[], decide?: string): Detail {
  return {
    resourceId,
    resourceType: 'AWS::EC2::SecurityGroup',
    problem,
    fix: {
      commands,
      ...(decide === undefined ? {} : { decide }),
      documentation: 'https://docs.aws.amazon.com/x',
    },
  };
}

function reportOf(findings: Finding[]): Report {
  return {
    schemaVersion: 1,
    accountId: '111122223333',
    region: REGION,
    generatedAt: '2026-11-22T10:00:05Z',
    summary: summarize(findings),
    findings,
    partition: 'aws',
  };
}

const script = (findings: Finding[]) => buildFixScript([reportOf(findings)], { source: 'snapshot s.json' });

/** Lines the shell runs: neither comments nor blank, nor the set -eu line. */
function executed(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#') && line !== 'set -eu');
}

function shellCheck(text: string): { status: number | null; stderr: string } {
  const result = spawnSync('sh', ['-n'], { input: text, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

const createSg = (v: string, vpc: string) =>
  `${v}=$(aws ec2 create-security-group --region ${REGION} --group-name ep --description d --vpc-id ${vpc} --query GroupId --output text)`;
const authorize = (group: string) =>
  `aws ec2 authorize-security-group-ingress --region ${REGION} --group-id ${group} --ip-permissions '[{"IpProtocol":"tcp"}]'`;
const createEndpoint = (group: string) =>
  `aws ec2 create-vpc-endpoint --region ${REGION} --vpc-id vpc-1 --service-name com.amazonaws.${REGION}.sts --security-group-ids ${group}`;
const vpcDns = `aws ec2 modify-vpc-attribute --region ${REGION} --vpc-id vpc-1 --enable-dns-hostnames`;
const eksUpdate = (cluster: string, config: string) =>
  `aws eks update-cluster-config --region ${REGION} --name ${cluster} --resources-vpc-config ${config}`;

describe('COMMAND_ORDER', () => {
  it('puts each command kind where the issue orders them, the endpoint security group before the endpoint', () => {
    const kinds = [
      'aws ec2 create-security-group --group-name x',
      'aws ec2 authorize-security-group-ingress --group-id sg-1',
      'aws ec2 authorize-security-group-egress --group-id sg-1',
      'aws ec2 create-dhcp-options --dhcp-configurations x',
      'aws ec2 associate-dhcp-options --vpc-id vpc-1',
      'aws ec2 modify-vpc-attribute --vpc-id vpc-1',
      'aws ec2 create-vpc-endpoint --vpc-id vpc-1',
      'aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-1',
      'aws ec2 create-network-acl-entry --network-acl-id acl-1',
      'aws ec2 create-route --route-table-id rtb-1',
      'aws eks update-cluster-config --name c',
    ];
    const steps = kinds.map(stepOf);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(
      new Set([steps[0], steps[3], steps[4], steps[5], steps[6], steps[7], steps[8], steps[9], steps[10]])
        .size,
    ).toBe(9);
    // Inside a capture, and the last step for any EKS call, an unknown command just before it.
    expect(stepOf('SG=$(aws ec2 create-security-group --x y)')).toBe(steps[0]);
    expect(stepOf('aws eks associate-identity-provider-config --x')).toBe(COMMAND_ORDER.length - 1);
    expect(stepOf('aws ssm put-parameter --x')).toBe(COMMAND_ORDER.length - 2);
    for (const step of COMMAND_ORDER) expect(step.why.length).toBeGreaterThan(10);
  });

  it('reads the variables a line assigns and uses', () => {
    expect(variableAssigned('SG_ID_0A=$(aws ec2 x)')).toBe('SG_ID_0A');
    expect(variableAssigned('aws ec2 x --y "$A"')).toBeUndefined();
    expect(variablesUsed('aws x --a "$A" --b "${B_2}" --c $C')).toEqual(['A', 'B_2', 'C']);
    // As the shell reads them: nothing in single quotes, nor after a backslash.
    expect(variablesUsed(`aws x --a '$A "$B"' --b \\$C --c "\\$D" --d 'it'\\''s $E' "$F"`)).toEqual(['F']);
  });
});

describe('buildFixScript: the layout a reviewer reads', () => {
  const findings = [
    finding('prod-a', 'VPC_ENDPOINTS_PRESENT', [
      detail('vpc-1', 'sts has no endpoint', [
        createSg('EP_SG', 'vpc-1'),
        authorize('"$EP_SG"'),
        createEndpoint('"$EP_SG"'),
      ]),
    ]),
    finding('prod-a', 'VPC_DNS_ATTRIBUTES', [detail('vpc-1', 'DNS hostnames off', [vpcDns])]),
    finding('prod-a', 'VPC_ENDPOINTS_PRIVATE_DNS', [detail('vpce-2', 'private DNS off', [vpcDns])]),
    finding(
      'prod-a',
      'SUBNETS_FREE_IPS',
      [detail('subnet-1', '3 free addresses', [], 'Free addresses or add a subnet')],
      {
        severity: 'medium',
      },
    ),
    finding('prod-b', 'ENDPOINT_PRIVATE_ACCESS', [
      detail('prod-b', 'private access off', [eksUpdate('prod-b', 'endpointPrivateAccess=true')]),
    ]),
    finding(
      'prod-b',
      'ENDPOINT_PUBLIC_ACCESS',
      [
        detail('prod-b', 'public access on', [
          eksUpdate('prod-b', 'endpointPrivateAccess=true,endpointPublicAccess=false'),
        ]),
      ],
      { severity: 'high' },
    ),
    finding('prod-b', 'SUBNETS_MULTI_AZ', [], { compliance: 'COMPLIANT' }),
  ];
  const text = script(findings);
  const lines = text.split('\n');

  it('starts with #!/bin/sh and set -eu, then a header: what it is, account, Region, generated, review', () => {
    expect(lines[0]).toBe('#!/bin/sh');
    expect(lines[1]).toBe('set -eu');
    const header = lines.slice(2, lines.indexOf('')).join('\n');
    expect(header).toMatch(/private-eks-guard fix/);
    expect(header).toMatch(/snapshot s\.json/);
    expect(header).toMatch(/Account 111122223333, Region eu-west-1, partition aws/);
    expect(header).toMatch(/generated 2026-11-22T10:00:05Z/);
    expect(header).toMatch(/GENERATED, NOT RUN: review every command/);
    expect(header).toMatch(/6 findings in 2 clusters: 6 commands to run, 1 decision to make/);
    expect(text.endsWith('# End of script.\n')).toBe(true);
    expect(shellCheck(text)).toEqual({ status: 0, stderr: '' });
  });

  it('has a section per cluster, naming it', () => {
    expect(lines.filter((line) => line.startsWith('# Cluster '))).toEqual([
      '# Cluster prod-a (vpc-6)',
      '# Cluster prod-b (vpc-6)',
    ]);
    expect(text).toContain('# arn:aws:eks:eu-west-1:111122223333:cluster/prod-a');
  });

  it('orders by dependency across findings: security group, its rule, VPC DNS, then the endpoint', () => {
    expect(executed(text).slice(0, 4)).toEqual([
      createSg('EP_SG', 'vpc-1'),
      authorize('"$EP_SG"'),
      vpcDns,
      createEndpoint('"$EP_SG"'),
    ]);
  });

  it('comments each detail with rule id, severity, resource and problem, and runs a shared command once', () => {
    expect(text).toMatch(
      /# VPC_ENDPOINTS_PRESENT \(critical, NON_COMPLIANT\)\n# {3}Resource: AWS::EC2::SecurityGroup vpc-1\n# {3}Problem: sts has no endpoint\n# {3}Docs: https:\/\/docs\.aws\.amazon\.com\/x\n/,
    );
    expect(executed(text).filter((line) => line === vpcDns)).toHaveLength(1);
    expect(text).toContain(`# already done above: ${vpcDns}`);
    // The endpoint's detail is split by the VPC DNS step: its second part says whose it is.
    expect(text).toContain('# VPC_ENDPOINTS_PRESENT (critical, NON_COMPLIANT), continued: vpc-1');
  });

  it('shows a detail with only a decision as # DECIDE, before the commands of its cluster', () => {
    const decide = lines.findIndex((line) => line.includes('DECIDE: Free addresses or add a subnet'));
    expect(decide).toBeGreaterThan(0);
    expect(lines[decide]!.startsWith('#')).toBe(true);
    expect(decide).toBeLessThan(lines.indexOf(createSg('EP_SG', 'vpc-1')));
  });

  it('runs EKS updates last, waiting for the cluster between two updates of it', () => {
    const run = executed(text);
    expect(run.slice(-3)).toEqual([
      eksUpdate('prod-b', 'endpointPrivateAccess=true'),
      `aws eks wait cluster-active --region ${REGION} --name prod-b`,
      eksUpdate('prod-b', 'endpointPrivateAccess=true,endpointPublicAccess=false'),
    ]);
  });

  it('says so when there is nothing to resolve', () => {
    const empty = script([finding('prod-a', 'SUBNETS_MULTI_AZ', [], { compliance: 'COMPLIANT' })]);
    expect(empty).toMatch(/0 findings in 0 clusters: 0 commands to run, 0 decisions to make/);
    expect(empty).toMatch(/Nothing to resolve in eu-west-1/);
    expect(executed(empty)).toEqual([]);
  });

  it('keeps a problem with line breaks, escapes and bidi controls inside its comment', () => {
    const evil = script([
      finding('prod-a', 'NETWORK_ACLS', [
        detail(
          'acl-1\nrm -rf /',
          'bad\nrm -rf ~\r\ncurl x | sh\u2028echo hi\u202eevil',
          [],
          'decide\n$(reboot)',
        ),
      ]),
    ]);
    expect(executed(evil)).toEqual([]);
    expect(evil).toContain('#   Problem: bad rm -rf ~ curl x | sh echo hi evil');
    expect(shellCheck(evil).status).toBe(0);
  });

  it('gives two details that name a variable alike, for different commands, their own variables', () => {
    const text2 = script([
      finding('prod-a', 'DHCP_OPTIONS_COMPLETE', [
        detail('dopt-1', 'p', [
          'DOPT=$(aws ec2 create-dhcp-options --dhcp-configurations a --query x --output text)',
          'aws ec2 associate-dhcp-options --vpc-id vpc-1 --dhcp-options-id "$DOPT"',
        ]),
      ]),
      finding('prod-a', 'DNS_RESOLVER_AMAZON', [
        detail('dopt-1', 'q', [
          'DOPT=$(aws ec2 create-dhcp-options --dhcp-configurations b --query x --output text)',
          'aws ec2 associate-dhcp-options --vpc-id vpc-1 --dhcp-options-id "$DOPT"',
        ]),
      ]),
    ]);
    expect(executed(text2)).toEqual([
      'DOPT=$(aws ec2 create-dhcp-options --dhcp-configurations a --query x --output text)',
      'DOPT_2=$(aws ec2 create-dhcp-options --dhcp-configurations b --query x --output text)',
      // The detail the previous step ended with goes on first: fewer "continued" headers.
      'aws ec2 associate-dhcp-options --vpc-id vpc-1 --dhcp-options-id "$DOPT_2"',
      'aws ec2 associate-dhcp-options --vpc-id vpc-1 --dhcp-options-id "$DOPT"',
    ]);
  });

  it('runs a command two details capture under different names once, and both use its variable', () => {
    const text3 = script([
      finding('prod-a', 'VPC_ENDPOINTS_PRESENT', [
        detail('vpc-1', 'p', [createSg('ENDPOINT_SG', 'vpc-1'), createEndpoint('"$ENDPOINT_SG"')]),
      ]),
      finding('prod-a', 'VPC_ENDPOINTS_SECURITY_GROUPS', [
        detail('sg-1', 'q', [createSg('NEW_SG', 'vpc-1'), authorize('"${NEW_SG}"')]),
      ]),
    ]);
    expect(executed(text3)).toEqual([
      createSg('ENDPOINT_SG', 'vpc-1'),
      authorize('"${ENDPOINT_SG}"'),
      createEndpoint('"$ENDPOINT_SG"'),
    ]);
    expect(text3).toContain(`# already done above: ${createSg('ENDPOINT_SG', 'vpc-1')}`);
  });

  it('does not wait on a cluster by a name EKS would not accept', () => {
    const odd = script([
      finding('odd name', 'ENDPOINT_PRIVATE_ACCESS', [detail('x', 'p', [eksUpdate("'odd name'", 'a=1')])]),
      finding('odd name', 'ENDPOINT_PUBLIC_ACCESS', [detail('x', 'p', [eksUpdate("'odd name'", 'b=1')])]),
    ]);
    expect(executed(odd)).toEqual([eksUpdate("'odd name'", 'a=1'), eksUpdate("'odd name'", 'b=1')]);
    expect(odd).toContain('# (wait until the cluster is ACTIVE again: aws eks wait cluster-active)');
  });

  it('wraps comments at 80 columns, keeping long words (URLs) whole', () => {
    const wrapped = commentLines(`Docs: ${'word '.repeat(40)}https://example.com/${'x'.repeat(90)}`);
    for (const line of wrapped.slice(0, -1)) expect(line.length).toBeLessThanOrEqual(80);
    expect(wrapped[wrapped.length - 1]).toBe(`#   https://example.com/${'x'.repeat(90)}`);
    for (const line of text.split('\n')) {
      if (line.startsWith('#') && !/https?:\/\/|already done above/.test(line)) {
        expect(line.length).toBeLessThanOrEqual(80);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over any set of details.

const OPERATIONS = [
  'ec2 create-security-group',
  'ec2 authorize-security-group-ingress',
  'ec2 create-dhcp-options',
  'ec2 associate-dhcp-options',
  'ec2 modify-vpc-attribute',
  'ec2 create-vpc-endpoint',
  'ec2 modify-vpc-endpoint',
  'ec2 create-network-acl-entry',
  'ec2 create-route',
  'ec2 create-tags',
  'ssm put-parameter',
  'eks update-cluster-config',
];
const VARIABLES = ['SG', 'DOPT', 'EP', 'SG_2'];
/** Text no comment may let out: line breaks of every kind, shell, bidi overrides. */
const NASTY = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('x\nrm -rf /', 'a\r\nb', 'c\u2028echo d', '\u202eevil', '$(reboot)', "it's `x`", '\u0085y'),
);

interface CommandPlan {
  operation: string;
  assign: string | undefined;
  /** Which earlier assignments of the detail it uses (indices into them). */
  uses: number[];
  value: string;
}

const commandPlan = fc.record({
  operation: fc.constantFrom(...OPERATIONS),
  assign: fc.option(fc.constantFrom(...VARIABLES), { nil: undefined }),
  uses: fc.array(fc.nat({ max: 3 }), { maxLength: 2 }),
  // A small pool, so details share command lines; now and then any text, to exercise quoting.
  value: fc.oneof(fc.constantFrom('a', 'b', 'vpc-1'), fc.string({ maxLength: 6 })),
});

/** A detail's command lines: every variable it uses is one it assigned on an earlier line. */
function commandsOf(plans: readonly CommandPlan[], region: string): string[] {
  const assigned: string[] = [];
  return plans.map(({ operation, assign, uses, value }) => {
    const words = [`aws ${operation} --region ${region} --value ${shellWord(value)}`];
    for (const use of uses) if (assigned.length > 0) words.push(`--id "$${assigned[use % assigned.length]}"`);
    const command = words.join(' ');
    if (assign === undefined) return command;
    assigned.push(assign);
    return `${assign}=$(${command} --query Id --output text)`;
  });
}

const detailArb = fc.record({
  resourceId: fc.oneof(fc.constantFrom('sg-1', 'vpc-1'), NASTY),
  problem: NASTY,
  decide: fc.option(NASTY, { nil: undefined }),
  plans: fc.array(commandPlan, { maxLength: 5 }),
  sorted: fc.boolean(),
});

const findingArb = fc.record({
  cluster: fc.oneof(fc.constantFrom('prod-a', 'prod-b', 'prod-c'), NASTY),
  ruleId: fc.constantFrom('VPC_ENDPOINTS_PRESENT', 'NETWORK_ACLS', 'SUBNETS_PRIVATE'),
  severity: fc.constantFrom<Severity>('critical', 'high', 'medium', 'low'),
  compliance: fc.constantFrom<Compliance>('NON_COMPLIANT', 'INSUFFICIENT_DATA'),
  details: fc.array(detailArb, { minLength: 1, maxLength: 4 }),
});

const reportsArb = fc.array(fc.array(findingArb, { maxLength: 5 }), { minLength: 1, maxLength: 2 });

type Generated = typeof reportsArb extends fc.Arbitrary<infer T> ? T : never;

/** The reports, and for each detail its commands (in the generated order, or sorted by step when `sorted`). */
function build(generated: Generated): { reports: Report[]; details: string[][] } {
  const details: string[][] = [];
  const reports = generated.map((findings, r) => {
    const region = r === 0 ? 'eu-west-1' : 'us-east-1';
    const built = findings.map((f) =>
      finding(
        f.cluster,
        f.ruleId,
        f.details.map((d) => {
          let commands = commandsOf(d.plans, region);
          if (d.sorted) {
            commands = commands
              .map((line, i) => ({ line, i }))
              .sort((a, b) => stepOf(a.line) - stepOf(b.line) || a.i - b.i)
              .map((x) => x.line);
            // Sorting may move a use before its assignment: keep only details that still read well.
            if (!usesFollowAssignments(commands)) commands = [];
          }
          details.push(commands);
          return detail(d.resourceId, d.problem, commands, d.decide);
        }),
        { severity: f.severity, compliance: f.compliance },
      ),
    );
    return { ...reportOf(built), region };
  });
  return { reports, details };
}

function usesFollowAssignments(lines: readonly string[]): boolean {
  const assigned = new Set<string>();
  for (const line of lines) {
    if (variablesUsed(line).some((name) => !assigned.has(name))) return false;
    const name = variableAssigned(line);
    if (name !== undefined) assigned.add(name);
  }
  return true;
}

/**
 * Each line with its variables replaced by what they hold, symbolically: `V=$(cmd)` holds
 * `<cmd>` (itself expanded). Assignments are kept as `:= <expanded command>`, whatever the
 * variable's name, so renaming is invisible and a wrong binding is not.
 */
function expand(lines: readonly string[]): string[] {
  const values = new Map<string, string>();
  return lines.map((line) => {
    // Single-quoted text (shellWord's) and backslash escapes are literal; `$NAME` elsewhere expands.
    const tokens = line.match(/'[^']*'|\\.|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|[^'\\$]+|./gs) ?? [];
    const text = tokens
      .map((token) => {
        const name = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(token)?.[1];
        return name === undefined ? token : (values.get(name) ?? `<unset ${name}>`);
      })
      .join('');
    const name = variableAssigned(line);
    if (name === undefined) return text;
    const value = `<${text.slice(text.indexOf('=') + 1)}>`;
    values.set(name, value);
    return `:= ${value}`;
  });
}

const isWait = (line: string) => / wait cluster-active /.test(line);

describe('buildFixScript: properties for any set of details', () => {
  it('is valid POSIX shell (sh -n), whatever the texts', () => {
    fc.assert(
      fc.property(reportsArb, (generated) => {
        const text = buildFixScript(build(generated).reports, {
          source: 'snapshot x',
          failedRegions: ['ap-south-1'],
        });
        expect(shellCheck(text)).toEqual({ status: 0, stderr: '' });
      }),
      { numRuns: 150 },
    );
  });

  it('runs only the details’ own commands (and EKS waits), no text escapes a comment', () => {
    fc.assert(
      fc.property(reportsArb, (generated) => {
        const { reports, details } = build(generated);
        const text = buildFixScript(reports, { source: 'snapshot x' });
        const lines = text.split('\n');
        expect(lines[0]).toBe('#!/bin/sh');
        expect(lines[1]).toBe('set -eu');
        // Every detail's command, by its meaning; a run line must be one of them.
        const meanings = new Set(details.flatMap((commands) => expand(commands)));
        const run = executed(text);
        const runMeanings = expand(run);
        run.forEach((line, i) => {
          if (!isWait(line)) expect(meanings).toContain(runMeanings[i]);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('runs each distinct command exactly once and every variable is assigned before any line uses it', () => {
    fc.assert(
      fc.property(reportsArb, (generated) => {
        const { reports, details } = build(generated);
        const run = executed(buildFixScript(reports, { source: 'snapshot x' }));
        const commands = run.filter((line) => !isWait(line));
        expect(new Set(commands).size).toBe(commands.length);
        // Once, by meaning too: the same command with a renamed variable is still one command.
        const runMeanings = expand(run).filter((_, i) => !isWait(run[i]!));
        expect(new Set(runMeanings).size).toBe(runMeanings.length);
        expect(new Set(runMeanings)).toEqual(new Set(details.flatMap((c) => expand(c))));
        // A name is assigned once, and before it is used.
        const assigned = new Set<string>();
        for (const line of run) {
          for (const name of variablesUsed(line)) expect(assigned).toContain(name);
          const name = variableAssigned(line);
          if (name !== undefined) {
            expect(assigned).not.toContain(name);
            assigned.add(name);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('orders a cluster’s commands by COMMAND_ORDER when its details are in that order', () => {
    fc.assert(
      fc.property(reportsArb, (generated) => {
        for (const findings of generated)
          for (const f of findings) for (const d of f.details) d.sorted = true;
        const text = buildFixScript(build(generated).reports, { source: 'snapshot x' });
        // Per cluster section, the steps of the lines run never go back.
        for (const section of text.split(/^# Cluster .*$/m).slice(1)) {
          const steps = executed(section)
            .filter((line) => !isWait(line))
            .map(stepOf);
          expect([...steps].sort((a, b) => a - b)).toEqual(steps);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps each detail’s own order', () => {
    fc.assert(
      fc.property(reportsArb, (generated) => {
        const { reports, details } = build(generated);
        const runMeanings = expand(executed(buildFixScript(reports, { source: 'snapshot x' })));
        const position = new Map(runMeanings.map((meaning, i) => [meaning, i]));
        const count = new Map<string, number>();
        for (const meaning of details.flatMap((c) => expand(c)))
          count.set(meaning, (count.get(meaning) ?? 0) + 1);
        // A detail that shares no command with another runs its commands in its own order.
        for (const commands of details) {
          const meanings = expand(commands);
          if (meanings.some((meaning) => count.get(meaning) !== 1)) continue;
          const at = meanings.map((meaning) => position.get(meaning)!);
          expect([...at].sort((a, b) => a - b)).toEqual(at);
        }
      }),
      { numRuns: 150 },
    );
  });
});
