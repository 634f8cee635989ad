import {
  endpointAvailable,
  endpointExists,
  endpointIsFor,
  endpointIsType,
  judgedInterfaceEndpoints,
  s3GatewayEndpoints,
  s3GatewayServesVpc,
  serviceOf,
} from '../../network/endpoints';
import type { VpcEndpoint } from '../../snapshot/schema';
import { emptySnapshot, privateClustersSnapshot } from '../../testkit/private-cluster';
import { viewOf } from '../../testkit/view';

type Raw = Record<string, unknown>;
const REGION = 'eu-west-1';
const VPC = 'vpc-0aaaaaaaaaaaaaaaa';

/** Parses raw endpoints exactly as a snapshot file would be (enum values lower-cased, lists defaulted). */
function viewWith(endpoints: Raw[], region = REGION) {
  const raw = emptySnapshot(region);
  raw.ec2.VpcEndpoints = endpoints.map((e, n) => ({ VpcEndpointId: `vpce-0${n}`, VpcId: VPC, ...e }));
  return viewOf(raw);
}

function parsed(fields: Raw, region = REGION): VpcEndpoint {
  return viewWith([fields], region).endpoint('vpce-00')!;
}

const s3Gateway = (extra: Raw = {}): Raw => ({
  ServiceName: `com.amazonaws.${REGION}.s3`,
  VpcEndpointType: 'Gateway',
  State: 'available',
  ...extra,
});
const s3Interface = (extra: Raw = {}): Raw => ({
  ServiceName: `com.amazonaws.${REGION}.s3`,
  VpcEndpointType: 'Interface',
  State: 'available',
  ...extra,
});

