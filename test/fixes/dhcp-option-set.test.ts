import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  completedConfigurations,
  defaultDomainName,
  dhcpOptionsVariable,
  replaceDhcpOptionSet,
} from '../../fixes/dhcp-option-set';
import type { DhcpOptionSet } from '../../snapshot/schema';
import { checkLines, commandOf } from './aws-cli-model';

const set = (configurations: [string | undefined, (string | undefined)[]][]): DhcpOptionSet => ({
  DhcpOptionsId: 'dopt-0a1',
  DhcpConfigurations: configurations.map(([Key, values]) => ({
    Key,
    Values: values.map((Value) => ({ Value })),
  })),
});

describe('defaultDomainName', () => {
  it.each([
    ['us-east-1', 'ec2.internal'],
    ['eu-west-1', 'eu-west-1.compute.internal'],
    ['cn-north-1', 'cn-north-1.compute.internal'],
    ['us-gov-west-1', 'us-gov-west-1.compute.internal'],
    ['us-east-2', 'us-east-2.compute.internal'],
  ])('%s → %s', (region, domain) => expect(defaultDomainName(region)).toBe(domain));
});

describe('completedConfigurations', () => {
  it.each<[string, DhcpOptionSet | undefined, string, { Key: string; Values: string[] }[]]>([
    [
      'no set: both, as AWS default set has them',
      undefined,
      'cn-north-1',
      [
        { Key: 'domain-name', Values: ['cn-north-1.compute.internal'] },
        { Key: 'domain-name-servers', Values: ['AmazonProvidedDNS'] },
      ],
    ],
    [
      'keeps ntp-servers and custom servers, adds the missing domain-name last',
      set([
        ['ntp-servers', ['169.254.169.123']],
        ['domain-name-servers', ['10.0.0.53', '10.0.1.53']],
      ]),
      'us-east-1',
      [
        { Key: 'ntp-servers', Values: ['169.254.169.123'] },
        { Key: 'domain-name-servers', Values: ['10.0.0.53', '10.0.1.53'] },
        { Key: 'domain-name', Values: ['ec2.internal'] },
      ],
    ],
    [
      'an empty value is dropped, and a key left empty is filled in',
      set([
        ['domain-name', ['', ' corp.example ']],
        ['domain-name-servers', ['']],
        ['netbios-node-type', [undefined]],
      ]),
      'eu-west-1',
      [
        { Key: 'domain-name', Values: ['corp.example'] },
        { Key: 'domain-name-servers', Values: ['AmazonProvidedDNS'] },
      ],
    ],
    [
      'a misspelt required key is replaced by its proper form',
      set([
        ['Domain-Name', ['eu-west-1.compute.internal']],
        ['domain-name-servers', ['AmazonProvidedDNS']],
      ]),
      'eu-west-1',
      [
        { Key: 'domain-name-servers', Values: ['AmazonProvidedDNS'] },
        { Key: 'domain-name', Values: ['eu-west-1.compute.internal'] },
      ],
    ],
    [
      'a key given twice is one configuration',
      set([
        ['domain-name-servers', ['10.0.0.53']],
        ['domain-name-servers', ['10.0.1.53', '10.0.0.53']],
        [undefined, ['x']],
      ]),
      'eu-west-1',
      [
        { Key: 'domain-name-servers', Values: ['10.0.0.53', '10.0.1.53'] },
        { Key: 'domain-name', Values: ['eu-west-1.compute.internal'] },
      ],
    ],
  ])('%s', (_name, current, region, expected) => {
    expect(completedConfigurations(current, region)).toEqual(expected);
  });

  it('always yields both required keys, each key once, no empty value, and keeps every other value', () => {
    const key = fc.constantFrom(
      'domain-name',
      'domain-name-servers',
      'ntp-servers',
      'netbios-node-type',
      'Domain-Name',
    );
    const value = fc.option(fc.constantFrom('', ' ', '10.0.0.2', 'corp.example', 'AmazonProvidedDNS'), {
      nil: undefined,
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.array(value))), (configurations) => {
        const result = completedConfigurations(set(configurations), 'eu-west-1');
        const keys = result.map((c) => c.Key);
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys).toEqual(expect.arrayContaining(['domain-name', 'domain-name-servers']));
        for (const c of result) {
          expect(c.Values.length).toBeGreaterThan(0);
          expect(c.Values.every((v) => v.trim() === v && v !== '')).toBe(true);
        }
        for (const [k, values] of configurations) {
          if (k === 'Domain-Name') continue;
          const kept = result.find((c) => c.Key === k)?.Values ?? [];
          for (const v of values) if (v?.trim()) expect(kept).toContain(v.trim());
        }
      }),
    );
  });
});

describe('replaceDhcpOptionSet', () => {
  const configurations = completedConfigurations(undefined, 'cn-north-1');

  it('creates the set, captures its id, and associates it with the VPC', () => {
    expect(replaceDhcpOptionSet('cn-north-1', 'vpc-0a1b2c3d', configurations)).toEqual([
      `DOPT_ID_0A1B2C3D=$(aws ec2 create-dhcp-options --region cn-north-1 --dhcp-configurations '[{"Key":"domain-name","Values":["cn-north-1.compute.internal"]},{"Key":"domain-name-servers","Values":["AmazonProvidedDNS"]}]' --query DhcpOptions.DhcpOptionsId --output text)`,
      'aws ec2 associate-dhcp-options --region cn-north-1 --vpc-id vpc-0a1b2c3d --dhcp-options-id "$DOPT_ID_0A1B2C3D"',
    ]);
  });

  it('writes lines the EC2 model accepts', () => {
    const lines = replaceDhcpOptionSet('eu-west-1', 'vpc-1', configurations);
    expect(checkLines(lines)).toEqual([]);
    // Each line again with the id the capture would hold: the association reads that very id.
    const vars: Record<string, string> = {};
    const requests = lines.map((line) => {
      const command = commandOf(line, vars);
      if (command.capture) vars[command.capture] = 'dopt-new';
      return command.input;
    });
    expect(requests[1]).toEqual({ VpcId: 'vpc-1', DhcpOptionsId: 'dopt-new' });
  });

  it('quotes a value with a quote in it, so the shell passes it through whole', () => {
    const [create] = replaceDhcpOptionSet('eu-west-1', 'vpc-1', [
      { Key: 'domain-name', Values: ["o'brien.example"] },
    ]);
    expect(commandOf(create!).input.DhcpConfigurations).toEqual([
      { Key: 'domain-name', Values: ["o'brien.example"] },
    ]);
  });

  it('gives each VPC its own variable', () => {
    expect(dhcpOptionsVariable('vpc-0abc')).toBe('DOPT_ID_0ABC');
    expect(dhcpOptionsVariable('vpc-0abd')).not.toBe(dhcpOptionsVariable('vpc-0abc'));
  });
});
