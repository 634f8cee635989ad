import { describe, expect, it } from '@jest/globals';
import { enableDnsHostnames, enableDnsSupport } from '../../fixes/vpc-dns-attributes';
import { checkAgainstModel } from './aws-cli-model';

describe('vpc-dns-attributes', () => {
  it.each([
    [
      enableDnsSupport('cn-north-1', 'vpc-0a'),
      'aws ec2 modify-vpc-attribute --region cn-north-1 --vpc-id vpc-0a --enable-dns-support',
    ],
    [
      enableDnsHostnames('eu-west-1', 'vpc-0a'),
      'aws ec2 modify-vpc-attribute --region eu-west-1 --vpc-id vpc-0a --enable-dns-hostnames',
    ],
  ])('%s', (line, expected) => {
    expect(line).toBe(expected);
    expect(checkAgainstModel(line)).toEqual([]);
  });
});
