import { UsageError, ParameterError } from '../../engine/errors';
import { DEFAULT_PARAMS } from '../../engine/params';
import { RULES } from '../../rules';
import type { ConfigFile } from '../../cli/config-file';
import { paramOptionTexts, resolveCheckSettings, selectRules } from '../../cli/settings';

describe('paramOptionTexts', () => {
  it.each([
    { options: ['egressMode=nat'], texts: { egressMode: 'nat' } },
    { options: ['minFreeIps=6', 'minFreeIps=16'], texts: { minFreeIps: '16' } },
    { options: ['requiredServices='], texts: { requiredServices: '' } },
    { options: [' egressMode =any'], texts: { egressMode: 'any' } },
    { options: ['x=a=b'], texts: { x: 'a=b' } },
  ])('$options → $texts', ({ options, texts }) => {
    expect(paramOptionTexts(options)).toEqual(texts);
  });

  it.each([{ option: 'egressMode' }, { option: '=nat' }, { option: '' }])(
    'rejects "$option" (no NAME=VALUE)',
    ({ option }) => {
      expect(() => paramOptionTexts([option])).toThrow(UsageError);
      expect(() => paramOptionTexts([option])).toThrow(/expected NAME=VALUE/);
    },
  );
});

describe('selectRules', () => {
  it.each([
    { ids: ['subnets_multi_az'], expected: ['SUBNETS_MULTI_AZ'] },
    {
      ids: ['SUBNETS_MULTI_AZ, endpoint_private_access'],
      expected: ['ENDPOINT_PRIVATE_ACCESS', 'SUBNETS_MULTI_AZ'],
    },
    { ids: ['SUBNETS_MULTI_AZ', 'subnets_multi_az'], expected: ['SUBNETS_MULTI_AZ'] },
    { ids: ['private-eks-network-acls'], expected: ['NETWORK_ACLS'] },
    { ids: ['PRIVATE-EKS-NETWORK-ACLS,subnets-multi-az'], expected: ['NETWORK_ACLS', 'SUBNETS_MULTI_AZ'] },
  ])('$ids → $expected (catalog order, once each)', ({ ids, expected }) => {
    expect(selectRules(ids).map((r) => r.meta.id)).toEqual(expected);
  });

  it('rejects an unknown id, listing all 16 valid ones', () => {
    expect(() => selectRules(['NOPE'])).toThrow(/unknown rule "NOPE"; valid rule ids: /);
    try {
      selectRules(['NOPE']);
    } catch (error) {
      for (const rule of RULES) expect((error as Error).message).toContain(rule.meta.id);
    }
  });

  it.each([{ ids: [''] }, { ids: [' , '] }, { ids: [] }])('rejects an empty selection $ids', ({ ids }) => {
    expect(() => selectRules(ids)).toThrow(/no rule ids given/);
  });
});

describe('resolveCheckSettings', () => {
  it('runs every rule with default parameters when nothing is set', () => {
    const { rules, params } = resolveCheckSettings({});
    expect(rules).toBe(RULES);
    expect(params).toEqual(DEFAULT_PARAMS);
  });

  it('--param beats the config file name by name; config values fill in the rest', () => {
    const { params } = resolveCheckSettings(
      { params: ['minFreeIps=16'] },
      { parameters: { minFreeIps: 9000, egressMode: 'nat', requiredServices: ['ec2', 'sts'] } },
    );
    expect(params.minFreeIps).toBe(16);
    expect(params.egressMode).toBe('nat');
    expect(params.requiredServices).toEqual(['ec2', 'sts']);
  });

  it('--rules replaces the config file rules', () => {
    const { rules } = resolveCheckSettings({ rules: ['NETWORK_ACLS'] }, { rules: ['SUBNETS_MULTI_AZ'] });
    expect(rules.map((r) => r.meta.id)).toEqual(['NETWORK_ACLS']);
  });

  it('config file rules apply without --rules', () => {
    const { rules } = resolveCheckSettings({}, { rules: 'subnets_multi_az' });
    expect(rules.map((r) => r.meta.id)).toEqual(['SUBNETS_MULTI_AZ']);
  });

  it.each<{ name: string; cli: { params?: string[] }; config: ConfigFile; message: RegExp }>([
    {
      name: 'a bad config value, even when --param overrides it',
      cli: { params: ['egressMode=nat'] },
      config: { parameters: { egressMode: 'sometimes' } },
      message: /^config file team\.yaml: parameter egressMode: .*allowed: none \| nat \| any$/,
    },
    {
      name: 'an unknown config parameter',
      cli: {},
      config: { parameters: { egressmode: 'nat' } },
      message: /^config file team\.yaml: unknown parameter "egressmode"/,
    },
    {
      name: 'a bad --param value',
      cli: { params: ['minFreeIps=-1'] },
      config: {},
      message: /^parameter minFreeIps: .*allowed: an integer >= 0$/,
    },
    {
      name: 'an unknown config rule',
      cli: {},
      config: { rules: ['NOPE'] },
      message: /^config file team\.yaml: rules: unknown rule "NOPE"/,
    },
  ])('rejects $name', ({ cli, config, message }) => {
    expect(() => resolveCheckSettings(cli, config, 'config file team.yaml')).toThrow(message);
    expect(() => resolveCheckSettings(cli, config, 'config file team.yaml')).toThrow(UsageError);
  });

  it('validates every parameter even when --rules picks a rule that reads none', () => {
    expect(() => resolveCheckSettings({ rules: ['SUBNETS_MULTI_AZ'], params: ['minFreeIps=lots'] })).toThrow(
      ParameterError,
    );
  });
});
