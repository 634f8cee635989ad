import { authorizeGroupReference, preferredGroup } from '../../fixes/security-group-rules';
import { checkAgainstModel, cliName, commandOf, operationModel } from './aws-cli-model';

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
    for (const direction of ['ingress', 'egress'] as const) {
      const request = operationModel('ec2', `authorize-security-group-${direction}`);
      if (typeof request === 'string') throw new Error(request);
      const line = authorizeGroupReference('eu-west-1', direction, 'sg-0e1', 'udp', 53, 'sg-0c1');
      expect(checkAgainstModel(line)).toEqual([]);
      const command = commandOf(line);
      const names = command.flags.filter((n) => n !== 'region');
      expect(names).toEqual(['group-id', 'ip-permissions']);
      for (const name of names) expect(request.input.members.map(cliName)).toContain(name);
      const permissions = request.input.member('IpPermissions');
      const permission = permissions.type === 'list' ? permissions.member() : permissions;
      const pair = permission.type === 'structure' ? permission.member('UserIdGroupPairs') : permission;
      const pairMember = pair.type === 'list' ? pair.member() : pair;
      for (const p of command.input.IpPermissions as Record<string, unknown>[]) {
        for (const key of Object.keys(p))
          expect(permission.type === 'structure' && permission.members).toContain(key);
        for (const g of p.UserIdGroupPairs as Record<string, unknown>[]) {
          for (const key of Object.keys(g))
            expect(pairMember.type === 'structure' && pairMember.members).toContain(key);
        }
      }
      expect(command.input.IpPermissions).toEqual([
        { IpProtocol: 'udp', FromPort: 53, ToPort: 53, UserIdGroupPairs: [{ GroupId: 'sg-0c1' }] },
      ]);
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
