import { describe, expect, it } from '@jest/globals';
import { stopPublicIpOnLaunch, tagResource } from '../../fixes/subnet-attributes';
import { checkAgainstModel } from './aws-cli-model';

describe('subnet-attributes', () => {
  it.each([
    [
      stopPublicIpOnLaunch('cn-north-1', 'subnet-0a'),
      'aws ec2 modify-subnet-attribute --region cn-north-1 --subnet-id subnet-0a --no-map-public-ip-on-launch',
    ],
    [
      tagResource('eu-west-1', 'subnet-0a', 'kubernetes.io/role/internal-elb', '1'),
      `aws ec2 create-tags --region eu-west-1 --resources subnet-0a --tags '[{"Key":"kubernetes.io/role/internal-elb","Value":"1"}]'`,
    ],
  ])('%s', (line, expected) => {
    expect(line).toBe(expected);
    expect(checkAgainstModel(line)).toEqual([]);
  });
});
