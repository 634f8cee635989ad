import fc from 'fast-check';
import { endpointServiceName, serviceNameLookup } from '../../fixes/endpoint-service-name';
import { serviceOf } from '../../network/endpoints';
import type { VpcEndpoint } from '../../snapshot/schema';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { endpoint, iface } from '../../testkit/snapshot-edits';
import { viewOf } from '../../testkit/view';
import { checkAgainstModel, commandOf } from './aws-cli-model';

function snapshotIn(
  region: string,
  clusters = 1,
): { snapshot: RawSnapshot; ids: ReturnType<typeof privateClustersSnapshot>['ids'] } {
  return privateClustersSnapshot(clusters, { region });
}

const lookup = (region: string, service: string, type: string) =>
  `aws ec2 describe-vpc-endpoint-services --region ${region} --filters ` +
  `'[{"Name":"service-name","Values":["com.amazonaws.${region}.${service}","cn.com.amazonaws.${region}.${service}"]},` +
  `{"Name":"service-type","Values":["${type}"]}]' --query 'ServiceNames[0]' --output text`;

describe('endpointServiceName', () => {
  it.each([
    ['eu-west-1', 'logs', 'com.amazonaws.eu-west-1.logs'],
    ['us-east-1', 'ecr.dkr', 'com.amazonaws.us-east-1.ecr.dkr'],
    ['us-gov-west-1', 'logs', 'com.amazonaws.us-gov-west-1.logs'],
    ['us-gov-east-1', 'sts', 'com.amazonaws.us-gov-east-1.sts'],
  ])('%s: %s is com.amazonaws.<region>.<service> without asking', (region, service, name) => {
    const { snapshot } = snapshotIn(region);
    snapshot.ec2.VpcEndpoints = [];
    expect(endpointServiceName(viewOf(snapshot), service, 'Interface')).toEqual({ name });
  });

  it('China: uses the name an endpoint of the same type shows, from any VPC', () => {
    const { snapshot, ids } = snapshotIn('cn-north-1', 2);
    // The first cluster's VPC has no ecr.dkr endpoint any more; the second's shows the cn. name.
    snapshot.ec2.VpcEndpoints = snapshot.ec2.VpcEndpoints.filter(
      (e) => e.VpcEndpointId !== iface(ids[0]!, 'ecr.dkr'),
    );
    expect(endpointServiceName(viewOf(snapshot), 'ecr.dkr', 'Interface')).toEqual({
      name: 'cn.com.amazonaws.cn-north-1.ecr.dkr',
    });
  });

  it('China: an endpoint in a state that carries no traffic still confirms the name EC2 accepted', () => {
    const { snapshot, ids } = snapshotIn('cn-northwest-1');
    endpoint(snapshot, iface(ids[0]!, 'sts')).State = 'failed';
    expect(endpointServiceName(viewOf(snapshot), 'sts', 'Interface')).toEqual({
      name: 'cn.com.amazonaws.cn-northwest-1.sts',
    });
  });

  it('China: without such an endpoint, the command asks EC2 among the two names SPEC §3 accepts', () => {
    const { snapshot } = snapshotIn('cn-north-1');
    expect(endpointServiceName(viewOf(snapshot), 'logs', 'Interface')).toEqual({
      lookup: lookup('cn-north-1', 'logs', 'Interface'),
    });
  });

  it('China: the name of one type does not stand for the other (s3 Gateway vs Interface)', () => {
    const { snapshot } = snapshotIn('cn-north-1');
    const view = viewOf(snapshot);
    expect(endpointServiceName(view, 's3', 'Gateway')).toEqual({ name: 'com.amazonaws.cn-north-1.s3' });
    expect(endpointServiceName(view, 's3', 'Interface')).toEqual({
      lookup: lookup('cn-north-1', 's3', 'Interface'),
    });
  });

  it.each([
    ['of unknown type', (e: Record<string, unknown>) => delete e.VpcEndpointType],
    [
      'of another Region',
      (e: Record<string, unknown>) => (e.ServiceName = 'cn.com.amazonaws.cn-northwest-1.sts'),
    ],
    ['without ServiceName', (e: Record<string, unknown>) => delete e.ServiceName],
  ])('China: an endpoint %s confirms nothing', (_, edit) => {
    const { snapshot, ids } = snapshotIn('cn-north-1');
    edit(endpoint(snapshot, iface(ids[0]!, 'sts')));
    expect(endpointServiceName(viewOf(snapshot), 'sts', 'Interface')).toEqual({
      lookup: lookup('cn-north-1', 'sts', 'Interface'),
    });
  });

  it('an isolated partition asks EC2 too', () => {
    const { snapshot } = snapshotIn('us-iso-east-1');
    snapshot.ec2.VpcEndpoints = [];
    expect(endpointServiceName(viewOf(snapshot), 'sts', 'Interface')).toHaveProperty('lookup');
  });

  it('the look-up is a valid describe-vpc-endpoint-services call that prints one word', () => {
    const line = serviceNameLookup('cn-north-1', 'ecr.api', 'Interface');
    expect(checkAgainstModel(line)).toEqual([]);
    const command = commandOf(line);
    expect(command.operation).toBe('describe-vpc-endpoint-services');
    expect(command.flags).toEqual(['region', 'filters', 'query', 'output']);
  });

  it('every name it writes or asks for is one the rules read back as the same service (property)', () => {
    const region = fc.constantFrom(
      'eu-west-1',
      'us-gov-west-1',
      'cn-north-1',
      'cn-northwest-1',
      'ap-southeast-2',
    );
    const service = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/);
    const type = fc.constantFrom('Interface' as const, 'Gateway' as const);
    fc.assert(
      fc.property(region, service, type, (r, s, t) => {
        const { snapshot } = snapshotIn(r);
        snapshot.ec2.VpcEndpoints = [];
        const source = endpointServiceName(viewOf(snapshot), s, t);
        const names =
          source.name !== undefined
            ? [source.name]
            : (commandOf(source.lookup).input.Filters as { Name: string; Values: string[] }[]).find(
                (f) => f.Name === 'service-name',
              )!.Values;
        for (const name of names) {
          expect(serviceOf({ ServiceName: name } as VpcEndpoint, r)).toBe(s);
        }
      }),
      { numRuns: 200 },
    );
  });
});
