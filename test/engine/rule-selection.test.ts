import {
  CONFIG_RULE_NAME_PREFIX,
  configRuleName,
  ruleIdFromConfigRuleName,
} from '../../engine/config-rule-names';
import { configRuleName as catalogConfigRuleName } from '../../engine/rule';
import { findRule, parseRuleSelection, ruleIdTexts } from '../../engine/rule-selection';
import { RULES } from '../../rules';

const ids = (rules: readonly { meta: { id: string } }[]) => rules.map((rule) => rule.meta.id);

describe('Config rule names', () => {
  it('are the prefix + the id in kebab case (SPEC §4)', () => {
    expect(CONFIG_RULE_NAME_PREFIX).toBe('private-eks-');
    expect(configRuleName('VPC_ENDPOINTS_PRESENT')).toBe('private-eks-vpc-endpoints-present');
  });

  it('a stage prefix replaces the default one; undefined keeps it', () => {
    expect(configRuleName('SUBNETS_MULTI_AZ', 'staging-eks-')).toBe('staging-eks-subnets-multi-az');
    expect(configRuleName('SUBNETS_MULTI_AZ', undefined)).toBe('private-eks-subnets-multi-az');
  });

  it('invert for every catalog rule, under any prefix', () => {
    for (const rule of RULES) {
      const id = rule.meta.id;
      expect(ruleIdFromConfigRuleName(configRuleName(id))).toBe(id);
      expect(ruleIdFromConfigRuleName(configRuleName(id, 'guard-'), 'guard-')).toBe(id);
    }
  });

  it.each([
    ['another prefix', 'other-subnets-multi-az', undefined],
    [
      'the prefix in another case (Config names are case-sensitive)',
      'PRIVATE-EKS-subnets-multi-az',
      undefined,
    ],
    ['nothing after the prefix', 'private-eks-', undefined],
  ])('are no rule id with %s', (_, name, prefix) => {
    expect(ruleIdFromConfigRuleName(name, prefix)).toBeUndefined();
  });

  it("engine/rule.ts's one-argument configRuleName is the same name, and safe to pass to map", () => {
    const all = RULES.map((rule) => rule.meta.id);
    expect(all.map(catalogConfigRuleName)).toEqual(all.map((id) => configRuleName(id)));
  });
});

describe('findRule', () => {
  it.each([
    'SUBNETS_MULTI_AZ',
    ' subnets_multi_az ',
    'private-eks-subnets-multi-az',
    'PRIVATE-EKS-SUBNETS-MULTI-AZ',
    'subnets-multi-az',
  ])('%j names SUBNETS_MULTI_AZ', (text) => {
    expect(findRule(text)?.meta.id).toBe('SUBNETS_MULTI_AZ');
  });

  it.each(['', 'NOPE', 'private-eks-', 'staging-eks-subnets-multi-az'])('%j names no rule', (text) => {
    expect(findRule(text)).toBeUndefined();
  });
});

describe('parseRuleSelection', () => {
  const unknown = (id: string) => new RangeError(`unknown: ${id}`);
  const empty = () => new RangeError('empty');

  it('ruleIdTexts splits a string or every list item on commas, trims, drops empty items', () => {
    expect(ruleIdTexts(' A, ,B ')).toEqual(['A', 'B']);
    expect(ruleIdTexts(['A,B', ' C ', ''])).toEqual(['A', 'B', 'C']);
  });

  it('no selection at all is the whole catalog', () => {
    expect(parseRuleSelection(undefined, { unknown, empty })).toBe(RULES);
  });

  it('returns each rule once, in catalog order unless asked for the given order', () => {
    const input = ['subnets_free_ips, private-eks-endpoint-private-access', 'SUBNETS_FREE_IPS'];
    expect(ids(parseRuleSelection(input, { unknown }))).toEqual([
      'ENDPOINT_PRIVATE_ACCESS',
      'SUBNETS_FREE_IPS',
    ]);
    expect(ids(parseRuleSelection(input, { unknown, order: 'given' }))).toEqual([
      'SUBNETS_FREE_IPS',
      'ENDPOINT_PRIVATE_ACCESS',
    ]);
  });

  it('the first unknown id is the driver’s error, naming the id as written (trimmed)', () => {
    expect(() => parseRuleSelection('SUBNETS_MULTI_AZ, No_Such ,ALSO_NOT', { unknown })).toThrow(
      new RangeError('unknown: No_Such'),
    );
  });

  it.each([[''], [' , '], [[]], [['', ' ']]])('an empty selection %j is the driver’s error', (input) => {
    expect(() => parseRuleSelection(input, { unknown, empty })).toThrow(new RangeError('empty'));
  });

  it('without an empty error, an empty selection selects nothing', () => {
    expect(parseRuleSelection([], { unknown })).toEqual([]);
  });
});
