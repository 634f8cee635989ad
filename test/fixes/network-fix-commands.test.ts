import { describe, expect, it } from '@jest/globals';
import { modelErrors, parseCommand } from './network-fix-commands';

// The checker must catch what it is there to catch, or every test built on it passes vacuously.
describe('network-fix-commands: checking lines against the SDK model', () => {
  it.each([
    ['aws ec2 modify-vpc-attribute --region eu-west-1 --vpc-id vpc-1 --enable-dns-support'],
    ['aws ec2 modify-subnet-attribute --region eu-west-1 --subnet-id subnet-1 --no-map-public-ip-on-launch'],
    [
      'aws eks update-cluster-config --region eu-west-1 --name a --resources-vpc-config endpointPrivateAccess=true',
    ],
    [
      `aws eks update-cluster-config --region cn-north-1 --name a --resources-vpc-config '{"publicAccessCidrs":["203.0.113.0/24"]}'`,
    ],
    [`aws ec2 create-tags --region eu-west-1 --resources subnet-1 --tags '[{"Key":"k","Value":"1"}]'`],
    [
      `X=$(aws ec2 create-dhcp-options --region eu-west-1 --dhcp-configurations '[{"Key":"domain-name","Values":["a"]}]' --query DhcpOptions.DhcpOptionsId --output text)`,
    ],
  ])('accepts %s', (line) => {
    expect(modelErrors(parseCommand(line))).toEqual([]);
  });

  it.each([
    [
      'aws ec2 authorize-security-group-ingress --region r --group-id sg-1 --protocol tcp',
      '--protocol is not a member',
    ],
    ['aws ec2 modify-vpc-attributes --region r --vpc-id vpc-1', 'has no operation modify-vpc-attributes'],
    ['aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-support', 'no --region'],
    ['aws ec2 create-tags --region r --resources subnet-1 --no-tags', '--tags is not a boolean member'],
    [
      `aws ec2 create-tags --region r --resources subnet-1 --tags '[{"Name":"k"}]'`,
      'Tags[0].Name is not a member of Tag',
    ],
    [
      'aws eks update-cluster-config --region r --name a --resources-vpc-config privateAccess=true',
      'privateAccess is not a member of VpcConfigRequest',
    ],
  ])('refuses %s', (line, error) => {
    expect(modelErrors(parseCommand(line)).join('; ')).toContain(error);
  });

  it('reads a captured id back where the line quotes its variable', () => {
    const command = parseCommand(
      'aws ec2 associate-dhcp-options --region r --vpc-id vpc-1 --dhcp-options-id "$DOPT_ID_1"',
      new Map([['DOPT_ID_1', 'dopt-9']]),
    );
    expect(command.options.get('dhcp-options-id')).toBe('dopt-9');
    expect(() => parseCommand('aws ec2 x --region r --a "$UNSET"')).toThrow(/not set/);
  });
});
