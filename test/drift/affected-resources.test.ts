import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { affectedResources, type AffectedResources } from '../../drift/affected-resources';
import { DRIFT_EVENT_NAMES, type DriftEventName } from '../../drift/event-pattern';

const EVENTS_DIR = join(__dirname, '..', '..', 'events');

type SampleEvent = {
  detail: Record<string, unknown> & { requestParameters: unknown; responseElements: unknown };
};

function sample(name: DriftEventName): SampleEvent {
  return JSON.parse(readFileSync(join(EVENTS_DIR, `cloudtrail-${name}.json`), 'utf8'));
}

/** The sample event `name` with its request/response replaced. */
function withDetail(name: DriftEventName, change: Partial<SampleEvent['detail']>): SampleEvent {
  const event = sample(name);
  return { ...event, detail: { ...event.detail, ...change } };
}

const VPC = 'vpc-0a1b2c3d4e5f60718';
const SG = 'sg-0123456789abcdef0';
const RTB = 'rtb-0fedcba9876543210';
const ACL = 'acl-0a1b2c3d4e5f67890';
const SUBNET = 'subnet-0aa11bb22cc33dd44';
const WHOLE_REGION = { wholeRegion: true, reason: expect.any(String) };

const EXPECTED: Record<DriftEventName, AffectedResources | typeof WHOLE_REGION> = {
  CreateVpcEndpoint: { vpcIds: [VPC] },
  ModifyVpcEndpoint: { lookups: [{ kind: 'vpc-endpoint', id: 'vpce-0123abcd4567ef890' }] },
  DeleteVpcEndpoints: {
    lookups: [
      { kind: 'vpc-endpoint', id: 'vpce-0123abcd4567ef890' },
      { kind: 'vpc-endpoint', id: 'vpce-0fed9876cba54321a' },
    ],
  },
  AuthorizeSecurityGroupIngress: { lookups: [{ kind: 'security-group', id: SG }] },
  AuthorizeSecurityGroupEgress: { lookups: [{ kind: 'security-group', id: SG }] },
  RevokeSecurityGroupIngress: { lookups: [{ kind: 'security-group', id: SG }] },
  RevokeSecurityGroupEgress: { lookups: [{ kind: 'security-group', id: SG }] },
  ModifySecurityGroupRules: { lookups: [{ kind: 'security-group', id: SG }] },
  DeleteSecurityGroup: WHOLE_REGION,
  AssociateDhcpOptions: { vpcIds: [VPC] },
  ModifyVpcAttribute: { vpcIds: [VPC] },
  CreateRoute: { lookups: [{ kind: 'route-table', id: RTB }] },
  ReplaceRoute: { lookups: [{ kind: 'route-table', id: RTB }] },
  DeleteRoute: { lookups: [{ kind: 'route-table', id: RTB }] },
  AssociateRouteTable: { lookups: [{ kind: 'route-table', id: RTB }] },
  ReplaceRouteTableAssociation: { lookups: [{ kind: 'route-table', id: 'rtb-0123456789abcdef0' }] },
  DisassociateRouteTable: WHOLE_REGION,
  CreateNetworkAclEntry: { lookups: [{ kind: 'network-acl', id: ACL }] },
  ReplaceNetworkAclEntry: { lookups: [{ kind: 'network-acl', id: ACL }] },
  DeleteNetworkAclEntry: { lookups: [{ kind: 'network-acl', id: ACL }] },
  ReplaceNetworkAclAssociation: { lookups: [{ kind: 'network-acl', id: ACL }] },
  ModifySubnetAttribute: { lookups: [{ kind: 'subnet', id: SUBNET }] },
  UpdateClusterConfig: { lookups: [{ kind: 'cluster', id: 'prod-private' }] },
  CreateCluster: { vpcIds: [VPC] },
  DeleteCluster: { vpcIds: [VPC] },
};

describe('affectedResources over every sample event', () => {
  test('the table covers every drift event name', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...DRIFT_EVENT_NAMES].sort());
  });

  test.each(DRIFT_EVENT_NAMES.map((name) => [name]))('%s', (name) => {
    expect(affectedResources(sample(name))).toEqual(EXPECTED[name]);
  });

  test('whole-region reasons name the event', () => {
    expect(affectedResources(sample('DisassociateRouteTable'))).toEqual({
      wholeRegion: true,
      reason: expect.stringMatching(/^DisassociateRouteTable: .*association/),
    });
  });
});

