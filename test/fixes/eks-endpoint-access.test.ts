import { describe, expect, it } from '@jest/globals';
import {
  disablePublicAccess,
  enablePrivateAccess,
  setPublicAccessCidrs,
} from '../../fixes/eks-endpoint-access';
import { checkAgainstModel, commandOf } from './aws-cli-model';

describe('eks-endpoint-access', () => {
  it.each([
    [
      enablePrivateAccess('cn-north-1', 'prod-a'),
      'aws eks update-cluster-config --region cn-north-1 --name prod-a --resources-vpc-config endpointPrivateAccess=true',
    ],
    [
      disablePublicAccess('us-gov-west-1', 'prod-a'),
      'aws eks update-cluster-config --region us-gov-west-1 --name prod-a --resources-vpc-config endpointPrivateAccess=true,endpointPublicAccess=false',
    ],
    [
      setPublicAccessCidrs('eu-west-1', 'prod-a', ['203.0.113.0/24', '2001:db8::/32']),
      `aws eks update-cluster-config --region eu-west-1 --name prod-a --resources-vpc-config '{"publicAccessCidrs":["203.0.113.0/24","2001:db8::/32"]}'`,
    ],
  ])('%s', (line, expected) => {
    expect(line).toBe(expected);
    expect(checkAgainstModel(line)).toEqual([]);
  });

  it('quotes a cluster name the shell would otherwise split', () => {
    const command = commandOf(enablePrivateAccess('eu-west-1', 'team a'));
    expect(command.input.name).toBe('team a');
  });
});
