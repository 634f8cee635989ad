/**
 * `private-eks-guard fix`: the findings' fixes as one reviewable POSIX shell script. Nothing
 * here runs anything; it only writes text. The script groups the details per cluster,
 * comments every command with the finding it resolves, runs each distinct command once, and
 * orders commands by dependency (COMMAND_ORDER) without breaking any detail's own order.
 */
import type { Detail, Finding } from '../engine/findings';
import { findingsByCluster, type Report } from '../engine/report';
import { partitionOfRegion } from '../snapshot/load';
import { shellWord } from '../fixes/aws-cli';
import { TERMINAL_WIDTH } from './format/table';
import { fillKeepingWords, plural } from './format/text';
import { EKS_CLUSTER_NAME } from '../engine/eks-cluster-name';

export interface FixScriptOptions {
  /** Where the findings came from, for the header: `snapshot prod.json`, `a live check`. */
  source: string;
  /** Regions that could not be checked (a live run of several): named, so silence is not taken for health. */
  failedRegions?: readonly string[];
}

/** One step of COMMAND_ORDER: `service operation` names, `service *`, or `*` for everything else. */
export interface CommandStep {
  commands: readonly string[];
  /** Why the step comes where it does. */
  why: string;
}

/**
 * The order in which a cluster's commands run, earliest first. Each detail's own commands are
 * already in dependency order and keep it (a command never runs before one listed above it in
 * its detail); across details, a command runs in the first step it and everything before it in
 * its detail allow.
 */
export const COMMAND_ORDER: readonly CommandStep[] = [
  {
    commands: ['ec2 create-security-group'],
    why: 'rules and endpoints name security groups, so the groups exist first',
  },
  {
    commands: [
      'ec2 authorize-security-group-ingress',
      'ec2 authorize-security-group-egress',
      'ec2 revoke-security-group-ingress',
      'ec2 revoke-security-group-egress',
      'ec2 modify-security-group-rules',
    ],
    why: 'an endpoint admits the nodes from the moment it is available',
  },
  { commands: ['ec2 create-dhcp-options'], why: 'a DHCP option set exists before a VPC uses it' },
  {
    commands: ['ec2 associate-dhcp-options'],
    why: 'the VPC resolves through the Amazon DNS server before endpoints rely on private DNS',
  },
  {
    commands: ['ec2 modify-vpc-attribute'],
    why: 'EC2 refuses private DNS on an Interface endpoint until DNS support and hostnames are on',
  },
  {
    commands: ['ec2 create-vpc-endpoint'],
    why: 'needs the security groups, their rules and the VPC DNS settings above',
  },
  {
    commands: ['ec2 modify-vpc-endpoint', 'ec2 accept-vpc-endpoint-connections'],
    why: 'changes endpoints, including those created above',
  },
  {
    commands: [
      'ec2 create-network-acl-entry',
      'ec2 replace-network-acl-entry',
      'ec2 delete-network-acl-entry',
      'ec2 replace-network-acl-association',
    ],
    why: 'opens the subnets to the endpoints, which exist by now',
  },
  {
    commands: [
      'ec2 create-route',
      'ec2 replace-route',
      'ec2 delete-route',
      'ec2 associate-route-table',
      'ec2 replace-route-table-association',
      'ec2 disassociate-route-table',
      'ec2 modify-subnet-attribute',
      'ec2 create-subnet',
      'ec2 create-tags',
      'ec2 delete-tags',
    ],
    why: 'routes and subnets change last in the VPC: an internet route goes only once the endpoints replacing it work',
  },
  { commands: ['*'], why: 'any other command, before the cluster changes' },
  {
    commands: ['eks *'],
    why: 'EKS last: it applies one update to a cluster at a time, and its private endpoint needs the VPC DNS above',
  },
];

const STEP_OF = new Map<string, number>();
COMMAND_ORDER.forEach((step, index) => step.commands.forEach((command) => STEP_OF.set(command, index)));

