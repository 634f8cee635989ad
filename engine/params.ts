import { parseAddress, parseCidr, formatAddress, type Cidr } from '../network/cidr';
import { ParameterError } from './errors';

/** Parameters after validation (SPEC §4): one flat namespace for CLI, config file and AWS Config. */
export interface Params {
  publicAccess: 'disabled' | 'restricted' | 'allowed';
  /** undefined = not set (no restriction beyond "not open to the world"). */
  allowedPublicCidrs: Cidr[] | undefined;
  /** Canonical address texts; undefined = not set. */
  allowedDnsServers: string[] | undefined;
  requiredServices: string[];
  ephemeralPorts: { from: number; to: number };
  egressMode: 'none' | 'nat' | 'any';
  minFreeIps: number;
  nodeSubnetIds: string[];
  nodeSecurityGroupIds: string[];
}

export type ParameterName = keyof Params;

export interface ParameterSpec<K extends ParameterName = ParameterName> {
  name: K;
  description: string;
  /** The default in the syntax a user types; '' = not set. */
  defaultText: string;
  /** The allowed values, as an error message and `rules --format json` show them. */
  allowed: string;
  /** Parses a trimmed, non-empty value; returns an error phrase for a bad one. */
  parse(text: string): Params[K] | { error: string };
  /** The value of an empty setting, where it differs from the default. */
  emptyValue?: Params[K];
}