describe('serviceOf / endpointIsFor', () => {
  it.each([
    { name: `com.amazonaws.${REGION}.ecr.dkr`, region: REGION, expected: 'ecr.dkr' },
    { name: 'cn.com.amazonaws.cn-north-1.ecr.api', region: 'cn-north-1', expected: 'ecr.api' },
    { name: 'com.amazonaws.cn-north-1.ec2', region: 'cn-north-1', expected: 'ec2' },
    { name: 'com.amazonaws.us-east-1.sts', region: REGION, expected: undefined },
    { name: 'cn.com.amazonaws.cn-northwest-1.sts', region: 'cn-north-1', expected: undefined },
    { name: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0', region: REGION, expected: undefined },
    { name: `com.amazonaws.${REGION}`, region: REGION, expected: undefined },
    { name: undefined, region: REGION, expected: null },
  ])('$name in $region → $expected', ({ name, region, expected }) => {
    const endpoint = parsed(name === undefined ? {} : { ServiceName: name }, region);
    expect(serviceOf(endpoint, region)).toBe(expected);
  });

  it.each([
    { name: `com.amazonaws.${REGION}.ecr.api`, service: 'ecr.api', expected: true },
    { name: `com.amazonaws.${REGION}.ecr.api`, service: 'ecr.dkr', expected: false },
    // A prefix of another service is not that service.
    { name: `com.amazonaws.${REGION}.ecr.api`, service: 'ecr', expected: false },
    { name: `com.amazonaws.us-east-1.ecr.api`, service: 'ecr.api', expected: false },
    { name: undefined, service: 'ecr.api', expected: null },
  ])('$name is for $service → $expected', ({ name, service, expected }) => {
    const endpoint = parsed(name === undefined ? {} : { ServiceName: name });
    expect(endpointIsFor(endpoint, REGION, service)).toBe(expected);
  });
});

describe('endpointExists / endpointAvailable / endpointIsType', () => {
  it.each([
    { state: 'available', exists: true, available: true },
    { state: 'Available', exists: true, available: true },
    { state: 'pendingAcceptance', exists: true, available: false },
    { state: 'PendingAcceptance', exists: true, available: false },
    { state: 'pending', exists: true, available: false },
    { state: 'partial', exists: true, available: false },
    { state: 'deleting', exists: false, available: false },
    { state: 'Deleted', exists: false, available: false },
    { state: 'rejected', exists: false, available: false },
    { state: 'FAILED', exists: false, available: false },
    { state: 'expired', exists: false, available: false },
    { state: undefined, exists: null, available: null },
  ])('State $state → exists $exists, available $available', ({ state, exists, available }) => {
    const endpoint = parsed(state === undefined ? {} : { State: state });
    expect(endpointExists(endpoint)).toBe(exists);
    expect(endpointAvailable(endpoint)).toBe(available);
  });

  it.each([
    { type: 'Interface', interface: true, gateway: false },
    { type: 'interface', interface: true, gateway: false },
    { type: 'Gateway', interface: false, gateway: true },
    { type: 'GatewayLoadBalancer', interface: false, gateway: false },
    { type: undefined, interface: null, gateway: null },
  ])('VpcEndpointType $type', ({ type, interface: isInterface, gateway }) => {
    const endpoint = parsed(type === undefined ? {} : { VpcEndpointType: type });
    expect(endpointIsType(endpoint, 'interface')).toBe(isInterface);
    expect(endpointIsType(endpoint, 'gateway')).toBe(gateway);
  });
});

describe('s3GatewayServesVpc / s3GatewayEndpoints', () => {
  it.each([
    { name: 'an available Gateway', endpoints: [s3Gateway()], serves: true, listed: ['vpce-00'] },
    {
      name: 'a pendingAcceptance Gateway (exists)',
      endpoints: [s3Gateway({ State: 'pendingAcceptance' })],
      serves: true,
      listed: ['vpce-00'],
    },
    { name: 'a deleted Gateway', endpoints: [s3Gateway({ State: 'deleted' })], serves: false, listed: [] },
    { name: 'an s3 Interface only', endpoints: [s3Interface()], serves: false, listed: [] },
    {
      name: 'a Gateway of another Region',
      endpoints: [s3Gateway({ ServiceName: 'com.amazonaws.us-east-1.s3' })],
      serves: false,
      listed: [],
    },
    {
      name: 'a Gateway of another service',
      endpoints: [s3Gateway({ ServiceName: `com.amazonaws.${REGION}.dynamodb` })],
      serves: false,
      listed: [],
    },
    {
      name: 'a Gateway without State',
      endpoints: [s3Gateway({ State: undefined })],
      serves: null,
      listed: ['vpce-00'],
    },
    {
      name: 'an s3 endpoint without type',
      endpoints: [s3Gateway({ VpcEndpointType: undefined })],
      serves: null,
      listed: ['vpce-00'],
    },
    {
      name: 'a Gateway without ServiceName',
      endpoints: [s3Gateway({ ServiceName: undefined })],
      serves: null,
      listed: ['vpce-00'],
    },
    {
      name: 'a definite Gateway beside an unknown one',
      endpoints: [s3Gateway({ State: undefined }), s3Gateway()],
      serves: true,
      listed: ['vpce-00', 'vpce-01'],
    },
    { name: 'nothing', endpoints: [], serves: false, listed: [] },
  ])('$name → serves $serves', ({ endpoints, serves, listed }) => {
    const view = viewWith(endpoints);
    expect(s3GatewayServesVpc(view, VPC)).toBe(serves);
    expect(s3GatewayEndpoints(view, VPC).map((g) => g.endpoint.VpcEndpointId)).toEqual(listed);
  });

  it('marks possible Gateways as unknown members, definite ones as members', () => {
    const view = viewWith([s3Gateway({ State: undefined }), s3Gateway()]);
    expect(s3GatewayEndpoints(view, VPC).map((g) => g.member)).toEqual([null, true]);
  });

  it('ignores Gateways of other VPCs', () => {
    const view = viewWith([s3Gateway({ VpcId: 'vpc-0bbbbbbbbbbbbbbbb' })]);
    expect(s3GatewayServesVpc(view, VPC)).toBe(false);
    expect(s3GatewayServesVpc(view, 'vpc-0bbbbbbbbbbbbbbbb')).toBe(true);
  });
});

describe('judgedInterfaceEndpoints', () => {
  const REQUIRED = ['ec2', 'ecr.api', 'ecr.dkr', 's3', 'sts'];
  const iface = (service: string, extra: Raw = {}): Raw => ({
    ServiceName: `com.amazonaws.${REGION}.${service}`,
    VpcEndpointType: 'Interface',
    State: 'available',
    PrivateDnsEnabled: true,
    ...extra,
  });
  const onlyInbound = { DnsOptions: { PrivateDnsOnlyForInboundResolverEndpoint: true } };

  it.each([
    {
      name: 'an available Interface of a required service',
      endpoints: [iface('sts')],
      judged: [['sts', true]],
    },
    {
      name: 'a pendingAcceptance Interface (exists)',
      endpoints: [iface('sts', { State: 'pendingAcceptance' })],
      judged: [['sts', true]],
    },
    { name: 'a deleted Interface', endpoints: [iface('sts', { State: 'deleted' })], judged: [] },
    { name: 'a rejected Interface', endpoints: [iface('sts', { State: 'rejected' })], judged: [] },
    { name: 'a service that is not required', endpoints: [iface('logs')], judged: [] },
    {
      name: 'a required service of another Region',
      endpoints: [iface('sts', { ServiceName: 'com.amazonaws.us-east-1.sts' })],
      judged: [],
    },
    {
      name: 'a cn.-prefixed name of the Region',
      endpoints: [iface('sts', { ServiceName: `cn.com.amazonaws.${REGION}.sts` })],
      judged: [['sts', true]],
    },
    {
      name: 'a Gateway of a required service',
      endpoints: [iface('ec2', { VpcEndpointType: 'Gateway' })],
      judged: [],
    },
    {
      name: 'State absent',
      endpoints: [iface('ecr.api', { State: undefined })],
      judged: [['ecr.api', null]],
    },
    {
      name: 'VpcEndpointType absent',
      endpoints: [iface('ecr.api', { VpcEndpointType: undefined })],
      judged: [['ecr.api', null]],
    },
    {
      name: 'ServiceName absent',
      endpoints: [iface('ecr.api', { ServiceName: undefined })],
      judged: [['?', null]],
    },
    {
      name: 'ServiceName absent but deleted',
      endpoints: [iface('ecr.api', { ServiceName: undefined, State: 'deleted' })],
      judged: [],
    },
    {
      name: 'ServiceName absent on a Gateway',
      endpoints: [iface('ecr.api', { ServiceName: undefined, VpcEndpointType: 'Gateway' })],
      judged: [],
    },
    {
      name: 's3 Interface, no Gateway',
      endpoints: [iface('s3', { PrivateDnsEnabled: false })],
      judged: [['s3', true]],
    },
    {
      name: 's3 Interface beside a deleted Gateway',
      endpoints: [iface('s3', { PrivateDnsEnabled: false }), s3Gateway({ State: 'deleted' })],
      judged: [['s3', true]],
    },
    {
      name: 's3 Interface with private DNS off beside a Gateway',
      endpoints: [iface('s3', { PrivateDnsEnabled: false }), s3Gateway()],
      judged: [],
    },
    {
      name: 's3 Interface with private DNS on beside a Gateway',
      endpoints: [iface('s3'), s3Gateway()],
      judged: [['s3', true]],
    },
    {
      name: 's3 Interface with private DNS on beside a Gateway, explicit only-inbound false',
      endpoints: [
        iface('s3', { DnsOptions: { PrivateDnsOnlyForInboundResolverEndpoint: false } }),
        s3Gateway(),
      ],
      judged: [['s3', true]],
    },
    {
      name: 's3 Interface with private DNS only for inbound Resolver endpoints beside a Gateway',
      endpoints: [iface('s3', onlyInbound), s3Gateway()],
      judged: [],
    },
    {
      name: 's3 Interface without PrivateDnsEnabled beside a Gateway',
      endpoints: [iface('s3', { PrivateDnsEnabled: undefined }), s3Gateway()],
      judged: [['s3', null]],
    },
    {
      name: 's3 Interface without PrivateDnsEnabled, only-inbound on, beside a Gateway',
      endpoints: [iface('s3', { PrivateDnsEnabled: undefined, ...onlyInbound }), s3Gateway()],
      judged: [],
    },
    {
      name: 's3 Interface with private DNS off beside a Gateway of unknown State',
      endpoints: [iface('s3', { PrivateDnsEnabled: false }), s3Gateway({ State: undefined })],
      judged: [['s3', null]],
    },
    {
      name: 's3 Interface with private DNS on beside a Gateway of unknown State',
      endpoints: [iface('s3'), s3Gateway({ State: undefined })],
      judged: [['s3', true]],
    },
    {
      name: 's3 Interface without PrivateDnsEnabled, no Gateway',
      endpoints: [iface('s3', { PrivateDnsEnabled: undefined })],
      judged: [['s3', true]],
    },
    {
      name: 's3 Interface without State beside a Gateway, private DNS off',
      endpoints: [iface('s3', { State: undefined, PrivateDnsEnabled: false }), s3Gateway()],
      judged: [],
    },
  ])('$name', ({ endpoints, judged }) => {
    const view = viewWith(endpoints);
    const result = judgedInterfaceEndpoints(view, VPC, REQUIRED).map((j) => [j.service, j.member]);
    expect(result).toEqual(judged);
  });

  it('judges only the required services given', () => {
    const view = viewWith([iface('sts'), iface('logs'), iface('ec2')]);
    expect(judgedInterfaceEndpoints(view, VPC, ['logs', 'sts']).map((j) => j.service)).toEqual([
      'sts',
      'logs',
    ]);
    expect(judgedInterfaceEndpoints(view, VPC, [])).toEqual([]);
  });

  it('ignores endpoints of other VPCs', () => {
    const view = viewWith([iface('sts', { VpcId: 'vpc-0bbbbbbbbbbbbbbbb' })]);
    expect(judgedInterfaceEndpoints(view, VPC, REQUIRED)).toEqual([]);
  });

  it.each([{ region: 'eu-west-1' }, { region: 'cn-northwest-1' }])(
    'judges the four Interface endpoints of the testkit cluster in $region (s3 is a Gateway)',
    ({ region }) => {
      const { snapshot, ids } = privateClustersSnapshot(1, { region });
      const view = viewOf(snapshot);
      const judged = judgedInterfaceEndpoints(view, ids[0]!.vpcId, REQUIRED);
      expect(judged.map((j) => [j.endpoint.VpcEndpointId, j.service, j.member])).toEqual(
        Object.entries(ids[0]!.interfaceEndpointIds).map(([service, id]) => [id, service, true]),
      );
    },
  );
});