/** `ec2 create-security-group` for an `aws ec2 create-security-group …` line (also inside `V=$(…)`). */
export function operationOf(line: string): string | undefined {
  const match = /(?:^|[\s(;&|])aws\s+([a-z0-9-]+)\s+([a-z0-9-]+)/.exec(line);
  return match ? `${match[1]} ${match[2]}` : undefined;
}

/** A command's step in COMMAND_ORDER. */
export function stepOf(line: string): number {
  const operation = operationOf(line);
  if (operation === undefined) return STEP_OF.get('*')!;
  return STEP_OF.get(operation) ?? STEP_OF.get(`${operation.split(' ')[0]} *`) ?? STEP_OF.get('*')!;
}

/** `aws <service> wait …`: a pause, run wherever it stands, never treated as a duplicate. */
function isWait(line: string): boolean {
  return operationOf(line)?.split(' ')[1] === 'wait';
}

function isClusterUpdate(line: string): boolean {
  const operation = operationOf(line);
  return operation !== undefined && /^eks update-cluster-/.test(operation);
}

/** `NAME=$(…)` at the start of a line: the variable it assigns. */
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
/** `$NAME` or `${NAME}` at the start of the text. */
const USE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/;

/**
 * The variable expansions of a line, as the shell reads them: outside single quotes (where
 * `$SG` is literal text), and not after a backslash. `replace` may give a use a new text.
 */
function scanUses(line: string, replace: (name: string, text: string, braced: boolean) => string): string {
  let out = '';
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length;) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      out += ch;
      i++;
    } else if (ch === '\\') {
      out += line.slice(i, i + 2);
      i += 2;
    } else if (ch === '$') {
      const match = USE.exec(line.slice(i));
      if (match) {
        out += replace((match[1] ?? match[2])!, match[0], match[1] !== undefined);
        i += match[0].length;
      } else {
        out += ch;
        i++;
      }
    } else {
      if (ch === '"') quote = quote === '"' ? undefined : '"';
      else if (ch === "'" && quote === undefined) quote = "'";
      out += ch;
      i++;
    }
  }
  return out;
}

/** The variables a line reads. */
export function variablesUsed(line: string): string[] {
  const names: string[] = [];
  scanUses(line, (name, text) => {
    names.push(name);
    return text;
  });
  return names;
}

/** The variable a line assigns, if any. */
export function variableAssigned(line: string): string | undefined {
  return ASSIGNMENT.exec(line)?.[1];
}

function renameUses(line: string, renames: ReadonlyMap<string, string>): string {
  if (renames.size === 0) return line;
  return scanUses(line, (name, text, braced) => {
    const to = renames.get(name);
    return to === undefined ? text : braced ? `\${${to}}` : `$${to}`;
  });
}

/**
 * Characters that would let text end a comment line or hide what follows it: line breaks of
 * any kind, other control characters, and bidirectional overrides (which can make a line
 * read differently from what the shell runs).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_COMMENT = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** Text made safe for one comment line: every unsafe character a space, spaces collapsed. */
export function commentSafe(text: string): string {
  return text.replace(UNSAFE_IN_COMMENT, ' ').replace(/ {2,}/g, ' ').trim();
}

/**
 * `# text` wrapped to the terminal width at spaces; the lines after the first start with
 * `#   `. A word longer than a line (an ARN, a URL) stays whole, so it can be copied.
 */
export function commentLines(text: string, first = '# ', rest = '#   '): string[] {
  const lines = fillKeepingWords(commentSafe(text).split(' '), first, rest, TERMINAL_WIDTH);
  lines[lines.length - 1] = lines[lines.length - 1]!.trimEnd();
  return lines;
}

/** A detail as the script shows it, its command lines with variables renamed where two details clash. */
interface ScriptDetail {
  finding: Finding;
  detail: Detail;
  commands: string[];
}

interface Step {
  line: string;
  owner: ScriptDetail;
  /** Its order: the detail's number, the position in the detail, the step in COMMAND_ORDER. */
  detailNumber: number;
  position: number;
  step: number;
}

/**
 * Gives each variable one meaning in the whole script. Rules name a variable after what it
 * holds (`DOPT_ID_0A1B` for the VPC's new DHCP option set), so two details may assign one
 * name, or one command under two names. The same command shares one variable, whatever the
 * details call it (the command runs once: a second create-security-group would fail or make
 * a second group); a different command under a name already taken gets a name of its own
 * (`DOPT_ID_0A1B_2`), in every line of its detail.
 */
class Variables {
  /** Name → the command it holds, and back. */
  private readonly byName = new Map<string, string>();
  private readonly byCommand = new Map<string, string>();

