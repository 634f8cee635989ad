import { authorizeGroupReference, preferredGroup } from '../../fixes/security-group-rules';

describe('authorizeGroupReference', () => {
  it.each([
    {
      direction: 'ingress' as const,
      command:
        'aws ec2 authorize-security-group-ingress --region cn-northwest-1 --group-id sg-0e1 --ip-permissions \'[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"UserIdGroupPairs":[{"GroupId":"sg-0c1"}]}]\'',
    },
    {
      direction: 'egress' as const,
      command:
        'aws ec2 authorize-security-group-egress --region cn-northwest-1 --group-id sg-0e1 --ip-permissions \'[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"UserIdGroupPairs":[{"GroupId":"sg-0c1"}]}]\'',
    },
  ])('$direction', ({ direction, command }) => {
    expect(authorizeGroupReference('cn-northwest-1', direction, 'sg-0e1', 'tcp', 443, 'sg-0c1')).toBe(
      command,
    );
  });

  it("uses the request's and IpPermission's member names, as the SDK's API model spells them", () => {
    // [3, namespace, name, traits, member names, member schemas]
    const ec2 = jest.requireActual<Record<string, unknown[]>>('@aws-sdk/client-ec2');
    const members = (schema: string) => ec2[schema]![4] as string[];
    const kebab = (name: string) => name.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase();
    for (const [direction, request] of [
      ['ingress', 'AuthorizeSecurityGroupIngressRequest$'],
      ['egress', 'AuthorizeSecurityGroupEgressRequest$'],
    ] as const) {
      const line = authorizeGroupReference('eu-west-1', direction, 'sg-0e1', 'udp', 53, 'sg-0c1');
      const names = [...line.matchAll(/ --([a-z0-9-]+)/g)].map((m) => m[1]!).filter((n) => n !== 'region');
      expect(names).toEqual(['group-id', 'ip-permissions']);
      for (const name of names) expect(members(request).map(kebab)).toContain(name);
      const permissions = JSON.parse(/--ip-permissions '([^']+)'/.exec(line)![1]!) as Record<
        string,
        unknown
      >[];
      for (const permission of permissions) {
        for (const key of Object.keys(permission)) expect(members('IpPermission$')).toContain(key);
        for (const pair of permission.UserIdGroupPairs as Record<string, unknown>[]) {
          for (const key of Object.keys(pair)) expect(members('UserIdGroupPair$')).toContain(key);
        }
      }
    }
  });
});

describe('preferredGroup', () => {
  it.each([
    {
      name: 'the cluster SG when the side holds it',
      ids: ['sg-1', 'sg-c'],
      cluster: 'sg-c',
      expected: 'sg-c',
    },
    { name: 'else the first group', ids: ['sg-1', 'sg-2'], cluster: 'sg-c', expected: 'sg-1' },
    { name: 'no cluster SG known', ids: ['sg-1'], cluster: undefined, expected: 'sg-1' },
    { name: 'no group at all', ids: [], cluster: 'sg-c', expected: undefined },
  ])('$name', ({ ids, cluster, expected }) => {
    expect(preferredGroup(ids, cluster)).toBe(expected);
  });
});
