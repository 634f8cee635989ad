import { describe, expect, it } from '@jest/globals';
import { deleteRoute } from '../../fixes/route-table-routes';
import type { Route } from '../../snapshot/schema';
import { checkAgainstModel } from './aws-cli-model';

describe('deleteRoute', () => {
  it.each<[string, Route, string]>([
    ['IPv4', { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' }, '--destination-cidr-block 0.0.0.0/0'],
    [
      'IPv6',
      { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1' },
      '--destination-ipv6-cidr-block ::/0',
    ],
    [
      'prefix list',
      { DestinationPrefixListId: 'pl-6da54004', NatGatewayId: 'nat-1' },
      '--destination-prefix-list-id pl-6da54004',
    ],
  ])('names the %s destination the route has', (_name, route, destination) => {
    const line = deleteRoute('cn-north-1', 'rtb-0a', route)!;
    expect(line).toBe(`aws ec2 delete-route --region cn-north-1 --route-table-id rtb-0a ${destination}`);
    expect(checkAgainstModel(line)).toEqual([]);
  });

  it('has no command for a route without a destination', () => {
    expect(deleteRoute('eu-west-1', 'rtb-0a', { GatewayId: 'igw-1' })).toBeUndefined();
  });
});