describe('alternative request shapes', () => {
  test.each<[string, SampleEvent, AffectedResources]>([
    [
      'DeleteVpcEndpoints with one {tag, content} member',
      withDetail('DeleteVpcEndpoints', {
        requestParameters: {
          DeleteVpcEndpointsRequest: { VpcEndpointId: { tag: 1, content: 'vpce-0123abcd4567ef890' } },
        },
      }),
      { lookups: [{ kind: 'vpc-endpoint', id: 'vpce-0123abcd4567ef890' }] },
    ],
    [
      'DeleteVpcEndpoints with bare strings, duplicated',
      withDetail('DeleteVpcEndpoints', {
        requestParameters: {
          DeleteVpcEndpointsRequest: { VpcEndpointId: ['vpce-0123abcd4567ef890', 'vpce-0123abcd4567ef890'] },
        },
      }),
      { lookups: [{ kind: 'vpc-endpoint', id: 'vpce-0123abcd4567ef890' }] },
    ],
    [
      'CreateVpcEndpoint with the VPC only in the response',
      withDetail('CreateVpcEndpoint', {
        requestParameters: { CreateVpcEndpointRequest: { ServiceName: 'x' } },
      }),
      { vpcIds: [VPC] },
    ],
    [
      'Authorize with the group only in the response rule set',
      withDetail('AuthorizeSecurityGroupIngress', {
        requestParameters: { groupName: 'default', ipPermissions: {} },
      }),
      { lookups: [{ kind: 'security-group', id: SG }] },
    ],
    [
      'Revoke with a capitalised GroupId',
      withDetail('RevokeSecurityGroupIngress', {
        requestParameters: { GroupId: SG },
        responseElements: null,
      }),
      { lookups: [{ kind: 'security-group', id: SG }] },
    ],
    [
      'AssociateRouteTable with only a subnet id',
      withDetail('AssociateRouteTable', { requestParameters: { subnetId: SUBNET } }),
      { lookups: [{ kind: 'subnet', id: SUBNET }] },
    ],
    [
      'UpdateClusterConfig naming the cluster clusterName',
      withDetail('UpdateClusterConfig', { requestParameters: { clusterName: 'prod-private' } }),
      { lookups: [{ kind: 'cluster', id: 'prod-private' }] },
    ],
    [
      'DeleteCluster without a response falls back to a cluster look-up',
      withDetail('DeleteCluster', { responseElements: null }),
      { lookups: [{ kind: 'cluster', id: 'prod-private' }] },
    ],
  ])('%s', (_name, event, expected) => {
    expect(affectedResources(event)).toEqual(expected);
  });
});

describe('malformed events re-check the whole Region and never throw', () => {
  const MALFORMED: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'CreateRoute'],
    ['an array', [sample('CreateRoute')]],
    ['no detail', { source: 'aws.ec2' }],
    ['detail is null', { detail: null }],
    ['no eventName', { detail: { requestParameters: { routeTableId: RTB } } }],
    ['eventName not a string', { detail: { eventName: 7, requestParameters: { routeTableId: RTB } } }],
    ['unknown eventName', { detail: { eventName: 'CreateVpc', requestParameters: { vpcId: VPC } } }],
    ['eventName from Object.prototype', { detail: { eventName: 'toString', requestParameters: {} } }],
    ['null requestParameters', withDetail('CreateRoute', { requestParameters: null })],
    ['missing requestParameters', { detail: { eventName: 'ModifySubnetAttribute' } }],
    ['requestParameters is a string', withDetail('ModifyVpcAttribute', { requestParameters: VPC })],
    [
      'requestParameters is an array',
      withDetail('ModifyVpcAttribute', { requestParameters: [{ vpcId: VPC }] }),
    ],
    ['id of the wrong type', withDetail('CreateRoute', { requestParameters: { routeTableId: 42 } })],
    ['id of the wrong resource', withDetail('CreateRoute', { requestParameters: { routeTableId: SG } })],
    [
      'id that is an object',
      withDetail('ModifyVpcAttribute', { requestParameters: { vpcId: { value: VPC } } }),
    ],
    ['empty id', withDetail('CreateNetworkAclEntry', { requestParameters: { networkAclId: '' } })],
    [
      'CreateVpcEndpoint with a mangled wrapper',
      withDetail('CreateVpcEndpoint', {
        requestParameters: { CreateVpcEndpointRequest: 'vpc-0a1b' },
        responseElements: null,
      }),
    ],
    [
      'DeleteVpcEndpoints with numbers',
      withDetail('DeleteVpcEndpoints', {
        requestParameters: { DeleteVpcEndpointsRequest: { VpcEndpointId: [1, 2] } },
      }),
    ],
    [
      'ModifySecurityGroupRules with a flat wrapper string',
      withDetail('ModifySecurityGroupRules', { requestParameters: { ModifySecurityGroupRulesRequest: SG } }),
    ],
    [
      'cluster name with spaces',
      withDetail('UpdateClusterConfig', { requestParameters: { name: 'prod cluster' } }),
    ],
    [
      'CreateCluster with no name and a non-object response',
      withDetail('CreateCluster', { requestParameters: {}, responseElements: 'cluster' }),
    ],
    [
      'inherited property only',
      withDetail('CreateRoute', { requestParameters: Object.create({ routeTableId: RTB }) }),
    ],
  ];

  test.each(MALFORMED)('%s', (_name, event) => {
    expect(affectedResources(event)).toEqual(WHOLE_REGION);
  });

  test('arbitrary input never throws and always yields one of the three shapes', () => {
    const eventName = fc.constantFrom<unknown>(...DRIFT_EVENT_NAMES, 'Other', 3, null);
    const detail = fc.record(
      { eventName, requestParameters: fc.anything(), responseElements: fc.anything() },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ detail })), (event) => {
        const result = affectedResources(event);
        const shapes = ['vpcIds' in result, 'lookups' in result, 'wholeRegion' in result].filter(Boolean);
        expect(shapes).toHaveLength(1);
        if ('vpcIds' in result) expect(result.vpcIds.length).toBeGreaterThan(0);
        if ('lookups' in result) expect(result.lookups.length).toBeGreaterThan(0);
      }),
    );
  });
});
