/*
 * A small EC2/EKS simulator for fix commands (issue 11): applyCommands(snapshot, lines) runs AWS
 * CLI v2 lines against a copy of a raw snapshot (SPEC §2 shapes) and returns the snapshot as
 * AWS would describe it afterwards, in its settled state (a new endpoint `available`, an EKS
 * update finished).
 *
 * Every line is first checked with checkAgainstModel; a problem is an error. Then its
 * expansions are resolved the way the shell would (a `"$(aws …)"` look-up runs first and its
 * output, less trailing newlines, is the value; `"$VAR"` is what an earlier `VAR=$(…)` line
 * captured), the words become the request the CLI would send, and the request is applied with
 * the API's documented checks and error codes (InvalidPermission.Duplicate,
 * NetworkAclEntryAlreadyExists, InvalidParameter for private DNS without the VPC's DNS
 * attributes, …). An operation the simulator does not model, or a request it cannot judge from
 * the snapshot (the VPC's default security group not captured), is an error too: never a
 * silent no-op. `--query` is evaluated by a small JMESPath subset that refuses what it does not
 * know; `--output text` prints like the CLI (scalars bare, a list of scalars tab-separated).
 */
import { expect } from '@jest/globals';
import type { Detail, Outcome } from '../../engine/findings';
import type { Rule } from '../../engine/rule';
import { parseCidr } from '../../network/cidr';
import { serviceName, type RawSnapshot } from '../../testkit/private-cluster';
import { runRule } from '../../testkit/run-rule';
import {
  checkAgainstModel,
  checkLines,
  expandWords,
  interpretCommand,
  parseCommandLine,
  type CliCommand,
  type ParsedCommand,
  type ParsedLine,
} from './aws-cli-model';

type Json = Record<string, unknown>;

/** An AWS error (`code` as the API names it), or the simulator's refusal (`code` Simulator*). */
export class AwsCliError extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
    /** The line that failed (1-based) and its text, once known. */
    readonly line?: { number: number; text: string },
  ) {
    super(`${code}: ${detail}${line ? ` [line ${line.number}: ${line.text}]` : ''}`);
    this.name = 'AwsCliError';
  }
}

/** One service `describe-vpc-endpoint-services` lists. */
export interface OfferedService {
  ServiceName: string;
  ServiceType: ('Interface' | 'Gateway')[];
  /** The name private DNS makes resolve to the endpoint. */
  PrivateDnsName?: string;
}

export interface SimulatorOptions {
  /** What the Region offers; default offeredServices(snapshot.region). */
  services?: readonly OfferedService[];
  /** Rules per security group and direction (the EC2 quota; default 60). */
  rulesPerSecurityGroup?: number;
}

/** Suffixes of the AWS services offered by default: the SPEC §3 list, EKS's own, s3 and dynamodb. */
export const DEFAULT_SERVICE_SUFFIXES: readonly string[] = [
  'ec2',
  'ecr.api',
  'ecr.dkr',
  'sts',
  'logs',
  'elasticloadbalancing',
  'autoscaling',
  'xray',
  'appmesh-envoy-management',
  'ssm',
  'ssmmessages',
  'ec2messages',
  'kms',
  'elasticfilesystem',
  'eks',
  'eks-auth',
  's3',
  'dynamodb',
];

/**
 * The PrivateLink services of a Region as describe-vpc-endpoint-services names them: s3 and
 * dynamodb also as Gateway endpoints; in China Regions several services carry the `cn.`
 * prefix (testkit serviceName) and DNS names end in `.amazonaws.com.cn`.
 */
export function offeredServices(
  region: string,
  suffixes: readonly string[] = DEFAULT_SERVICE_SUFFIXES,
): OfferedService[] {
  const dnsSuffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return suffixes.map((suffix) => ({
    ServiceName: serviceName(region, suffix),
    ServiceType: suffix === 's3' || suffix === 'dynamodb' ? ['Interface', 'Gateway'] : ['Interface'],
    PrivateDnsName: `${suffix}.${region}.${dnsSuffix}`,
  }));
}

/**
 * The commands of a finding's details in order, each distinct line once, as the `fix` script
 * runs them (cli/fix-script.ts): details that share a step (one new security group for several
 * endpoints, one route table for several subnets) repeat its line. `distinct: false` keeps every
 * line.
 */
export function fixCommands(
  outcome: { details: readonly Detail[] },
  options: { distinct?: boolean } = {},
): string[] {
  const lines = outcome.details.flatMap((detail) => detail.fix.commands);
  return options.distinct === false ? lines : [...new Set(lines)];
}

export interface SimulationResult {
  snapshot: RawSnapshot;
  /** What each line printed (a capture prints nothing). */
  outputs: string[];
  variables: Record<string, string>;
}

/**
 * Runs `lines` against a deep copy of `snapshot` (left as it is) and returns the copy, changed as
 * AWS would change it. Throws AwsCliError, naming the line, for the first line that fails.
 */
export function applyCommands(
  snapshot: RawSnapshot,
  lines: readonly string[],
  options: SimulatorOptions = {},
): RawSnapshot {
  return simulate(snapshot, lines, options).snapshot;
}

/** applyCommands, with what each line printed and the captured variables. */
export function simulate(
  snapshot: RawSnapshot,
  lines: readonly string[],
  options: SimulatorOptions = {},
): SimulationResult {
  const simulator = new Simulator(structuredClone(snapshot), options);
  const outputs: string[] = [];
  lines.forEach((line, n) => {
    try {
      outputs.push(simulator.run(line));
    } catch (error) {
      if (error instanceof AwsCliError)
        throw new AwsCliError(error.code, error.detail, { number: n + 1, text: line });
      throw error;
    }
  });
  return { snapshot: simulator.snapshot, outputs, variables: Object.fromEntries(simulator.variables) };
}

// ---------------------------------------------------------------------------------------------
// What the rule tests ask of a NON_COMPLIANT outcome's details