function items(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function oneOf<T extends string>(values: readonly T[]) {
  return (text: string): T | { error: string } => {
    const lower = text.toLowerCase();
    return (values as readonly string[]).includes(lower)
      ? (lower as T)
      : { error: `"${text}" is not allowed` };
  };
}

function idList(prefix: string) {
  const pattern = new RegExp(`^${prefix}-[0-9a-f]{8,17}$`);
  return (text: string): string[] | { error: string } => {
    const ids = items(text);
    const bad = ids.find((id) => !pattern.test(id));
    return bad === undefined ? [...new Set(ids)] : { error: `"${bad}" is not a ${prefix}-… id` };
  };
}

const SPECS: { [K in ParameterName]: ParameterSpec<K> } = {
  publicAccess: {
    name: 'publicAccess',
    description: 'Whether the public API server endpoint may be on',
    defaultText: 'disabled',
    allowed: 'disabled | restricted | allowed',
    parse: oneOf(['disabled', 'restricted', 'allowed'] as const),
  },
  allowedPublicCidrs: {
    name: 'allowedPublicCidrs',
    description: 'With publicAccess=restricted: the CIDRs the public endpoint may admit',
    defaultText: '',
    allowed: 'comma-separated IPv4/IPv6 CIDR blocks without host bits, e.g. 203.0.113.0/24',
    parse(text) {
      const cidrs: Cidr[] = [];
      for (const item of items(text)) {
        const cidr = parseCidr(item, true);
        if (!cidr) return { error: `"${item}" is not a valid CIDR block` };
        cidrs.push(cidr);
      }
      return cidrs;
    },
  },
  allowedDnsServers: {
    name: 'allowedDnsServers',
    description: 'Custom DNS servers known to forward to the Route 53 Resolver',
    defaultText: '',
    allowed: 'comma-separated IPv4/IPv6 addresses',
    parse(text) {
      const servers: string[] = [];
      for (const item of items(text)) {
        const address = parseAddress(item);
        if (!address) return { error: `"${item}" is not an IP address` };
        servers.push(formatAddress(address.family, address.value));
      }
      return [...new Set(servers)];
    },
  },
  requiredServices: {
    name: 'requiredServices',
    description: 'AWS services the nodes must reach through VPC endpoints',
    defaultText: 'ec2,ecr.api,ecr.dkr,s3,sts',
    allowed:
      'comma-separated service suffixes [a-z0-9.-]+ such as ec2,ecr.api,ecr.dkr,s3,sts,logs (not full com.amazonaws… names)',
    parse(text) {
      const services: string[] = [];
      for (const item of items(text.toLowerCase())) {
        if (item.startsWith('com.amazonaws') || item.startsWith('cn.com.amazonaws')) {
          return { error: `"${item}" is a full service name; give the suffix only (e.g. ecr.dkr)` };
        }
        if (!/^[a-z0-9.-]+$/.test(item)) return { error: `"${item}" is not a service suffix` };
        services.push(item);
      }
      return [...new Set(services)];
    },
    emptyValue: [],
  },
  ephemeralPorts: {
    name: 'ephemeralPorts',
    description: 'Ports NACLs must allow for replies',
    defaultText: '1024-65535',
    allowed: 'FROM-TO or one port, 0 <= FROM <= TO <= 65535',
    parse(text) {
      const match = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(text);
      if (!match) return { error: `"${text}" is not a port range` };
      const from = Number(match[1]);
      const to = match[2] === undefined ? from : Number(match[2]);
      if (from > to || to > 65535) return { error: `"${text}" is not a port range` };
      return { from, to };
    },
  },
  egressMode: {
    name: 'egressMode',
    description: 'Which internet egress node subnets may have',
    defaultText: 'none',
    allowed: 'none | nat | any',
    parse: oneOf(['none', 'nat', 'any'] as const),
  },
  minFreeIps: {
    name: 'minFreeIps',
    description: 'Minimum free IP addresses in every cluster subnet',
    defaultText: '6',
    allowed: 'an integer >= 0',
    parse(text) {
      return /^\d+$/.test(text) && Number.isSafeInteger(Number(text))
        ? Number(text)
        : { error: `"${text}" is not an integer >= 0` };
    },
  },
  nodeSubnetIds: {
    name: 'nodeSubnetIds',
    description: 'Extra node subnets (self-managed node groups)',
    defaultText: '',
    allowed: 'comma-separated subnet-… ids',
    parse: idList('subnet'),
  },
  nodeSecurityGroupIds: {
    name: 'nodeSecurityGroupIds',
    description: 'Extra node security groups (self-managed node groups)',
    defaultText: '',
    allowed: 'comma-separated sg-… ids',
    parse: idList('sg'),
  },
};

export const PARAMETER_NAMES = Object.keys(SPECS) as ParameterName[];
export const PARAMETERS: readonly ParameterSpec[] = PARAMETER_NAMES.map(
  (name) => SPECS[name] as ParameterSpec,
);

export function isParameterName(name: string): name is ParameterName {
  return Object.prototype.hasOwnProperty.call(SPECS, name);
}

function parseOne<K extends ParameterName>(spec: ParameterSpec<K>, raw: string): Params[K] {
  const value = spec.parse(raw.trim());
  if (value !== null && typeof value === 'object' && 'error' in value) {
    throw new ParameterError(`parameter ${spec.name}: ${value.error}; allowed: ${spec.allowed}`);
  }
  return value as Params[K];
}

const UNSET_LISTS = new Set<ParameterName>(['allowedPublicCidrs', 'allowedDnsServers']);

/**
 * Validates raw settings (name → text). Unknown names and bad values throw ParameterError
 * naming the parameter and what it allows; they are never ignored.
 */
export function parseParams(raw: Readonly<Record<string, string>> = {}): Params {
  for (const name of Object.keys(raw)) {
    if (!isParameterName(name)) {
      throw new ParameterError(
        `unknown parameter "${name}"; known parameters: ${PARAMETER_NAMES.join(', ')}`,
      );
    }
  }
  const params = {} as Record<ParameterName, unknown>;
  for (const name of PARAMETER_NAMES) {
    const spec = SPECS[name] as ParameterSpec;
    const text = raw[name];
    // `allowedPublicCidrs=,` lists nothing: that is "not set", not "admit nothing".
    const unset =
      text === undefined || text.trim() === '' || (UNSET_LISTS.has(name) && items(text).length === 0);
    // An empty value means "not set" (the default applies), except where the spec gives
    // emptiness its own meaning (`requiredServices=` is "no service").
    if (unset && UNSET_LISTS.has(name)) params[name] = undefined;
    else if (unset && text !== undefined && spec.emptyValue !== undefined) params[name] = spec.emptyValue;
    else params[name] = parseOne(spec, unset ? spec.defaultText : text);
  }
  return params as unknown as Params;
}

/** Defaults of every parameter. */
export const DEFAULT_PARAMS: Params = parseParams();
