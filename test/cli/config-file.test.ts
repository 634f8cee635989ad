import { z } from 'zod';
import {
  ConfigError,
  ConfigFileSchema,
  configFileShape,
  configRuleIds,
  loadConfigFile,
  parameterTexts,
  parseConfigText,
} from '../../cli/config-file';
import { TempFiles } from './helpers';

const files = new TempFiles();
afterAll(() => files.cleanup());

describe('parseConfigText: accepted files', () => {
  it.each([
    {
      name: 'YAML with every value kind',
      text: [
        'rules:',
        '  - subnets_free_ips',
        '  - NETWORK_ACLS',
        'parameters:',
        '  minFreeIps: 16',
        '  egressMode: nat',
        '  requiredServices: [ec2, sts, logs]',
        '  allowedDnsServers: ""',
        '  flagLike: true',
      ].join('\n'),
      rules: ['subnets_free_ips', 'NETWORK_ACLS'],
      texts: {
        minFreeIps: '16',
        egressMode: 'nat',
        requiredServices: 'ec2,sts,logs',
        allowedDnsServers: '',
        flagLike: 'true',
      },
    },
    {
      name: 'JSON, rules as one comma-separated string',
      text: '{"rules": "SUBNETS_MULTI_AZ,SUBNETS_FREE_IPS", "parameters": {"minFreeIps": 6}}',
      rules: ['SUBNETS_MULTI_AZ', 'SUBNETS_FREE_IPS'],
      texts: { minFreeIps: '6' },
    },
    { name: 'an empty file', text: '', rules: undefined, texts: {} },
    { name: 'only comments', text: '# nothing yet\n', rules: undefined, texts: {} },
  ])('$name', ({ text, rules, texts }) => {
    const config = parseConfigText(text, 'team.yaml');
    expect(configRuleIds(config)).toEqual(rules);
    expect(parameterTexts(config)).toEqual(texts);
  });
});

describe('parseConfigText: rejected files name the problem and the key', () => {
  it.each([
    {
      name: 'unknown top-level key',
      text: 'parameter:\n  a: 1\n',
      message:
        /unknown key parameter \(allowed keys: rules, parameters, alerts, schedule, securityHub, organization\)/,
    },
    {
      name: 'a list at the top',
      text: '- rules\n',
      message: /expected a mapping with the keys rules, parameters/,
    },
    { name: 'a scalar at the top', text: '42\n', message: /expected a mapping/ },
    {
      name: 'a nested mapping as a value',
      text: 'parameters:\n  minFreeIps:\n    value: 6\n',
      message: /parameters\.minFreeIps: expected a string, number, boolean or list of strings/,
    },
    {
      name: 'a list holding a number',
      text: 'parameters:\n  requiredServices: [ec2, 42]\n',
      message: /parameters\.requiredServices: expected a string, number, boolean or list of strings/,
    },
    {
      name: 'a null value',
      text: 'parameters:\n  requiredServices:\n',
      message: /parameters\.requiredServices: .*got null; write "" for an empty value/,
    },
    { name: 'rules as a mapping', text: 'rules:\n  a: b\n', message: /rules: expected a list of rule ids/ },
    { name: 'a YAML syntax error', text: 'rules: [a, b\n', message: /is not valid YAML or JSON/ },
    { name: 'a duplicate key', text: 'rules: [A]\nrules: [B]\n', message: /is not valid YAML or JSON/ },
    { name: 'broken JSON', text: '{"rules": ["A"],}x', message: /is not valid YAML or JSON/ },
  ])('$name', ({ text, message }) => {
    let caught: unknown;
    try {
      parseConfigText(text, 'team.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const msg = (caught as Error).message;
    expect(msg).toMatch(/^config file team\.yaml/);
    expect(msg).toMatch(message);
    expect(msg).not.toContain('\n');
  });
});

describe('loadConfigFile', () => {
  it('reads a file from disk', () => {
    const file = files.write('ok.yml', 'parameters:\n  egressMode: none\n');
    expect(parameterTexts(loadConfigFile(file))).toEqual({ egressMode: 'none' });
  });

  it('names a file it cannot read', () => {
    const file = files.path('missing.yml');
    expect(() => loadConfigFile(file)).toThrow(
      new ConfigError(`cannot read config file ${file}: no such file`),
    );
  });

  it('reads extra keys with a schema extended from the exported shape (the deploy config)', () => {
    const ExtendedSchema = z.strictObject({ ...configFileShape, extra: z.string().optional() });
    const file = files.write('deploy.yml', 'extra: something\nrules: [SUBNETS_MULTI_AZ]\n');
    expect(loadConfigFile(file, ExtendedSchema)).toEqual({
      extra: 'something',
      rules: ['SUBNETS_MULTI_AZ'],
    });
    expect(() => loadConfigFile(file, ConfigFileSchema)).toThrow(/unknown key extra/);
  });
});