  commandsOf(commands: readonly string[]): string[] {
    const renames = new Map<string, string>();
    return commands.map((command) => {
      const line = renameUses(command, renames);
      const base = variableAssigned(line);
      if (base === undefined) return line;
      const body = line.slice(base.length + 1);
      let name = this.byCommand.get(body);
      if (name === undefined) {
        name = base;
        for (let n = 2; this.byName.has(name); n++) name = `${base}_${n}`;
        this.byName.set(name, body);
        this.byCommand.set(body, name);
      }
      if (name === base) renames.delete(base);
      else renames.set(base, name);
      return `${name}=${body}`;
    });
  }
}

/**
 * A cluster's commands in running order: by COMMAND_ORDER step, where each command's step is
 * at least that of the command before it in its detail (so a detail's order, and every
 * variable it assigns before using, survives), then by detail and position, except that the
 * detail the previous step ended with goes on first (fewer "continued" headers).
 */
export function orderSteps(details: readonly ScriptDetail[]): Step[] {
  const steps: Step[] = [];
  details.forEach((owner, detailNumber) => {
    let step = 0;
    owner.commands.forEach((line, position) => {
      step = Math.max(step, stepOf(line));
      steps.push({ line, owner, detailNumber, position, step });
    });
  });
  steps.sort((a, b) => a.step - b.step || a.detailNumber - b.detailNumber || a.position - b.position);
  const ordered: Step[] = [];
  for (let start = 0; start < steps.length;) {
    let end = start;
    while (end < steps.length && steps[end]!.step === steps[start]!.step) end++;
    const last = ordered[ordered.length - 1]?.owner;
    const group = steps.slice(start, end);
    ordered.push(...group.filter((s) => s.owner === last), ...group.filter((s) => s.owner !== last));
    start = end;
  }
  return ordered;
}

interface Cluster {
  name: string;
  arn: string;
  vpcId: string;
  details: ScriptDetail[];
}

/** Clusters with something to resolve, by name: each of their findings' details, in report order. */
function clustersOf(report: Report, variables: Variables): Cluster[] {
  const clusters = findingsByCluster(report)
    .map(({ name, clusterArn, vpcId, findings }) => ({
      name,
      arn: clusterArn,
      vpcId,
      details: findings.flatMap((finding) =>
        finding.details.map((detail) => ({ finding, detail, commands: [] as string[] })),
      ),
    }))
    .filter((cluster) => cluster.details.length > 0);
  // Renamed in the order the script shows the details, so the first to assign a name keeps it.
  for (const cluster of clusters) {
    for (const entry of cluster.details) entry.commands = variables.commandsOf(entry.detail.fix.commands);
  }
  return clusters;
}

function detailHeader(entry: ScriptDetail, continued: boolean): string[] {
  const { finding, detail } = entry;
  const rule = `${finding.ruleId} (${finding.severity}, ${finding.compliance})`;
  if (continued) return commentLines(`${rule}, continued: ${detail.resourceId}`);
  const lines = [
    ...commentLines(rule),
    ...commentLines(`Resource: ${detail.resourceType} ${detail.resourceId}`, '#   ', '#     '),
    ...commentLines(`Problem: ${detail.problem}`, '#   ', '#     '),
  ];
  if (detail.fix.decide) lines.push(...commentLines(`DECIDE: ${detail.fix.decide}`, '#   ', '#     '));
  if (detail.fix.documentation)
    lines.push(...commentLines(`Docs: ${detail.fix.documentation}`, '#   ', '#     '));
  return lines;
}

/** What the script does across all clusters: counted once, for the header. */
interface Tally {
  findings: Set<Finding>;
  clusters: number;
  commands: number;
  decisions: number;
}