/** `text` names `id` as a whole word (not as part of a longer id or address; a full stop may end it). */
function names(text: string, id: string): boolean {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w.-])${escaped}($|[^\\w.-]|\\.(?![\\w-]))`).test(text);
}

/**
 * The outcome is NON_COMPLIANT with details; every offender is a detail's resource or named in a
 * detail's problem (a route table behind its subnets, a CIDR, a DNS server); every detail has
 * commands or a decision, and an AWS documentation page.
 */
export function expectDetailsCoverOffenders(outcome: Outcome): void {
  expect(outcome.compliance).toBe('NON_COMPLIANT');
  expect(outcome.details.length).toBeGreaterThan(0);
  for (const offender of outcome.offenders) {
    const covered = outcome.details.some((d) => d.resourceId === offender || names(d.problem, offender));
    expect({ offender, covered }).toEqual({ offender, covered: true });
  }
  for (const detail of outcome.details) {
    expect(detail.fix.commands.length > 0 || (detail.fix.decide ?? '').length > 0).toBe(true);
    expect(detail.fix.documentation).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  }
}

/** Every detail's command lines pass checkLines: the API model, and each variable captured first. */
export function expectValidCommands(outcome: { details: readonly Detail[] }): void {
  for (const detail of outcome.details) {
    expect([detail.resourceId, checkLines(detail.fix.commands)]).toEqual([detail.resourceId, []]);
  }
}

/**
 * Runs the details' commands on a copy of `snapshot` as `private-eks-guard fix` would (each
 * distinct line once) and evaluates `rule` again on the copy.
 */
export function fixAndRerun(
  rule: Rule,
  snapshot: RawSnapshot,
  outcome: { details: readonly Detail[] },
  params: Record<string, string> = {},
  options: SimulatorOptions = {},
): { outcome: Outcome; snapshot: RawSnapshot } {
  const fixed = applyCommands(snapshot, fixCommands(outcome), options);
  return { outcome: runRule(rule, fixed, params), snapshot: fixed };
}

// ---------------------------------------------------------------------------------------------

type Handler = (sim: Simulator, input: Json, command: CliCommand) => unknown;

const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function fail(code: string, message: string): never {
  throw new AwsCliError(code, message);
}

export class Simulator {
  readonly variables = new Map<string, string>();
  private counter = 0;
  /** EKS clusters whose update is still in progress (until `aws eks wait cluster-active`). */
  readonly updating = new Set<string>();
  readonly services: readonly OfferedService[];
  readonly rulesPerSecurityGroup: number;

  constructor(
    readonly snapshot: RawSnapshot,
    options: SimulatorOptions = {},
  ) {
    this.services = options.services ?? offeredServices(snapshot.region);
    this.rulesPerSecurityGroup = options.rulesPerSecurityGroup ?? 60;
  }

  /** Runs one line; returns what it printed (nothing for a capture). */
  run(line: string): string {
    let parsed: ParsedLine;
    try {
      parsed = parseCommandLine(line);
    } catch (error) {
      fail('SimulatorShellSyntax', (error as Error).message);
    }
    const problems = checkAgainstModel(parsed);
    if (problems.length > 0) {
      fail('SimulatorModelCheck', problems.map((p) => `${p.kind}: ${p.message}`).join('; '));
    }
    const output = this.execute(parsed);
    if (parsed.capture !== undefined) {
      this.variables.set(parsed.capture, output.replace(/\n+$/, ''));
      return '';
    }
    return output;
  }

  private execute(parsed: ParsedCommand): string {
    const words = expandWords(parsed.words, (part) => {
      if (part.kind === 'var') {
        const value = this.variables.get(part.name);
        if (value === undefined)
          fail('SimulatorUnboundVariable', `$${part.name} was not captured by an earlier line`);
        return value;
      }
      // The shell drops the trailing newlines of a command substitution.
      return this.execute(part.command).replace(/\n+$/, '');
    });
    const { command, problems } = interpretCommand(words.map((w) => ({ text: w.text, deferred: false })));
    if (!command || problems.length > 0) {
      fail('SimulatorModelCheck', problems.map((p) => `${p.kind}: ${p.message}`).join('; '));
    }
    if (command.region !== this.snapshot.region) {
      fail(
        'SimulatorWrongRegion',
        `--region ${command.region} is not the snapshot's Region ${this.snapshot.region}: its resources are not there`,
      );
    }
    if (command.input.DryRun === true) {
      fail('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
    }
    const key = command.waiter
      ? `${command.service} wait ${command.waiter}`
      : `${command.service} ${command.operation}`;
    const handler = HANDLERS[key];
    if (!handler) fail('SimulatorUnsupportedOperation', `the simulator does not model ${key}`);
    const response = handler(this, command.input, command);
    return formatOutput(
      command.query === undefined ? response : searchJson(response, command.query),
      command.output,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Look-ups

  section<K extends keyof RawSnapshot['ec2']>(name: K): RawSnapshot['ec2'][K] {
    const section = (this.snapshot.ec2 as Partial<RawSnapshot['ec2']> | undefined)?.[name];
    if (section === undefined) {
      fail(
        'SimulatorSnapshotLacks',
        `the snapshot has no ec2.${name}, so the simulator cannot tell what AWS holds`,
      );
    }
    return section;
  }

  private find(section: keyof RawSnapshot['ec2'], key: string, id: string, code: string, what: string): Json {
    const found = (this.section(section) as Json[]).find((item) => item[key] === id);
    if (!found) fail(code, `The ${what} '${id}' does not exist`);
    return found;
  }

  vpc(id: string): Json {
    return this.find('Vpcs', 'VpcId', id, 'InvalidVpcID.NotFound', 'vpc ID');
  }

  subnet(id: string): Json {
    return this.find('Subnets', 'SubnetId', id, 'InvalidSubnetID.NotFound', 'subnet ID');
  }

  group(id: string): Json {
    return this.find('SecurityGroups', 'GroupId', id, 'InvalidGroup.NotFound', 'security group');
  }

  routeTable(id: string): Json {
    return this.find('RouteTables', 'RouteTableId', id, 'InvalidRouteTableID.NotFound', 'route table ID');
  }

  networkAcl(id: string): Json {
    return this.find('NetworkAcls', 'NetworkAclId', id, 'InvalidNetworkAclID.NotFound', 'network ACL ID');
  }

  endpoint(id: string): Json {
    return this.find('VpcEndpoints', 'VpcEndpointId', id, 'InvalidVpcEndpointId.NotFound', 'VPC endpoint ID');
  }

  cluster(name: string): Json {
    const found = this.snapshot.eks.clusters.find((c) => c.name === name);
    if (!found) fail('ResourceNotFoundException', `No cluster found for name: ${name}.`);
    return found;
  }

  /** A fresh id of 17 hex digits, like EC2's. */
  newId(prefix: string): string {
    this.counter += 1;
    return `${prefix}-05${this.counter.toString(16).padStart(15, '0')}`;
  }

  tagsFor(input: Json, resourceType: string): Json[] {
    const tags: Json[] = [];
    for (const spec of list(input.TagSpecifications)) {
      if (spec.ResourceType !== resourceType) {
        fail(
          'InvalidParameterValue',
          `TagSpecifications: resource type ${String(spec.ResourceType)} is not ${resourceType}`,
        );
      }
      for (const tag of list(spec.Tags)) tags.push({ Key: tag.Key, Value: tag.Value ?? '' });
    }
    return tags;
  }

  offered(name: string): OfferedService {
    const service = this.services.find((s) => s.ServiceName === name);
    if (!service) fail('InvalidServiceName', `The Vpc Endpoint Service '${name}' does not exist`);
    return service;
  }

  /** The VPC's DNS attributes (SPEC §2 ec2.VpcAttributes). */
  vpcAttributes(vpcId: string): Json {
    const attributes = this.section('VpcAttributes');
    const own = attributes[vpcId];
    if (!own) fail('SimulatorSnapshotLacks', `the snapshot has no ec2.VpcAttributes of ${vpcId}`);
    return own;
  }
}

// ---------------------------------------------------------------------------------------------
// VPC endpoints

const DEFAULT_POLICY =
  '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}';

const GONE_STATES = ['deleting', 'deleted', 'rejected', 'failed', 'expired'];

function serviceSuffix(name: string, region: string): string {
  return name.replace(/^(cn\.)?com\.amazonaws\./, '').replace(`${region}.`, '');
}

/** Private DNS needs the VPC's two DNS attributes and no other endpoint of the service holding the name. */
function checkPrivateDns(sim: Simulator, endpoint: Json): void {
  const vpcId = String(endpoint.VpcId);
  const attributes = sim.vpcAttributes(vpcId);
  const on = (name: string) => (attributes[name] as Json | undefined)?.Value === true;
  if (!on('EnableDnsSupport') || !on('EnableDnsHostnames')) {
    fail(
      'InvalidParameter',
      `Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for ${vpcId}`,
    );
  }
  const conflict = sim
    .section('VpcEndpoints')
    .find(
      (other) =>
        other !== endpoint &&
        other.VpcId === vpcId &&
        other.ServiceName === endpoint.ServiceName &&
        other.VpcEndpointType === 'Interface' &&
        other.PrivateDnsEnabled === true &&
        !GONE_STATES.includes(String(other.State ?? '').toLowerCase()),
    );
  if (conflict) {
    const dnsName = sim.offered(String(endpoint.ServiceName)).PrivateDnsName ?? String(endpoint.ServiceName);
    fail(
      'InvalidParameter',
      `private-dns-enabled cannot be set because there is already a conflicting DNS domain for ${dnsName} in the VPC ${vpcId} (${String(conflict.VpcEndpointId)})`,
    );
  }
}

/** Subnets of an Interface endpoint: in its VPC, one per Availability Zone. */
function checkEndpointSubnets(sim: Simulator, vpcId: string, subnetIds: readonly string[]): void {
  const zones = new Map<string, string>();
  for (const id of subnetIds) {
    const subnet = sim.subnet(id);
    if (subnet.VpcId !== vpcId)
      fail('InvalidParameter', `The subnet ${id} does not belong to the VPC ${vpcId}`);
    const zone = String(subnet.AvailabilityZone);
    const other = zones.get(zone);
    if (other !== undefined) {
      fail(
        'DuplicateSubnetsInSameZone',
        `Found another VPC endpoint subnet in the availability zone of ${id} (${other}). VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service.`,
      );
    }
    zones.set(zone, id);
  }
}

function endpointGroup(sim: Simulator, vpcId: string, id: string): Json {
  const group = sim.group(id);
  if (group.VpcId !== vpcId)
    fail('InvalidParameter', `The security group ${id} does not belong to the VPC ${vpcId}`);
  return { GroupId: id, GroupName: group.GroupName };
}

function prefixListOf(sim: Simulator, service: string): string {
  const known = ((sim.snapshot.ec2 as Partial<RawSnapshot['ec2']>).PrefixLists ?? []).find(
    (pl) => pl.PrefixListName === service,
  );
  return known ? String(known.PrefixListId) : `pl-${sim.newId('x').slice(-8)}`;
}

function addGatewayRoute(sim: Simulator, endpoint: Json, tableId: string): void {
  const table = sim.routeTable(tableId);
  if (table.VpcId !== endpoint.VpcId) {
    fail(
      'InvalidParameter',
      `The route table ${tableId} does not belong to the VPC ${String(endpoint.VpcId)}`,
    );
  }
  const prefixList = prefixListOf(sim, String(endpoint.ServiceName));
  const routes = list(table.Routes);
  const held = routes.find((route) => route.DestinationPrefixListId === prefixList);
  // The endpoint's own route (left by an earlier association) is kept; another target's is a conflict.
  if (held?.GatewayId === endpoint.VpcEndpointId) return;
  if (held) {
    fail(
      'RouteAlreadyExists',
      `The route table ${tableId} already has a route with destination-prefix-list-id ${prefixList}`,
    );
  }
  table.Routes = [
    ...routes,
    {
      DestinationPrefixListId: prefixList,
      GatewayId: endpoint.VpcEndpointId,
      Origin: 'CreateRoute',
      State: 'active',
    },
  ];
}

function removeGatewayRoute(sim: Simulator, endpoint: Json, tableId: string): void {
  const table = sim.routeTable(tableId);
  table.Routes = list(table.Routes).filter((route) => route.GatewayId !== endpoint.VpcEndpointId);
}

const createVpcEndpoint: Handler = (sim, input) => {
  const vpcId = String(input.VpcId);
  sim.vpc(vpcId);
  // CreateVpcEndpoint: "VpcEndpointType … Default: Gateway".
  const type = str(input.VpcEndpointType) ?? 'Gateway';
  if (type !== 'Interface' && type !== 'Gateway') {
    fail(
      'SimulatorUnsupportedOperation',
      `the simulator models Interface and Gateway endpoints, not ${type}`,
    );
  }
  const name = str(input.ServiceName);
  if (!name) fail('MissingParameter', 'The request must contain the parameter ServiceName');
  const service = sim.offered(name);
  if (!service.ServiceType.includes(type)) {
    fail('InvalidParameter', `The Vpc Endpoint Service '${name}' does not support endpoint type ${type}`);
  }
  const id = sim.newId('vpce');
  const owner = sim.snapshot.accountId;
  const endpoints = sim.section('VpcEndpoints');
  const common = {
    VpcEndpointId: id,
    VpcEndpointType: type,
    VpcId: vpcId,
    ServiceName: name,
    State: 'available',
    PolicyDocument: str(input.PolicyDocument) ?? DEFAULT_POLICY,
    RequesterManaged: false,
    CreationTimestamp: '2026-11-22T10:30:00.000Z',
    Tags: sim.tagsFor(input, 'vpc-endpoint'),
    OwnerId: owner,
  };
  let endpoint: Json;
  if (type === 'Gateway') {
    for (const member of ['SubnetIds', 'SecurityGroupIds', 'PrivateDnsEnabled', 'DnsOptions']) {
      if (input[member] !== undefined)
        fail('InvalidParameter', `${member} is not supported for Gateway endpoints`);
    }
    endpoint = {
      ...common,
      RouteTableIds: [],
      SubnetIds: [],
      Groups: [],
      PrivateDnsEnabled: false,
      NetworkInterfaceIds: [],
      DnsEntries: [],
    };
    endpoints.push(endpoint);
    for (const tableId of strings(input.RouteTableIds)) {
      addGatewayRoute(sim, endpoint, tableId);
      (endpoint.RouteTableIds as string[]).push(tableId);
    }
    return { VpcEndpoint: endpoint };
  }
  if (input.RouteTableIds !== undefined)
    fail('InvalidParameter', 'RouteTableIds is not supported for Interface endpoints');
  const subnetIds = strings(input.SubnetIds);
  checkEndpointSubnets(sim, vpcId, subnetIds);
  let groupIds = strings(input.SecurityGroupIds);
  if (input.SecurityGroupIds === undefined) {
    // "If you do not specify a security group, we associate the default security group for the VPC."
    const fallback = sim
      .section('SecurityGroups')
      .find((g) => g.VpcId === vpcId && g.GroupName === 'default');
    if (!fallback) {
      fail(
        'SimulatorSnapshotLacks',
        `no --security-group-ids: AWS would attach the default security group of ${vpcId}, which the snapshot does not hold`,
      );
    }
    groupIds = [String(fallback.GroupId)];
  }
  const suffix = serviceSuffix(name, sim.snapshot.region);
  endpoint = {
    ...common,
    RouteTableIds: [],
    SubnetIds: subnetIds,
    Groups: groupIds.map((g) => endpointGroup(sim, vpcId, g)),
    IpAddressType: str(input.IpAddressType) ?? 'ipv4',
    DnsOptions: { DnsRecordIpType: 'ipv4', ...((input.DnsOptions as Json | undefined) ?? {}) },
    // CreateVpcEndpoint: "PrivateDnsEnabled … Default: true" for Interface endpoints of AWS services.
    PrivateDnsEnabled: input.PrivateDnsEnabled ?? true,
    NetworkInterfaceIds: subnetIds.map(() => sim.newId('eni')),
    DnsEntries: [
      {
        DnsName: `${id}-sim.${suffix}.${sim.snapshot.region}.vpce.amazonaws.com${sim.snapshot.region.startsWith('cn-') ? '.cn' : ''}`,
        HostedZoneId: 'Z7HUB22UULQXV',
      },
    ],
  };
  if (endpoint.PrivateDnsEnabled === true) checkPrivateDns(sim, endpoint);
  endpoints.push(endpoint);
  return { VpcEndpoint: endpoint };
};

const modifyVpcEndpoint: Handler = (sim, input) => {
  const endpoint = sim.endpoint(String(input.VpcEndpointId));
  const vpcId = String(endpoint.VpcId);
  const type = String(endpoint.VpcEndpointType);
  const onlyFor = (member: string, wanted: string) => {
    if (input[member] !== undefined && type !== wanted) {
      fail('InvalidParameter', `${member} is not supported for ${type} endpoints`);
    }
  };
  for (const member of ['AddRouteTableIds', 'RemoveRouteTableIds']) onlyFor(member, 'Gateway');
  for (const member of [
    'AddSubnetIds',
    'RemoveSubnetIds',
    'AddSecurityGroupIds',
    'RemoveSecurityGroupIds',
    'PrivateDnsEnabled',
  ]) {
    onlyFor(member, 'Interface');
  }
  const edit = (current: string[], add: unknown, remove: unknown, what: string): string[] => {
    let next = [...current];
    for (const id of strings(remove)) {
      if (!next.includes(id))
        fail('InvalidParameter', `${what} ${id} is not associated with ${String(endpoint.VpcEndpointId)}`);
      next = next.filter((x) => x !== id);
    }
    for (const id of strings(add)) {
      if (next.includes(id))
        fail(
          'InvalidParameter',
          `${what} ${id} is already associated with ${String(endpoint.VpcEndpointId)}`,
        );
      next.push(id);
    }
    return next;
  };
  if (type === 'Gateway') {
    const tables = edit(
      strings(endpoint.RouteTableIds),
      input.AddRouteTableIds,
      input.RemoveRouteTableIds,
      'route table',
    );
    for (const id of strings(input.RemoveRouteTableIds)) removeGatewayRoute(sim, endpoint, id);
    for (const id of strings(input.AddRouteTableIds)) addGatewayRoute(sim, endpoint, id);
    endpoint.RouteTableIds = tables;
  } else {
    const subnets = edit(strings(endpoint.SubnetIds), input.AddSubnetIds, input.RemoveSubnetIds, 'subnet');
    checkEndpointSubnets(sim, vpcId, subnets);
    if (input.AddSubnetIds !== undefined || input.RemoveSubnetIds !== undefined) {
      const enis = strings(endpoint.NetworkInterfaceIds);
      endpoint.NetworkInterfaceIds = subnets.map(
        (s) => enis[strings(endpoint.SubnetIds).indexOf(s)] ?? sim.newId('eni'),
      );
      endpoint.SubnetIds = subnets;
    }
    const groups = edit(
      list(endpoint.Groups).map((g) => String(g.GroupId)),
      input.AddSecurityGroupIds,
      input.RemoveSecurityGroupIds,
      'security group',
    );
    if (input.AddSecurityGroupIds !== undefined || input.RemoveSecurityGroupIds !== undefined) {
      endpoint.Groups = groups.map((g) => endpointGroup(sim, vpcId, g));
    }
    if (input.PrivateDnsEnabled === true && endpoint.PrivateDnsEnabled !== true)
      checkPrivateDns(sim, endpoint);
    if (input.PrivateDnsEnabled !== undefined) endpoint.PrivateDnsEnabled = input.PrivateDnsEnabled;
    if (input.DnsOptions !== undefined)
      endpoint.DnsOptions = { ...(endpoint.DnsOptions as Json), ...(input.DnsOptions as Json) };
    if (input.IpAddressType !== undefined) endpoint.IpAddressType = input.IpAddressType;
  }
  if (input.ResetPolicy === true) endpoint.PolicyDocument = DEFAULT_POLICY;
  if (input.PolicyDocument !== undefined) endpoint.PolicyDocument = input.PolicyDocument;
  if (input.SubnetConfigurations !== undefined) {
    fail('SimulatorUnsupportedOperation', 'the simulator does not model SubnetConfigurations');
  }
  return { Return: true };
};

const describeVpcEndpointServices: Handler = (sim, input) => {
  let offered = [...sim.services];
  const names = strings(input.ServiceNames);
  for (const name of names) sim.offered(name);
  if (names.length > 0) offered = offered.filter((s) => names.includes(s.ServiceName));
  for (const filter of list(input.Filters)) {
    const values = strings(filter.Values);
    if (filter.Name === 'service-name') offered = offered.filter((s) => values.includes(s.ServiceName));
    else if (filter.Name === 'service-type')
      offered = offered.filter((s) => s.ServiceType.some((t) => values.includes(t)));
    else
      fail(
        'SimulatorUnsupportedOperation',
        `the simulator does not filter endpoint services by ${String(filter.Name)}`,
      );
  }
  return {
    ServiceNames: offered.map((s) => s.ServiceName),
    ServiceDetails: offered.map((s) => ({
      ServiceName: s.ServiceName,
      ServiceType: s.ServiceType.map((t) => ({ ServiceType: t })),
      Owner: 'amazon',
      ...(s.PrivateDnsName ? { PrivateDnsName: s.PrivateDnsName } : {}),
      AcceptanceRequired: false,
    })),
  };
};

// ---------------------------------------------------------------------------------------------
// Security groups

const PROTOCOLS: Record<string, string> = {
  tcp: 'tcp',
  '6': 'tcp',
  udp: 'udp',
  '17': 'udp',
  icmp: 'icmp',
  '1': 'icmp',
  icmpv6: 'icmpv6',
  '58': 'icmpv6',
  '-1': '-1',
};

/** EC2's spelling of a rule's protocol, as DescribeSecurityGroups shows it. */
function sgProtocol(value: unknown, strict: boolean): string {
  const text = String(value ?? '').toLowerCase();
  const known = PROTOCOLS[text];
  if (known) return known;
  if (/^\d+$/.test(text) && Number(text) <= 255) return String(Number(text));
  if (!strict) return text;
  if (value === undefined) fail('MissingParameter', 'The request must contain the parameter ipProtocol');
  fail('InvalidParameterValue', `Invalid value '${String(value)}' for IP protocol. Unknown protocol.`);
}

interface Source {
  list: 'IpRanges' | 'Ipv6Ranges' | 'PrefixListIds' | 'UserIdGroupPairs';
  id: string;
  entry: Json;
}

interface Permission {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  sources: Source[];
}

function portKey(p: { IpProtocol: string; FromPort?: number; ToPort?: number }): string {
  return `${p.IpProtocol}|${p.FromPort ?? ''}|${p.ToPort ?? ''}`;
}

function sourcesOf(permission: Json): Source[] {
  return [
    ...list(permission.IpRanges).map((e) => ({ list: 'IpRanges' as const, id: String(e.CidrIp), entry: e })),
    ...list(permission.Ipv6Ranges).map((e) => ({
      list: 'Ipv6Ranges' as const,
      id: String(e.CidrIpv6),
      entry: e,
    })),
    ...list(permission.PrefixListIds).map((e) => ({
      list: 'PrefixListIds' as const,
      id: String(e.PrefixListId),
      entry: e,
    })),
    ...list(permission.UserIdGroupPairs).map((e) => ({
      list: 'UserIdGroupPairs' as const,
      id: String(e.GroupId),
      entry: e,
    })),
  ];
}

function strictCidr(text: unknown, family: 4 | 6): string {
  const cidr = parseCidr(String(text), true);
  if (!cidr || cidr.family !== family)
    fail('InvalidParameterValue', `CIDR block ${String(text)} is malformed`);
  return String(text);
}

/** One requested permission, validated and in EC2's stored form. */
function requestedPermission(sim: Simulator, raw: Json): Permission {
  const IpProtocol = sgProtocol(raw.IpProtocol, true);
  const permission: Permission = { IpProtocol, sources: [] };
  if (IpProtocol === 'tcp' || IpProtocol === 'udp') {
    const from = raw.FromPort;
    const to = raw.ToPort;
    if (typeof from !== 'number' || typeof to !== 'number') {
      fail(
        'InvalidParameterValue',
        `Invalid value 'null' for ${typeof from !== 'number' ? 'fromPort' : 'toPort'}. You must specify a port range for ${IpProtocol}.`,
      );
    }
    if (from < 0 || to > 65535 || from > to)
      fail('InvalidParameterValue', `Invalid port range ${from}-${to}`);
    permission.FromPort = from;
    permission.ToPort = to;
  } else if (IpProtocol === 'icmp' || IpProtocol === 'icmpv6') {
    permission.FromPort = typeof raw.FromPort === 'number' ? raw.FromPort : -1;
    permission.ToPort = typeof raw.ToPort === 'number' ? raw.ToPort : -1;
  }
  const describe = (e: Json) => (e.Description === undefined ? {} : { Description: e.Description });
  for (const e of list(raw.IpRanges)) {
    permission.sources.push({
      list: 'IpRanges',
      id: strictCidr(e.CidrIp, 4),
      entry: { CidrIp: e.CidrIp, ...describe(e) },
    });
  }
  for (const e of list(raw.Ipv6Ranges)) {
    permission.sources.push({
      list: 'Ipv6Ranges',
      id: strictCidr(e.CidrIpv6, 6),
      entry: { CidrIpv6: e.CidrIpv6, ...describe(e) },
    });
  }
  const prefixLists = (sim.snapshot.ec2 as Partial<RawSnapshot['ec2']>).PrefixLists;
  for (const e of list(raw.PrefixListIds)) {
    const id = String(e.PrefixListId);
    if (prefixLists && !prefixLists.some((pl) => pl.PrefixListId === id)) {
      fail('InvalidPrefixListID.NotFound', `The prefix list '${id}' does not exist`);
    }
    permission.sources.push({ list: 'PrefixListIds', id, entry: { PrefixListId: id, ...describe(e) } });
  }
  for (const e of list(raw.UserIdGroupPairs)) {
    const id = str(e.GroupId);
    if (!id) fail('SimulatorUnsupportedOperation', 'the simulator models group references by GroupId only');
    const userId = str(e.UserId) ?? sim.snapshot.accountId;
    if (userId === sim.snapshot.accountId) sim.group(id);
    permission.sources.push({
      list: 'UserIdGroupPairs',
      id,
      entry: { GroupId: id, UserId: userId, ...describe(e) },
    });
  }
  if (permission.sources.length === 0) {
    fail(
      'MissingParameter',
      'Each IP permission needs a source or destination: IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs',
    );
  }
  return permission;
}

function describeRule(p: Permission, source: Source): string {
  const ports =
    p.IpProtocol === '-1'
      ? 'ALL'
      : `${p.IpProtocol.toUpperCase()}, from port: ${p.FromPort ?? 'None'}, to port: ${p.ToPort ?? 'None'}`;
  return `peer: ${source.id}, ${ports}, ALLOW`;
}

function permissionsOfRequest(sim: Simulator, input: Json, egress: boolean): Permission[] {
  const legacy = [
    'CidrIp',
    'FromPort',
    'ToPort',
    'IpProtocol',
    'SourceSecurityGroupName',
    'SourceSecurityGroupOwnerId',
  ].filter((m) => input[m] !== undefined);
  if (input.IpPermissions !== undefined) {
    if (legacy.length > 0) {
      fail(
        'InvalidParameterCombination',
        `The parameter IpPermissions cannot be used with ${legacy.join(', ')}`,
      );
    }
    return list(input.IpPermissions).map((raw) => requestedPermission(sim, raw));
  }
  if (legacy.length === 0) fail('MissingParameter', 'The request must contain the parameter IpPermissions');
  if (egress || input.SourceSecurityGroupName !== undefined) {
    fail('SimulatorUnsupportedOperation', 'the simulator models this call with --ip-permissions only');
  }
  return [
    requestedPermission(sim, {
      IpProtocol: input.IpProtocol,
      FromPort: input.FromPort,
      ToPort: input.ToPort,
      IpRanges: input.CidrIp === undefined ? [] : [{ CidrIp: input.CidrIp }],
    }),
  ];
}

function targetGroup(sim: Simulator, input: Json): Json {
  if (input.GroupId !== undefined) return sim.group(String(input.GroupId));
  const name = str(input.GroupName);
  if (!name) fail('MissingParameter', 'The request must contain the parameter groupId');
  // GroupName works for security groups of a default VPC only.
  const defaults = new Set(
    sim
      .section('Vpcs')
      .filter((v) => v.IsDefault === true)
      .map((v) => v.VpcId),
  );
  const found = sim.section('SecurityGroups').find((g) => g.GroupName === name && defaults.has(g.VpcId));
  if (!found) fail('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC`);
  return found;
}

function ruleCount(permissions: Json[]): number {
  return permissions.reduce((n, p) => n + sourcesOf(p).length, 0);
}

function authorize(egress: boolean): Handler {
  return (sim, input) => {
    const group = targetGroup(sim, input);
    const key = egress ? 'IpPermissionsEgress' : 'IpPermissions';
    const stored = list(group[key]);
    const requested = permissionsOfRequest(sim, input, egress);
    const seen = new Set<string>();
    for (const p of requested) {
      for (const source of p.sources) {
        const id = `${portKey(p)}|${source.list}|${source.id}`;
        const exists = stored.some(
          (s) =>
            portKey({
              IpProtocol: sgProtocol(s.IpProtocol, false),
              FromPort: s.FromPort as number | undefined,
              ToPort: s.ToPort as number | undefined,
            }) === portKey(p) && sourcesOf(s).some((x) => x.list === source.list && x.id === source.id),
        );
        if (exists || seen.has(id)) {
          fail(
            'InvalidPermission.Duplicate',
            `the specified rule "${describeRule(p, source)}" already exists`,
          );
        }
        seen.add(id);
      }
    }
    const next = stored.map((s) => ({ ...s }));
    for (const p of requested) {
      let target = next.find(
        (s) =>
          portKey({
            IpProtocol: sgProtocol(s.IpProtocol, false),
            FromPort: s.FromPort as number | undefined,
            ToPort: s.ToPort as number | undefined,
          }) === portKey(p),
      );
      if (!target) {
        target = {
          IpProtocol: p.IpProtocol,
          ...(p.FromPort === undefined ? {} : { FromPort: p.FromPort, ToPort: p.ToPort }),
          IpRanges: [],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        };
        next.push(target);
      }
      for (const source of p.sources) target[source.list] = [...list(target[source.list]), source.entry];
    }
    if (ruleCount(next) > sim.rulesPerSecurityGroup) {
      fail(
        'RulesPerSecurityGroupLimitExceeded',
        `The maximum number of rules per security group (${sim.rulesPerSecurityGroup}) has been reached.`,
      );
    }
    group[key] = next;
    return { Return: true };
  };
}

function revoke(egress: boolean): Handler {
  return (sim, input) => {
    const group = targetGroup(sim, input);
    const key = egress ? 'IpPermissionsEgress' : 'IpPermissions';
    let next = list(group[key]).map((s) => ({ ...s }));
    for (const p of permissionsOfRequest(sim, input, egress)) {
      const target = next.find(
        (s) =>
          portKey({
            IpProtocol: sgProtocol(s.IpProtocol, false),
            FromPort: s.FromPort as number | undefined,
            ToPort: s.ToPort as number | undefined,
          }) === portKey(p),
      );
      for (const source of p.sources) {
        const held = target ? list(target[source.list]) : [];
        const kept = held.filter((e) => sourcesOf({ [source.list]: [e] })[0]!.id !== source.id);
        if (!target || kept.length === held.length) {
          fail(
            'InvalidPermission.NotFound',
            `The specified rule does not exist in this security group: ${describeRule(p, source)}`,
          );
        }
        target[source.list] = kept;
      }
      next = next.filter((s) => sourcesOf(s).length > 0);
    }
    group[key] = next;
    return { Return: true };
  };
}

const createSecurityGroup: Handler = (sim, input) => {
  const name = String(input.GroupName);
  let vpcId = str(input.VpcId);
  if (vpcId === undefined) {
    const fallback = sim.section('Vpcs').find((v) => v.IsDefault === true);
    if (!fallback) fail('VPCIdNotSpecified', 'No default VPC for this user');
    vpcId = String(fallback.VpcId);
  }
  const vpc = sim.vpc(vpcId);
  if (/^sg-/i.test(name)) fail('InvalidParameterValue', 'Group names may not be in the format sg-*');
  const groups = sim.section('SecurityGroups');
  if (groups.some((g) => g.VpcId === vpcId && g.GroupName === name)) {
    fail('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`);
  }
  const id = sim.newId('sg');
  const egress: Json[] = [
    {
      IpProtocol: '-1',
      IpRanges: [{ CidrIp: '0.0.0.0/0' }],
      Ipv6Ranges: [],
      PrefixListIds: [],
      UserIdGroupPairs: [],
    },
  ];
  // A VPC with an IPv6 block also gets an all-IPv6 egress rule.
  if (list(vpc.Ipv6CidrBlockAssociationSet).length > 0) {
    egress.push({
      IpProtocol: '-1',
      IpRanges: [],
      Ipv6Ranges: [{ CidrIpv6: '::/0' }],
      PrefixListIds: [],
      UserIdGroupPairs: [],
    });
  }
  groups.push({
    GroupId: id,
    GroupName: name,
    Description: input.Description,
    VpcId: vpcId,
    OwnerId: sim.snapshot.accountId,
    IpPermissions: [],
    IpPermissionsEgress: egress,
    Tags: sim.tagsFor(input, 'security-group'),
  });
  const partition =
    sim.snapshot.partition ??
    (sim.snapshot.region.startsWith('cn-')
      ? 'aws-cn'
      : sim.snapshot.region.startsWith('us-gov-')
        ? 'aws-us-gov'
        : 'aws');
  return {
    GroupId: id,
    SecurityGroupArn: `arn:${partition}:ec2:${sim.snapshot.region}:${sim.snapshot.accountId}:security-group/${id}`,
  };
};

// ---------------------------------------------------------------------------------------------
// Network ACLs

/** awscli/customizations/ec2/protocolarg.py: the CLI turns these names into protocol numbers. */
const CLI_ACL_PROTOCOLS: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', all: '-1' };

function aclEntryOfRequest(input: Json): Json {
  const ruleNumber = Number(input.RuleNumber);
  if (!Number.isInteger(ruleNumber) || ruleNumber < 1 || ruleNumber > 32766) {
    fail(
      'InvalidParameterValue',
      `Invalid value '${String(input.RuleNumber)}' for ruleNumber. It must be between 1 and 32766.`,
    );
  }
  const rawProtocol = String(input.Protocol);
  const protocol = CLI_ACL_PROTOCOLS[rawProtocol] ?? rawProtocol;
  if (protocol !== '-1' && !(/^\d+$/.test(protocol) && Number(protocol) <= 255)) {
    fail(
      'InvalidParameterValue',
      `Invalid value '${rawProtocol}' for protocol. Protocol must be a protocol number or -1.`,
    );
  }
  const action = String(input.RuleAction);
  if (action !== 'allow' && action !== 'deny') {
    fail('InvalidParameterValue', `Invalid value '${action}' for ruleAction. It must be allow or deny.`);
  }
  const entry: Json = {
    RuleNumber: ruleNumber,
    Protocol: String(Number(protocol)),
    RuleAction: action,
    Egress: input.Egress === true,
  };
  if (input.CidrBlock !== undefined && input.Ipv6CidrBlock !== undefined) {
    fail('InvalidParameterCombination', 'Only one of CidrBlock and Ipv6CidrBlock may be given');
  }
  if (input.CidrBlock !== undefined) {
    // CreateNetworkAclEntry: "We modify the specified CIDR block to its canonical form".
    const cidr = parseCidr(String(input.CidrBlock));
    if (!cidr || cidr.family !== 4)
      fail('InvalidParameterValue', `CIDR block ${String(input.CidrBlock)} is malformed`);
    entry.CidrBlock = cidr.text;
  } else if (input.Ipv6CidrBlock !== undefined) {
    const cidr = parseCidr(String(input.Ipv6CidrBlock));
    if (!cidr || cidr.family !== 6)
      fail('InvalidParameterValue', `CIDR block ${String(input.Ipv6CidrBlock)} is malformed`);
    entry.Ipv6CidrBlock = cidr.text;
  } else {
    fail('MissingParameter', 'The request must contain the parameter cidrBlock or ipv6CidrBlock');
  }
  if (protocol === '6' || protocol === '17') {
    const range = input.PortRange as Json | undefined;
    const from = range?.From;
    const to = range?.To;
    if (typeof from !== 'number' || typeof to !== 'number') {
      fail(
        'MissingParameter',
        'The request must contain the parameter portRange (From and To) for TCP and UDP',
      );
    }
    if (from < 0 || to > 65535 || from > to)
      fail('InvalidParameterValue', `Invalid port range ${from}-${to}`);
    entry.PortRange = { From: from, To: to };
  } else if (protocol === '1' || protocol === '58') {
    const icmp = input.IcmpTypeCode as Json | undefined;
    if (!icmp) fail('MissingParameter', 'The request must contain the parameter icmpTypeCode for ICMP');
    entry.IcmpTypeCode = { Code: icmp.Code ?? -1, Type: icmp.Type ?? -1 };
  }
  return entry;
}

function sameEntry(entry: Json, ruleNumber: unknown, egress: boolean): boolean {
  return Number(entry.RuleNumber) === Number(ruleNumber) && (entry.Egress === true) === egress;
}

function insertEntry(acl: Json, entry: Json): void {
  const entries = list(acl.Entries).filter((e) => !sameEntry(e, entry.RuleNumber, entry.Egress === true));
  entries.push(entry);
  entries.sort(
    (a, b) =>
      Number(a.Egress === true) - Number(b.Egress === true) || Number(a.RuleNumber) - Number(b.RuleNumber),
  );
  acl.Entries = entries;
}

const createNetworkAclEntry: Handler = (sim, input) => {
  const acl = sim.networkAcl(String(input.NetworkAclId));
  const entry = aclEntryOfRequest(input);
  if (list(acl.Entries).some((e) => sameEntry(e, entry.RuleNumber, entry.Egress === true))) {
    fail(
      'NetworkAclEntryAlreadyExists',
      `The network acl entry identified by ${String(entry.RuleNumber)} already exists.`,
    );
  }
  insertEntry(acl, entry);
  return {};
};

const replaceNetworkAclEntry: Handler = (sim, input) => {
  const acl = sim.networkAcl(String(input.NetworkAclId));
  const entry = aclEntryOfRequest(input);
  if (!list(acl.Entries).some((e) => sameEntry(e, entry.RuleNumber, entry.Egress === true))) {
    fail(
      'InvalidNetworkAclEntry.NotFound',
      `The network acl entry identified by ${String(entry.RuleNumber)} does not exist.`,
    );
  }
  insertEntry(acl, entry);
  return {};
};

const deleteNetworkAclEntry: Handler = (sim, input) => {
  const acl = sim.networkAcl(String(input.NetworkAclId));
  const egress = input.Egress === true;
  if (Number(input.RuleNumber) === 32767)
    fail('InvalidParameterValue', 'The default rule (32767) cannot be deleted');
  if (!list(acl.Entries).some((e) => sameEntry(e, input.RuleNumber, egress))) {
    fail(
      'InvalidNetworkAclEntry.NotFound',
      `The network acl entry identified by ${String(input.RuleNumber)} does not exist.`,
    );
  }
  acl.Entries = list(acl.Entries).filter((e) => !sameEntry(e, input.RuleNumber, egress));
  return {};
};

const replaceNetworkAclAssociation: Handler = (sim, input) => {
  const target = sim.networkAcl(String(input.NetworkAclId));
  const id = String(input.AssociationId);
  const owner = sim
    .section('NetworkAcls')
    .find((acl) => list(acl.Associations).some((a) => a.NetworkAclAssociationId === id));
  if (!owner) fail('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`);
  const association = list(owner.Associations).find((a) => a.NetworkAclAssociationId === id)!;
  if (owner.VpcId !== target.VpcId)
    fail('InvalidParameterValue', `The network ACL ${String(target.NetworkAclId)} is in another VPC`);
  owner.Associations = list(owner.Associations).filter((a) => a !== association);
  const NewAssociationId = sim.newId('aclassoc');
  target.Associations = [
    ...list(target.Associations),
    {
      NetworkAclAssociationId: NewAssociationId,
      NetworkAclId: target.NetworkAclId,
      SubnetId: association.SubnetId,
    },
  ];
  return { NewAssociationId };
};

// ---------------------------------------------------------------------------------------------
// DHCP options, VPC and subnet attributes, tags

const DHCP_KEYS = [
  'domain-name',
  'domain-name-servers',
  'ntp-servers',
  'netbios-name-servers',
  'netbios-node-type',
  'ipv6-address-preferred-lease-time',
];

const createDhcpOptions: Handler = (sim, input) => {
  const seen = new Set<string>();
  const configurations = list(input.DhcpConfigurations).map((c) => {
    const key = String(c.Key);
    if (!DHCP_KEYS.includes(key))
      fail('InvalidParameterValue', `Value (${key}) for parameter name is invalid. Unknown DHCP option`);
    if (seen.has(key)) fail('InvalidParameterValue', `The DHCP option ${key} is given twice`);
    seen.add(key);
    const values = strings(c.Values);
    if (values.length === 0) fail('InvalidParameterValue', `The DHCP option ${key} needs a value`);
    if (key === 'domain-name-servers' && values.length > 4) {
      fail('InvalidParameterValue', 'domain-name-servers takes at most 4 addresses');
    }
    return { Key: key, Values: values.map((Value) => ({ Value })) };
  });
  const options = {
    DhcpOptionsId: sim.newId('dopt'),
    OwnerId: sim.snapshot.accountId,
    DhcpConfigurations: configurations,
    Tags: sim.tagsFor(input, 'dhcp-options'),
  };
  sim.section('DhcpOptions').push(options);
  return { DhcpOptions: options };
};

const associateDhcpOptions: Handler = (sim, input) => {
  const id = String(input.DhcpOptionsId);
  if (id !== 'default' && !sim.section('DhcpOptions').some((d) => d.DhcpOptionsId === id)) {
    fail('InvalidDhcpOptionID.NotFound', `The dhcpOption ID '${id}' does not exist`);
  }
  sim.vpc(String(input.VpcId)).DhcpOptionsId = id;
  return {};
};

const VPC_ATTRIBUTES = ['EnableDnsHostnames', 'EnableDnsSupport', 'EnableNetworkAddressUsageMetrics'];

const modifyVpcAttribute: Handler = (sim, input) => {
  const vpcId = String(input.VpcId);
  const ec2 = sim.snapshot.ec2 as Partial<RawSnapshot['ec2']>;
  if (ec2.Vpcs) sim.vpc(vpcId);
  const given = VPC_ATTRIBUTES.filter((a) => input[a] !== undefined);
  // ModifyVpcAttribute: "You can only modify one attribute at a time."
  if (given.length !== 1)
    fail(
      'InvalidParameterCombination',
      'Fields for multiple attribute types specified, or none: modify one attribute at a time',
    );
  const attribute = given[0]!;
  const value = (input[attribute] as Json).Value;
  if (typeof value !== 'boolean') fail('MissingParameter', `${attribute}.Value is required`);
  const attributes = sim.section('VpcAttributes');
  if (!ec2.Vpcs && !attributes[vpcId])
    fail('SimulatorSnapshotLacks', `the snapshot does not hold the VPC ${vpcId}`);
  // ModifyVpcAttribute: "You can only enable DNS hostnames if you've enabled DNS support."
  if (attribute === 'EnableDnsHostnames' && value) {
    const support = (attributes[vpcId]?.EnableDnsSupport as Json | undefined)?.Value;
    if (support === undefined) {
      fail(
        'SimulatorSnapshotLacks',
        `the snapshot does not show whether ${vpcId} has DNS support, which DNS hostnames need`,
      );
    }
    if (support !== true) {
      fail(
        'InvalidParameterValue',
        `DNS hostnames can only be enabled for ${vpcId} once DNS support (enableDnsSupport) is enabled`,
      );
    }
  }
  attributes[vpcId] = { ...(attributes[vpcId] ?? {}), [attribute]: { Value: value } };
  return {};
};

const SUBNET_BOOLEANS = [
  'AssignIpv6AddressOnCreation',
  'MapPublicIpOnLaunch',
  'MapCustomerOwnedIpOnLaunch',
  'EnableDns64',
  'EnableResourceNameDnsARecordOnLaunch',
  'EnableResourceNameDnsAAAARecordOnLaunch',
];

const modifySubnetAttribute: Handler = (sim, input) => {
  const subnet = sim.subnet(String(input.SubnetId));
  const given = Object.keys(input).filter((k) => k !== 'SubnetId' && k !== 'CustomerOwnedIpv4Pool');
  // ModifySubnetAttribute: "You can only modify one attribute at a time."
  if (given.length !== 1) fail('InvalidParameterCombination', 'Modify one subnet attribute at a time');
  const attribute = given[0]!;
  if (!SUBNET_BOOLEANS.includes(attribute)) {
    fail('SimulatorUnsupportedOperation', `the simulator does not model the subnet attribute ${attribute}`);
  }
  const value = (input[attribute] as Json).Value;
  if (typeof value !== 'boolean') fail('MissingParameter', `${attribute}.Value is required`);
  if (attribute === 'MapCustomerOwnedIpOnLaunch' && value && input.CustomerOwnedIpv4Pool === undefined) {
    fail('MissingParameter', 'MapCustomerOwnedIpOnLaunch needs CustomerOwnedIpv4Pool');
  }
  subnet[attribute] = value;
  return {};
};

const TAGGABLE: readonly [string, keyof RawSnapshot['ec2'], string, string][] = [
  ['vpce-', 'VpcEndpoints', 'VpcEndpointId', 'InvalidVpcEndpointId.NotFound'],
  ['vpc-', 'Vpcs', 'VpcId', 'InvalidVpcID.NotFound'],
  ['subnet-', 'Subnets', 'SubnetId', 'InvalidSubnetID.NotFound'],
  ['sg-', 'SecurityGroups', 'GroupId', 'InvalidGroup.NotFound'],
  ['rtb-', 'RouteTables', 'RouteTableId', 'InvalidRouteTableID.NotFound'],
  ['acl-', 'NetworkAcls', 'NetworkAclId', 'InvalidNetworkAclID.NotFound'],
  ['dopt-', 'DhcpOptions', 'DhcpOptionsId', 'InvalidDhcpOptionID.NotFound'],
];

const createTags: Handler = (sim, input) => {
  const tags = list(input.Tags).map((t) => ({
    Key: String(t.Key),
    Value: t.Value === undefined ? '' : String(t.Value),
  }));
  for (const tag of tags) {
    if (tag.Key.toLowerCase().startsWith('aws:'))
      fail('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use`);
  }
  const targets = strings(input.Resources).map((id) => {
    const kind = TAGGABLE.find(([prefix]) => id.startsWith(prefix));
    if (!kind) fail('SimulatorUnsupportedOperation', `the simulator does not tag ${id}`);
    const [, section, key, code] = kind;
    const found = (sim.section(section) as Json[]).find((item) => item[key] === id);
    if (!found) fail(code, `The ID '${id}' does not exist`);
    return found;
  });
  for (const target of targets) {
    const next = list(target.Tags).filter((t) => !tags.some((n) => n.Key === t.Key));
    next.push(...tags);
    if (next.length > 50) fail('TagLimitExceeded', 'A resource may hold at most 50 tags');
    target.Tags = next;
  }
  return {};
};

// ---------------------------------------------------------------------------------------------
// Routes

const deleteRoute: Handler = (sim, input) => {
  const table = sim.routeTable(String(input.RouteTableId));
  const destinations = (
    ['DestinationCidrBlock', 'DestinationIpv6CidrBlock', 'DestinationPrefixListId'] as const
  ).filter((d) => input[d] !== undefined);
  if (destinations.length !== 1) fail('InvalidParameterCombination', 'Specify exactly one destination');
  const field = destinations[0]!;
  const wanted = String(input[field]);
  const same = (route: Json) => {
    const held = route[field];
    if (held === undefined) return false;
    if (field === 'DestinationPrefixListId') return held === wanted;
    return parseCidr(String(held))?.text === parseCidr(wanted)?.text;
  };
  const route = list(table.Routes).find(same);
  if (!route) {
    fail(
      'InvalidRoute.NotFound',
      `no route with destination-${field === 'DestinationPrefixListId' ? 'prefix-list-id' : 'cidr-block'} ${wanted} in route table ${String(table.RouteTableId)}`,
    );
  }
  if (route.GatewayId === 'local')
    fail(
      'InvalidParameterValue',
      `cannot remove local route ${wanted} in route table ${String(table.RouteTableId)}`,
    );
  if (String(route.GatewayId ?? '').startsWith('vpce-')) {
    fail(
      'InvalidParameterValue',
      `the route to ${wanted} belongs to the gateway endpoint ${String(route.GatewayId)}: use modify-vpc-endpoint --remove-route-table-ids`,
    );
  }
  table.Routes = list(table.Routes).filter((r) => r !== route);
  return {};
};

const createRouteTable: Handler = (sim, input) => {
  const vpcId = String(input.VpcId);
  const vpc = sim.vpc(vpcId);
  const cidrs = list(vpc.CidrBlockAssociationSet)
    .filter((a) => (a.CidrBlockState as Json | undefined)?.State !== 'disassociated')
    .map((a) => String(a.CidrBlock));
  if (cidrs.length === 0 && vpc.CidrBlock) cidrs.push(String(vpc.CidrBlock));
  const table = {
    RouteTableId: sim.newId('rtb'),
    VpcId: vpcId,
    OwnerId: sim.snapshot.accountId,
    Associations: [],
    PropagatingVgws: [],
    Routes: [
      ...cidrs.map((c) => ({
        DestinationCidrBlock: c,
        GatewayId: 'local',
        Origin: 'CreateRouteTable',
        State: 'active',
      })),
      ...list(vpc.Ipv6CidrBlockAssociationSet).map((a) => ({
        DestinationIpv6CidrBlock: a.Ipv6CidrBlock,
        GatewayId: 'local',
        Origin: 'CreateRouteTable',
        State: 'active',
      })),
    ],
    Tags: sim.tagsFor(input, 'route-table'),
  };
  sim.section('RouteTables').push(table);
  return { RouteTable: table };
};

function explicitAssociation(
  sim: Simulator,
  subnetId: string,
): { table: Json; association: Json } | undefined {
  for (const table of sim.section('RouteTables')) {
    const association = list(table.Associations).find(
      (a) => a.SubnetId === subnetId && (a.AssociationState as Json | undefined)?.State !== 'disassociated',
    );
    if (association) return { table, association };
  }
  return undefined;
}

const associateRouteTable: Handler = (sim, input) => {
  const table = sim.routeTable(String(input.RouteTableId));
  const subnetId = str(input.SubnetId);
  if (!subnetId)
    fail('SimulatorUnsupportedOperation', 'the simulator associates route tables with subnets only');
  const subnet = sim.subnet(subnetId);
  if (subnet.VpcId !== table.VpcId)
    fail('InvalidParameterValue', `The route table and the subnet ${subnetId} are in different VPCs`);
  const current = explicitAssociation(sim, subnetId);
  if (current) {
    fail(
      'Resource.AlreadyAssociated',
      `the specified association for route table ${String(current.table.RouteTableId)} conflicts with an existing association`,
    );
  }
  const AssociationId = sim.newId('rtbassoc');
  table.Associations = [
    ...list(table.Associations),
    {
      Main: false,
      RouteTableAssociationId: AssociationId,
      RouteTableId: table.RouteTableId,
      SubnetId: subnetId,
      AssociationState: { State: 'associated' },
    },
  ];
  return { AssociationId, AssociationState: { State: 'associated' } };
};

const replaceRouteTableAssociation: Handler = (sim, input) => {
  const target = sim.routeTable(String(input.RouteTableId));
  const id = String(input.AssociationId);
  const owner = sim
    .section('RouteTables')
    .find((t) => list(t.Associations).some((a) => a.RouteTableAssociationId === id));
  if (!owner) fail('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`);
  if (owner.VpcId !== target.VpcId) fail('InvalidParameterValue', 'The route tables are in different VPCs');
  const association = list(owner.Associations).find((a) => a.RouteTableAssociationId === id)!;
  owner.Associations = list(owner.Associations).filter((a) => a !== association);
  const NewAssociationId = sim.newId('rtbassoc');
  target.Associations = [
    ...list(target.Associations),
    {
      ...association,
      RouteTableAssociationId: NewAssociationId,
      RouteTableId: target.RouteTableId,
      AssociationState: { State: 'associated' },
    },
  ];
  return { NewAssociationId, AssociationState: { State: 'associated' } };
};

// ---------------------------------------------------------------------------------------------
// EKS

const ENDPOINT_ACCESS = ['endpointPublicAccess', 'endpointPrivateAccess', 'publicAccessCidrs'];
const VPC_CONFIG = ['subnetIds', 'securityGroupIds'];

const updateClusterConfig: Handler = (sim, input) => {
  const name = String(input.name);
  const cluster = sim.cluster(name);
  if (sim.updating.has(name)) {
    fail(
      'ResourceInUseException',
      `Cluster ${name} has an update in progress (wait for it: aws eks wait cluster-active)`,
    );
  }
  const requested = Object.keys(input).filter((k) => k !== 'name' && k !== 'clientRequestToken');
  const unsupported = requested.filter((k) => k !== 'resourcesVpcConfig');
  if (unsupported.length > 0)
    fail(
      'SimulatorUnsupportedOperation',
      `the simulator models resourcesVpcConfig updates only, not ${unsupported.join(', ')}`,
    );
  const change = (input.resourcesVpcConfig as Json | undefined) ?? {};
  const kinds = [
    Object.keys(change).some((k) => ENDPOINT_ACCESS.includes(k)) ? 'EndpointAccessUpdate' : undefined,
    Object.keys(change).some((k) => VPC_CONFIG.includes(k)) ? 'VpcConfigUpdate' : undefined,
  ].filter(Boolean);
  if (Object.keys(change).some((k) => !ENDPOINT_ACCESS.includes(k) && !VPC_CONFIG.includes(k))) {
    fail(
      'SimulatorUnsupportedOperation',
      'the simulator models endpoint access, subnets and security groups only',
    );
  }
  if (kinds.length !== 1) {
    fail(
      'InvalidParameterException',
      'Only one type of update - VpcConfigUpdate, LoggingUpdate or EndpointAccessUpdate can be allowed',
    );
  }
  const config = cluster.resourcesVpcConfig as Json;
  if (kinds[0] === 'EndpointAccessUpdate') {
    const publicAccess = (change.endpointPublicAccess ?? config.endpointPublicAccess) === true;
    const privateAccess = (change.endpointPrivateAccess ?? config.endpointPrivateAccess) === true;
    if (!publicAccess && !privateAccess) {
      fail(
        'InvalidParameterException',
        'Both endpointPublicAccess and endpointPrivateAccess cannot be false',
      );
    }
    const cidrs =
      change.publicAccessCidrs === undefined
        ? strings(config.publicAccessCidrs)
        : strings(change.publicAccessCidrs);
    for (const cidr of cidrs) {
      if (!parseCidr(cidr, true)) fail('InvalidParameterException', `The CIDR block ${cidr} is invalid`);
    }
    if (
      publicAccess === (config.endpointPublicAccess === true) &&
      privateAccess === (config.endpointPrivateAccess === true) &&
      JSON.stringify(cidrs) === JSON.stringify(strings(config.publicAccessCidrs))
    ) {
      fail(
        'InvalidParameterException',
        `Cluster is already at the desired configuration with endpointPrivateAccess: ${privateAccess} , endpointPublicAccess: ${publicAccess}, and Public Endpoint Restrictions: [${cidrs.join(', ')}]`,
      );
    }
    config.endpointPublicAccess = publicAccess;
    config.endpointPrivateAccess = privateAccess;
    config.publicAccessCidrs = cidrs;
  } else {
    const vpcId = String(config.vpcId);
    if (change.subnetIds !== undefined) {
      const subnetIds = strings(change.subnetIds);
      const zones = new Set(
        subnetIds.map((id) => {
          const subnet = sim.subnet(id);
          if (subnet.VpcId !== vpcId)
            fail('InvalidParameterException', `Subnet ${id} is not in the cluster VPC ${vpcId}`);
          return subnet.AvailabilityZone;
        }),
      );
      if (zones.size < 2)
        fail('InvalidParameterException', 'Subnets specified must be in at least two different AZs');
      config.subnetIds = subnetIds;
    }
    if (change.securityGroupIds !== undefined) {
      const groupIds = strings(change.securityGroupIds);
      if (groupIds.length > 5) fail('InvalidParameterException', 'At most 5 security groups');
      for (const id of groupIds) {
        if (sim.group(id).VpcId !== vpcId)
          fail('InvalidParameterException', `Security group ${id} is not in the cluster VPC ${vpcId}`);
      }
      config.securityGroupIds = groupIds;
    }
  }
  sim.updating.add(name);
  return { update: { id: sim.newId('update'), status: 'InProgress', type: kinds[0] } };
};

const describeCluster: Handler = (sim, input) => ({ cluster: sim.cluster(String(input.name)) });

const waitClusterActive: Handler = (sim, input) => {
  sim.cluster(String(input.name));
  sim.updating.delete(String(input.name));
  return {};
};

const HANDLERS: Record<string, Handler> = {
  'ec2 create-vpc-endpoint': createVpcEndpoint,
  'ec2 modify-vpc-endpoint': modifyVpcEndpoint,
  'ec2 describe-vpc-endpoint-services': describeVpcEndpointServices,
  'ec2 create-security-group': createSecurityGroup,
  'ec2 authorize-security-group-ingress': authorize(false),
  'ec2 authorize-security-group-egress': authorize(true),
  'ec2 revoke-security-group-ingress': revoke(false),
  'ec2 revoke-security-group-egress': revoke(true),
  'ec2 create-network-acl-entry': createNetworkAclEntry,
  'ec2 replace-network-acl-entry': replaceNetworkAclEntry,
  'ec2 delete-network-acl-entry': deleteNetworkAclEntry,
  'ec2 replace-network-acl-association': replaceNetworkAclAssociation,
  'ec2 create-dhcp-options': createDhcpOptions,
  'ec2 associate-dhcp-options': associateDhcpOptions,
  'ec2 modify-vpc-attribute': modifyVpcAttribute,
  'ec2 modify-subnet-attribute': modifySubnetAttribute,
  'ec2 create-tags': createTags,
  'ec2 delete-route': deleteRoute,
  'ec2 create-route-table': createRouteTable,
  'ec2 associate-route-table': associateRouteTable,
  'ec2 replace-route-table-association': replaceRouteTableAssociation,
  'eks update-cluster-config': updateClusterConfig,
  'eks describe-cluster': describeCluster,
  'eks wait cluster-active': waitClusterActive,
};

/** The operations the simulator models, as `service operation`. */
export const SIMULATED_OPERATIONS: readonly string[] = Object.keys(HANDLERS);

// ---------------------------------------------------------------------------------------------
// Output: --query (a JMESPath subset) and --output

/**
 * The CLI's print of a result: json (default), or text: a string bare, a number as it is, a
 * boolean True/False, null None, a list of scalars tab-separated.
 */
export function formatOutput(value: unknown, output = 'json'): string {
  if (output === 'json') return `${JSON.stringify(value ?? null, null, 4)}\n`;
  if (output !== 'text')
    fail('SimulatorUnsupportedOperation', `the simulator prints json and text, not ${output}`);
  const scalar = (v: unknown): string => {
    if (v === null || v === undefined) return 'None';
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    fail('SimulatorUnsupportedOperation', 'the simulator prints only scalars and lists of scalars as text');
  };
  if (Array.isArray(value)) return `${value.map(scalar).join('\t')}\n`;
  return `${scalar(value)}\n`;
}

type Token = { t: string; v?: unknown };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const rest = query.slice(i);
    const c = query[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = rest.slice(0, 2);
    if (['==', '!=', '&&', '||', '[?', '[]', '<=', '>='].includes(two)) {
      tokens.push({ t: two });
      i += 2;
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
      tokens.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else if ((m = /^-?\d+/.exec(rest))) {
      tokens.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if ((m = /^'((?:\\.|[^'\\])*)'/.exec(rest))) {
      tokens.push({ t: 'lit', v: m[1]!.replace(/\\'/g, "'") });
      i += m[0].length;
    } else if ((m = /^"((?:\\.|[^"\\])*)"/.exec(rest))) {
      tokens.push({ t: 'id', v: JSON.parse(m[0]) });
      i += m[0].length;
    } else if ((m = /^`([^`]*)`/.exec(rest))) {
      tokens.push({ t: 'lit', v: JSON.parse(m[1]!) });
      i += m[0].length;
    } else if ('.[]|@(),!*<>'.includes(c)) {
      tokens.push({ t: c });
      i++;
    } else {
      fail(
        'SimulatorUnsupportedQuery',
        `the simulator's JMESPath subset cannot read ${JSON.stringify(rest)}`,
      );
    }
  }
  return tokens;
}

type Node = (value: unknown) => unknown;

/**
 * A JMESPath subset: fields, `@`, `[n]`, `[*]`, `[]`, `[?cond]` with `==`, `!=`, `<`, `>`, `&&`,
 * `||`, `!`, raw strings, literals and the functions ends_with, starts_with, contains, length;
 * projections as JMESPath defines them; `|` pipes. Anything else is refused.
 */
export function searchJson(value: unknown, query: string): unknown {
  const tokens = tokenize(query);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (t?: string): Token => {
    const token = tokens[pos];
    if (!token || (t !== undefined && token.t !== t)) {
      fail(
        'SimulatorUnsupportedQuery',
        `unexpected ${token ? token.t : 'end'} in --query ${query}${t ? ` (expected ${t})` : ''}`,
      );
    }
    pos++;
    return token;
  };

  type Step =
    | { kind: 'field'; name: string }
    | { kind: 'index'; n: number }
    | { kind: 'project'; filter?: Node; flatten: boolean };

  const runSteps = (input: unknown, steps: Step[], from: number): unknown => {
    let current = input;
    for (let i = from; i < steps.length; i++) {
      const step = steps[i]!;
      if (current === null || current === undefined) return null;
      if (step.kind === 'field') {
        current =
          typeof current === 'object' && !Array.isArray(current)
            ? ((current as Json)[step.name] ?? null)
            : null;
      } else if (step.kind === 'index') {
        if (!Array.isArray(current)) return null;
        current = current[step.n < 0 ? current.length + step.n : step.n] ?? null;
      } else {
        if (!Array.isArray(current)) return null;
        let items = step.flatten ? current.flatMap((x) => (Array.isArray(x) ? x : [x])) : current;
        if (step.filter) items = items.filter((x) => truthy(step.filter!(x)));
        return items.map((x) => runSteps(x, steps, i + 1)).filter((x) => x !== null && x !== undefined);
      }
    }
    return current;
  };

  const chain = (): Node => {
    const steps: Step[] = [];
    const token = peek();
    if (token?.t === 'id') {
      steps.push({ kind: 'field', name: String(take().v) });
    } else if (token?.t === '@') {
      take();
    } else if (!token || !['[', '[?', '[]'].includes(token.t)) {
      fail('SimulatorUnsupportedQuery', `the simulator's JMESPath subset cannot read --query ${query}`);
    }
    for (;;) {
      const next = peek();
      if (next?.t === '.') {
        take();
        steps.push({ kind: 'field', name: String(take('id').v) });
      } else if (next?.t === '[') {
        take();
        if (peek()?.t === '*') {
          take();
          take(']');
          steps.push({ kind: 'project', flatten: false });
        } else {
          steps.push({ kind: 'index', n: Number(take('num').v) });
          take(']');
        }
      } else if (next?.t === '[]') {
        take();
        steps.push({ kind: 'project', flatten: true });
      } else if (next?.t === '[?') {
        take();
        const filter = orExpr();
        take(']');
        steps.push({ kind: 'project', filter, flatten: false });
      } else {
        break;
      }
    }
    return (input) => runSteps(input, steps, 0);
  };

  const atom = (): Node => {
    const token = peek();
    if (token?.t === '!') {
      take();
      const inner = atom();
      return (v) => !truthy(inner(v));
    }
    if (token?.t === 'lit') {
      const literal = take().v;
      return () => literal;
    }
    if (token?.t === '(') {
      take();
      const inner = orExpr();
      take(')');
      return inner;
    }
    if (token?.t === 'id' && tokens[pos + 1]?.t === '(') {
      const name = String(take().v);
      take('(');
      const args: Node[] = [];
      while (peek()?.t !== ')') {
        args.push(orExpr());
        if (peek()?.t === ',') take();
      }
      take(')');
      return (v) =>
        callFunction(
          name,
          args.map((arg) => arg(v)),
          query,
        );
    }
    return chain();
  };

  const comparison = (): Node => {
    const left = atom();
    const op = peek()?.t;
    if (op && ['==', '!=', '<', '>', '<=', '>='].includes(op)) {
      take();
      const right = atom();
      return (v) => compare(op, left(v), right(v));
    }
    return left;
  };

  const andExpr = (): Node => {
    let node = comparison();
    while (peek()?.t === '&&') {
      take();
      const left = node;
      const right = comparison();
      node = (v) => (truthy(left(v)) ? right(v) : left(v));
    }
    return node;
  };

  const orExpr = (): Node => {
    let node = andExpr();
    while (peek()?.t === '||') {
      take();
      const left = node;
      const right = andExpr();
      node = (v) => (truthy(left(v)) ? left(v) : right(v));
    }
    return node;
  };

  const pipe = (): Node => {
    let node = orExpr();
    while (peek()?.t === '|') {
      take();
      const left = node;
      const right = orExpr();
      node = (v) => right(left(v));
    }
    return node;
  };

  const root = pipe();
  if (pos !== tokens.length)
    fail('SimulatorUnsupportedQuery', `the simulator's JMESPath subset cannot read --query ${query}`);
  return root(value) ?? null;
}

function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function compare(op: string, left: unknown, right: unknown): boolean | null {
  if (op === '==') return JSON.stringify(left) === JSON.stringify(right);
  if (op === '!=') return JSON.stringify(left) !== JSON.stringify(right);
  if (typeof left !== 'number' || typeof right !== 'number') return null;
  return op === '<' ? left < right : op === '>' ? left > right : op === '<=' ? left <= right : left >= right;
}

function callFunction(name: string, args: unknown[], query: string): unknown {
  const [a, b] = args;
  switch (name) {
    case 'ends_with':
      return typeof a === 'string' && typeof b === 'string' && a.endsWith(b);
    case 'starts_with':
      return typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
    case 'contains':
      if (typeof a === 'string') return typeof b === 'string' && a.includes(b);
      return Array.isArray(a) && a.some((x) => JSON.stringify(x) === JSON.stringify(b));
    case 'length':
      if (typeof a === 'string' || Array.isArray(a)) return a.length;
      if (a && typeof a === 'object') return Object.keys(a).length;
      return null;
  }
  fail(
    'SimulatorUnsupportedQuery',
    `the simulator's JMESPath subset has no function ${name} (--query ${query})`,
  );
}