/** Lines of one cluster's section; `done` holds the command lines already run (above, in any section). */
function clusterSection(cluster: Cluster, region: string, done: Set<string>, tally: Tally): string[] {
  const title = `Cluster ${cluster.name} (${cluster.vpcId})`;
  const lines = [
    '',
    `# ${'='.repeat(TERMINAL_WIDTH - 2)}`,
    ...commentLines(title),
    ...commentLines(cluster.arn),
    `# ${'='.repeat(TERMINAL_WIDTH - 2)}`,
  ];
  tally.clusters++;

  // Nothing to run for these: shown first, so they are read before any command.
  for (const entry of cluster.details) {
    tally.findings.add(entry.finding);
    if (entry.commands.length > 0) continue;
    tally.decisions++;
    lines.push('', ...detailHeader(entry, false));
    if (!entry.detail.fix.decide)
      lines.push('#   DECIDE: no command is known for this; see the documentation.');
  }

  let current: ScriptDetail | undefined;
  const shown = new Set<ScriptDetail>();
  let updates = 0;
  for (const { line, owner } of orderSteps(cluster.details)) {
    if (owner !== current) {
      lines.push('', ...detailHeader(owner, shown.has(owner)));
      if (owner.detail.fix.decide && !shown.has(owner)) tally.decisions++;
      shown.add(owner);
      current = owner;
    }
    if (isWait(line)) {
      lines.push(line);
      continue;
    }
    if (done.has(line)) {
      lines.push(`# already done above: ${commentSafe(line)}`);
      continue;
    }
    if (isClusterUpdate(line) && updates++ > 0) {
      lines.push('# EKS applies one update to a cluster at a time: wait for the previous one.');
      // A name EKS would accept is one plain word; anything else is not waited on by name.
      lines.push(
        EKS_CLUSTER_NAME.test(cluster.name)
          ? `aws eks wait cluster-active --region ${shellWord(region)} --name ${cluster.name}`
          : '# (wait until the cluster is ACTIVE again: aws eks wait cluster-active)',
      );
    }
    lines.push(line);
    done.add(line);
    tally.commands++;
  }
  return lines;
}

function listOf(values: readonly string[]): string {
  return [...new Set(values)].join(', ');
}

/**
 * The script for one or more Regions' reports (a live run may check several). It starts with
 * `#!/bin/sh` and `set -eu`, says what it is and that it must be reviewed, then has a section
 * per cluster with something to resolve.
 */
export function buildFixScript(reports: readonly Report[], options: FixScriptOptions): string {
  const variables = new Variables();
  const done = new Set<string>();
  const tally: Tally = { findings: new Set(), clusters: 0, commands: 0, decisions: 0 };
  const body: string[] = [];
  for (const report of reports) {
    const clusters = clustersOf(report, variables);
    if (reports.length > 1) {
      body.push('', `# ${'#'.repeat(TERMINAL_WIDTH - 2)}`, ...commentLines(`Region ${report.region}`));
    }
    if (clusters.length === 0) {
      body.push(
        '',
        ...commentLines(
          `Nothing to resolve in ${report.region}: no finding is NON_COMPLIANT or INSUFFICIENT_DATA.`,
        ),
      );
    }
    for (const cluster of clusters) body.push(...clusterSection(cluster, report.region, done, tally));
  }
  for (const region of options.failedRegions ?? []) {
    body.push('', ...commentLines(`NOT INCLUDED: ${region} could not be checked (its error is on stderr).`));
  }

  const accounts = listOf(reports.map((report) => report.accountId));
  const regions = listOf(reports.map((report) => report.region));
  // buildReport sets the partition (the snapshot's, else its Region's); a report built otherwise has its Region's.
  const partitions = listOf(reports.map((report) => report.partition ?? partitionOfRegion(report.region)));
  const generated = listOf(reports.map((report) => report.generatedAt));
  const header = [
    '#!/bin/sh',
    'set -eu',
    ...commentLines(
      `private-eks-guard fix: AWS CLI v2 commands that would resolve the findings of a check of ${options.source}, generated ${generated || 'now'}.`,
    ),
    ...commentLines(
      `Account ${accounts || '(none)'}, ${reports.length > 1 ? 'Regions' : 'Region'} ${regions || '(none)'}, partition ${partitions || '(none)'}.`,
    ),
    ...commentLines(
      'GENERATED, NOT RUN: review every command before running any. They change security groups, VPC endpoints, DHCP options, network ACLs, routes and EKS clusters. Lines marked DECIDE need a choice no command can make; make it by hand.',
    ),
    ...commentLines(
      'Per cluster, commands run in dependency order: security groups, DHCP options, VPC DNS, endpoints, network ACLs, routes and subnets, EKS last. A command two findings need runs once.',
    ),
    ...commentLines(
      `${plural(tally.findings.size, 'finding')} in ${plural(tally.clusters, 'cluster')}: ${plural(tally.commands, 'command')} to run, ${plural(tally.decisions, 'decision')} to make.`,
    ),
  ];
  return `${[...header, ...body, '', '# End of script.'].join('\n')}\n`;
}
